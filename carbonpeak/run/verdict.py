"""The exit code and status.json: what a scheduler reads to tell a clean run from one that
left something unrated."""

from __future__ import annotations

import csv
from pathlib import Path

from carbonpeak.run import freshness, runlog
from carbonpeak.run.outcome import RegionOutcome, RunState
from carbonpeak.runfolder import BAROMETER, INDICATORS, RunFolder, UnreadableRunFile

# What each exit code means (README, --help and docs/operations.md say the same).
EXIT_CODES = {
    0: "every requested report is current and its data passed the quality checks",
    1: "reports written, but some regions failed or quality errors left indicators or lights 未评级",
    2: "nothing rendered: bad arguments, configuration, headline input or output folder",
    3: "another run holds the lock on the output folder",
}



def verdict(year_dir: Path, wanted: list[str], failed: list[RegionOutcome]) -> tuple[int, str]:
    """1 when a region failed or quality errors left indicators 未评级 in a wanted region."""
    why = []
    if failed:
        why.append(f"{len(failed)} region(s) failed: {', '.join(o.region_code for o in failed)}")
    folder = RunFolder(year_dir)
    for name, what in GRADED.items():
        unrated = _unrated(folder.file(name), set(wanted), UNRATED_REASONS[name])
        if unrated:
            listed = ", ".join(f"{c} ({n})" for c, n in sorted(unrated.items()))
            why.append(f"quality errors left {what} 未评级 in {listed}; see "
                       f"{folder.quality.summary}")
    return (1 if why else 0), "; ".join(why)


# The graded tables a chain writes (annual: indicators, monthly: the barometer's lights),
# and the reasons a not_rated row makes the run's exit code 1: its data failed a check, or
# (a light) the month's delivery lacks the region's row. An optional table not delivered
# (未提供) or an indicator that does not apply is no fault of the data.
GRADED = {INDICATORS: "indicators", BAROMETER: "lights"}
UNRATED_REASONS = {INDICATORS: {"failed_quality"}, BAROMETER: {"failed_quality", "no_data"}}


def _unrated(path: Path, regions: set[str], reasons: set[str]) -> dict[str, int]:
    """Per region, the graded rows left 未评级 for one of `reasons`."""
    counts: dict[str, int] = {}
    if not path.exists():
        return counts
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("region_code") not in regions or row.get("status") != "not_rated":
                continue
            reason = row.get("status_reason")
            if reason in reasons or (not reason and row.get("quality_verdict") == "fail"):
                counts[row["region_code"]] = counts.get(row["region_code"], 0) + 1
    return counts


def quality_verdicts(year_dir: Path) -> dict:
    try:
        results = RunFolder(year_dir).load_quality_results(missing_ok=True)
    except (OSError, UnreadableRunFile):
        return {}
    return {c: v.get("verdict") for c, v in results.get("verdicts", {}).items()}


def write_status(year_dir: Path, state: RunState, records: dict, now: dict,
                  codes: list[str], exit_code: int) -> None:
    regions = {}
    for c in codes:
        rec = records.get(c)
        if freshness.is_current(rec, now, year_dir):
            s = "current"
        elif rec and not rec.get("ok", True):
            s = "failed"
        elif freshness.published_formats(year_dir, c):
            s = "stale"
        else:
            s = "missing"
        regions[c] = {"state": s, "files": (rec or {}).get("files", []),
                      "error": (rec or {}).get("error", "")}
        if s == "failed" and freshness.published_formats(year_dir, c):
            regions[c]["note"] = "the previous report is kept; it was built from older inputs"
    year_dir.mkdir(parents=True, exist_ok=True)
    runlog.write_json(RunFolder(year_dir).status, {
        "year": int(year_dir.name[:4]) if year_dir.name[:4].isdigit() else year_dir.name,
        "period": year_dir.name,
        "run_id": state.run_id, "started": state.started, "finished": runlog.now(),
        "exit_code": exit_code, "message": state.message,
        "regions": regions, "quality": state.quality,
    })
