"""docs/data.md, generated from tables.yml and indicators.yml so it cannot drift from
what ingest accepts (`python -m tools datadoc`; a test checks it is current)."""

from __future__ import annotations

from carbonpeak import reference

# Tables that also feed analyses beyond the catalog indicators (stage 03).
ANALYSES = {
    "energy_by_fuel": "CO2 series, 2030 peak outlook, LMDI drivers, sector breakdowns",
    "sector_value_added": "LMDI drivers, sector breakdowns",
    "enterprises": "用能预算 tiers and 工业碳效码 grades (enterprise/<code>.parquet)",
}


def render() -> str:
    tables, catalog = reference.tables(), reference.catalog()
    lines = [
        "# Input data",
        "",
        "Generated from `data/reference/tables.yml` and `data/reference/indicators.yml` by",
        "`python -m tools datadoc --out docs/data.md`; do not edit by hand.",
        "",
        "Put one file per table in the data folder (CSV in UTF-8, UTF-8 with BOM or GBK, or",
        "XLSX), named as below. Headers may be the English column name or any alias; a unit",
        "in brackets after a header (`规上工业增加值(万元)`) is converted to the canonical unit.",
        "Regions may be written as code (330100), full name (杭州市) or short name (杭州).",
        "",
    ]
    for name, spec in tables.items():
        used = sorted(i for i, e in catalog.items() if name in e.get("inputs", {}))
        lines += [
            f"## `{name}` — {spec.get('title_zh', '')}",
            "",
            spec.get("description", ""),
            "",
            f"- Files: {', '.join(f'`{f}`' for f in spec.get('files', [f'{name}.csv']))}",
            f"- Key (unique): {', '.join(f'`{k}`' for k in spec.get('key', []))}",
            f"- Used by: {', '.join(f'`{u}`' for u in used) or '—'}"
            + (f"; {ANALYSES[name]}" if name in ANALYSES else ""),
        ]
        lines.append("- Optional: " + ("yes (absent: its indicators are 未评级, 未提供)"
                                          if spec.get("optional") else "no (required)"))
        if spec.get("province"):
            lines.append("- Province rows: " + {
                "given": "given (a 合计 row stands for the province when none is given; "
                         "checked against the sum of the cities)",
                "sum": "the sum of the cities (a province or 合计 row is checked against it "
                       "and dropped)"}[spec["province"]])
        secret = [c for c, d in spec["columns"].items() if d.get("confidential")]
        if secret:
            lines.append(f"- **Confidential** columns: {', '.join(f'`{c}`' for c in secret)} "
                         "— shown only in the report of the row's own municipality.")
        lines += ["", "| column | 中文 | type | unit (accepted) | required | aliases |",
                  "|---|---|---|---|---|---|"]
        for column, c in spec["columns"].items():
            units = c.get("unit", "")
            if c.get("units"):
                units += " (" + ", ".join(c["units"]) + ")"
            if c.get("values"):
                units = "one of: " + ", ".join(f"`{v}`" for v in c["values"])
            lines.append(f"| `{column}` | {c.get('title_zh', '')} | {c['type']} | {units} | "
                         f"{'yes' if c.get('required') else 'no'} | "
                         f"{'、'.join(c.get('aliases', []))} |")
        if spec.get("metrics"):
            lines += ["", "Metrics (`metric` column):", "", "| metric | unit | 中文 | province |",
                      "|---|---|---|---|"]
            for m, d in spec["metrics"].items():
                lines.append(f"| `{m}` | {d['unit']} | {d['title_zh']} | "
                             f"{'sum of cities' if d['additive'] else 'given'} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
