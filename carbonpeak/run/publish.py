"""Publishing: what a run staged is moved into place only once complete, so a failed run
or region never replaces a good report."""

from __future__ import annotations

import shutil
from pathlib import Path

from carbonpeak import reference
from carbonpeak.period import Period
from carbonpeak.run.outcome import RegionOutcome
from carbonpeak.runfolder import NOTEBOOKS, RunFolder


def publish(src: Path, dst: Path) -> None:
    """Move src into dst's place, replacing it only now that src is complete."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    old = dst.with_name(f".{dst.name}.old")
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    if dst.exists():
        dst.rename(old)
    src.rename(dst)
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def keep_failed_notebook(nb: Path, year_dir: Path) -> Path | None:
    """A failed whole-province stage publishes nothing but its executed notebook."""
    if not nb.exists():
        return None
    dst = RunFolder(year_dir).failed_notebook(nb)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(nb, dst)
    return dst


def publish_notebooks(staging: Path, year_dir: Path, outcomes: list[RegionOutcome]) -> None:
    for o in outcomes:
        for nb in RunFolder(staging).region_notebooks(o.region_code):
            publish(nb, RunFolder(year_dir).notebooks / nb.name)  # the audit trail, failed too


def publish_all(staging: Path, year_dir: Path, outcomes: list[RegionOutcome],
                once: list) -> None:
    """Whole-run outputs first (whatever the once-stages wrote), then each good region."""
    year_dir.mkdir(parents=True, exist_ok=True)
    regions = {o.region_code for o in outcomes} | set(reference.region_codes(reference.LEVELS))
    for item in sorted(staging.iterdir()):
        if item.name not in regions and item.name != NOTEBOOKS \
                and not item.name.startswith("."):  # the run's own bookkeeping stays
            publish(item, year_dir / item.name)
    for stage in once:
        publish(RunFolder(staging).notebook(stage.notebook),
                RunFolder(year_dir).notebook(stage.notebook))
    publish_notebooks(staging, year_dir, outcomes)
    for o in outcomes:
        if o.ok:
            publish(staging / o.region_code, year_dir / o.region_code)


def write_index(year_dir: Path, period: Period) -> None:
    from carbonpeak.report import index

    html = index.render(year_dir, period)
    index = RunFolder(year_dir).index
    tmp = index.with_name(f".{index.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(index)
