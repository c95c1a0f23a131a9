"""`python -m tools sample|datadoc|grading-doc` (see README: the sample data, the docs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools",
                                     description="carbonpeak development tools")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="write the illustrative sample data set")
    s.add_argument("--out", default="data/sample")
    s.add_argument("--enterprises", type=int, metavar="N",
                   help="about N rows of firms (spread over every county) instead of the "
                        "regular list, to measure at a province's size")
    g = sub.add_parser("grading-doc", help="write the grading rules page (docs/grading.md)")
    g.add_argument("--out", default="docs/grading.md")
    d = sub.add_parser("datadoc", help="write the input-data reference (docs/data.md)")
    d.add_argument("--out", default="docs/data.md")
    args = parser.parse_args(argv)
    if args.command == "sample":
        from tools import sample

        for p in sample.write(Path(args.out), args.enterprises):
            print(p)
        return 0
    if args.command == "datadoc":
        from tools import datadoc

        text = datadoc.render()
    else:
        from carbonpeak.indicators import grading

        text = grading.doc_markdown()
    Path(args.out).write_text(text, encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
