"""manifest.json: inputs with their hashes, package versions, timings and, per region,
what its report was built from."""

from __future__ import annotations

import sys
import time
from importlib import metadata
from pathlib import Path

from carbonpeak.period import Period
from carbonpeak.run import freshness, runlog
from carbonpeak.runfolder import RunFolder

PACKAGES = ["carbonpeak", "papermill", "nbconvert", "nbclient", "great-expectations", "pandas",
            "numpy", "matplotlib", "seaborn", "pyarrow", "openpyxl", "weasyprint", "ipykernel"]


def read(year_dir: Path) -> dict:
    return RunFolder(year_dir).load_manifest()


def same_inputs(previous: dict, inputs: dict[str, str]) -> bool:
    """The manifest `previous` was written from exactly these input hashes."""
    before = {Path(i.get("path") or i.get("rows", "")).name if "path" in i else i["rows"]:
              i["sha256"] for i in previous.get("inputs", [])}
    return before == dict(inputs)


def write(year_dir: Path, data_dir: Path, inputs: dict[str, str], code: dict[str, str],
                   period: Period, formats: list[str], timings: dict, records: dict,
                   reported: list[str] | None = None) -> None:
    """Inputs, versions, timings and, per region, what its report was built from. `inputs`
    and `code` are the hashes the run took at its start, not taken again."""
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    manifest = {
        "year": period.year,
        "period": period.key,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "code_version": freshness.digest(code),
        "formats": formats,
        "python": sys.version.split()[0],
        "inputs": [{"path": str(data_dir / name), "sha256": sha,
                    "bytes": (data_dir / name).stat().st_size} if (data_dir / name).is_file()
                   else {"rows": name, "sha256": sha}  # a table's rows up to the period
                   for name, sha in sorted(inputs.items())],
        "reference": [{"path": path, "sha256": sha} for path, sha in code.items()
                      if path.startswith(("data/reference/", "expectations/"))],
        "packages": versions,
        "timings_s": timings,
        "regions": {c: {k: v for k, v in r.items() if k != "region_code"}
                    for c, r in sorted(records.items())},
        # the regions the data let this run report on (counties: those with county rows)
        "reported": reported or [],
    }
    runlog.write_json(RunFolder(year_dir).manifest, manifest)
