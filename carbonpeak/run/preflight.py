"""What can be checked before any kernel starts: arguments, reference data, the pipeline,
the output folder and the headline input, each failure an exit 2 naming what is wrong."""

from __future__ import annotations

import tempfile
from pathlib import Path

from carbonpeak import errors, pipeline, reference
from carbonpeak.period import Period
from carbonpeak.run import selection
from carbonpeak.run.failures import short_error

FORMATS = ("html", "pdf")


def preflight(data_dir: Path, period: Period, regions: str, out_root: Path,
              formats: list[str], jobs: int,
              level: str | None = None) -> tuple[list[str], pipeline.Pipeline]:
    """What can be checked in this process before any kernel starts, each failure an exit 2
    naming the argument or file."""
    if bad := [f for f in formats if f not in FORMATS] or not formats:
        raise errors.RunError(f"unknown format {bad[0] if bad else ''!r}; choose from "
                              f"{', '.join(FORMATS)} (--formats)")
    if jobs < 1:
        raise errors.RunError(f"--jobs must be at least 1, not {jobs}")
    for path, load in reference.LOADERS.items():
        try:
            load()
        except Exception as e:  # noqa: BLE001 - any parse/shape error of a reference file
            raise errors.ConfigError(f"{reference.REFERENCE_DIR / path} cannot be loaded: "
                                     f"{short_error(e)}") from None
    spec = pipeline.for_period(period)
    delivered = data_dir.is_dir() and _counties_delivered(data_dir, spec)
    wanted = selection.select(regions, level, delivered)
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_root, prefix=".write-test-"):
            pass
    except OSError as e:
        raise errors.RunError(f"output folder {out_root} is not writable: "
                              f"{e.strerror or e} (--out)") from None
    if not data_dir.is_dir():
        raise errors.InputError(f"data directory {data_dir} does not exist (--data)")
    _check_headline(data_dir)
    return wanted, spec


def _counties_delivered(data_dir: Path, spec: pipeline.Pipeline) -> bool:
    """A county table this chain reads has a file in the data folder."""
    from carbonpeak import ingest
    from carbonpeak.ingest import sources

    tables = [t for t in reference.county_tables() if t in spec.table_names()]
    if not tables:
        return False
    found = sources.match(data_dir, reference.tables(), ingest.match_header)
    return any(found.files.get(t) for t in tables)


def _check_headline(data_dir: Path) -> None:
    from carbonpeak import ingest
    from carbonpeak.ingest import sources

    name = "industry_annual"
    found = sources.match(data_dir, reference.tables(), ingest.match_header)
    paths = found.files.get(name, [])
    refused = [f.message for f in found.notes.get(name, []) if f.severity == "error"]
    if len(paths) > 1:
        raise errors.InputError(f"{data_dir}: two files for the headline table {name}: "
                                + ", ".join(p.name for p in paths))
    if not paths:
        expected = ", ".join(reference.tables()[name].get("files", [f"{name}.csv"]))
        why = f" ({refused[0]})" if refused else ""
        raise errors.InputError(f"{data_dir}: no headline table {name} (expected one of "
                                f"{expected}, or a file with its headers){why}")
    path = paths[0]
    try:
        with path.open("rb") as f:
            if not f.read(1):
                raise errors.InputError(f"{path}: the headline table {name} is empty")
    except OSError as e:
        raise errors.InputError(f"{path}: cannot read the headline table: "
                                f"{e.strerror or e}") from None
