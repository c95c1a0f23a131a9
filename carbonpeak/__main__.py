"""Command line: `python -m carbonpeak run|sample …` (see README)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carbonpeak",
                                     description="Zhejiang industrial carbon-peak progress reports")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="render the reports for one reporting year")
    r.add_argument("--data", default="data/sample", help="folder with the input tables")
    r.add_argument("--year", type=int, default=2025, help="reporting year")
    r.add_argument("--regions", default="all", help="all, or codes like 330100,330200")
    r.add_argument("--out", default="outputs", help="output root; reports go to OUT/YEAR/")
    r.add_argument("--formats", default="html,pdf", help="html,pdf")
    r.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="regions in parallel")
    r.add_argument("--force", action="store_true", help="redo even if nothing changed")
    s = sub.add_parser("sample", help="write the illustrative sample data set")
    s.add_argument("--out", default="data/sample")
    k = sub.add_parser("peak", help="peak outlook of yearly CO2 series in a long CSV")
    k.add_argument("--series", required=True, help="CSV: region (code or name), year, CO2")
    k.add_argument("--year", type=int, required=True, help="reporting year")
    k.add_argument("--out", help="write the table to this CSV")
    g = sub.add_parser("grading-doc", help="write the grading rules page (docs/grading.md)")
    g.add_argument("--out", default="docs/grading.md")
    d = sub.add_parser("datadoc", help="write the input-data reference (docs/data.md)")
    d.add_argument("--out", default="docs/data.md")
    args = parser.parse_args(argv)

    if args.command == "datadoc":
        from carbonpeak import datadoc

        Path(args.out).write_text(datadoc.render(), encoding="utf-8")
        print(args.out)
        return 0

    if args.command == "grading-doc":
        from carbonpeak import grading

        Path(args.out).write_text(grading.doc_markdown(), encoding="utf-8")
        print(args.out)
        return 0

    if args.command == "peak":
        from carbonpeak import peak_series

        return peak_series.main(args.series, args.year, args.out)

    if args.command == "sample":
        from carbonpeak import sample

        for p in sample.write(Path(args.out)):
            print(p)
        return 0
    from carbonpeak import runner

    return runner.run(args.data, args.year, args.regions, args.out, args.formats, args.jobs,
                      args.force, log=lambda m: print(m, flush=True))


if __name__ == "__main__":
    sys.exit(main())
