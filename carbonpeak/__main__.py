"""Command line: `python -m carbonpeak run|peak …` (see README). The development tools
(sample data, generated docs, bench) are `python -m tools …`."""

from __future__ import annotations

import argparse
import os
import sys

# Kept in step with run.verdict.EXIT_CODES (tests/test_runs.py checks); not imported from there,
# so that --help stays fast.
EXIT_HELP = """exit codes:
  0  every requested report is current and its data passed the quality checks
  1  reports written, but some regions failed or quality errors left indicators or lights 未评级
  2  nothing rendered: bad arguments, configuration, headline input or output folder
  3  another run holds the lock on the output folder
  130/143  interrupted by SIGINT/SIGTERM (kernels and render workers stopped)

Relative paths are relative to the current directory. Each run appends a line to
OUT/runs.jsonl and writes OUT/PERIOD/status.json; OUT/latest points at the newest complete
period (1–10月 2026 is newer than the 2025 annual reports).

periods:
  --period 2025       the annual report for 2025 (same as --year 2025)
  --period 2026-10    the 1–N月 barometer for January–October 2026 (YYYY-02 is 1–2月)
  --period latest     what a scheduler runs: the newest month in the data, plus any earlier
                      month already published whose data were revised since
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carbonpeak",
                                     description="Zhejiang industrial carbon-peak progress reports")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="render the reports for one reporting period",
                       description="Render the reports for one reporting period (a year or a "
                       "cumulative month). Reports whose inputs changed are re-rendered too, "
                       "whatever --regions says.",
                       epilog=EXIT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("--data", default="data/sample", help="folder with the input tables")
    when = r.add_mutually_exclusive_group()
    when.add_argument("--year", type=int, help="reporting year (annual report; default 2025)")
    when.add_argument("--period", help="YYYY (annual), YYYY-MM (1–N月 barometer) or latest")
    r.add_argument("--regions", default="all",
                   help="all, or codes like 330100,330200; a city with its counties: 330100+")
    r.add_argument("--level", choices=["city", "county", "all"],
                   help="which reports: city (the province and its cities), county, or all "
                   "(default: all when county data are delivered, else city)")
    r.add_argument("--out", default="outputs", help="output root; reports go to OUT/PERIOD/")
    r.add_argument("--formats", default="html,pdf", help="html,pdf")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="regions in parallel")
    r.add_argument("--force", action="store_true", help="redo even if nothing changed")
    r.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="wait this long for another run on OUT to finish (default 0: exit 3)")
    r.add_argument("--notify", metavar="CMD",
                   help="run CMD STATUS_JSON_PATH when the run ends with a non-zero exit code")
    r.add_argument("--quiet", action="store_true",
                   help="print only errors and warnings (for cron)")
    r.add_argument("--log-file", metavar="PATH", help="append every message, time-stamped")
    k = sub.add_parser("peak", help="peak outlook of yearly CO2 series in a long CSV")
    k.add_argument("--series", required=True, help="CSV: region (code or name), year, CO2")
    k.add_argument("--year", type=int, required=True, help="reporting year")
    k.add_argument("--out", help="write the table to this CSV")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 2 for bad arguments, 0 for --help
        return int(e.code or 0)

    if args.command == "peak":
        from carbonpeak.indicators import peak_series

        return peak_series.main(args.series, args.year, args.out)

    from carbonpeak.run import runlog, runner

    log = runlog.Log(args.quiet, args.log_file)
    period = args.period or args.year or 2025
    if str(period).strip().lower() == "latest":
        from carbonpeak.run import latest

        return latest.run_latest(args.data, args.regions, args.out, args.formats, args.jobs,
                                  args.force, log=log, wait=args.wait, notify=args.notify)
    return runner.run(args.data, period, args.regions, args.out, args.formats, args.jobs,
                      args.force, log=log, wait=args.wait, notify=args.notify, level=args.level)


if __name__ == "__main__":
    sys.exit(main())
