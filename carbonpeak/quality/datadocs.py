"""GX Data Docs for the run's quality/docs/: GX's pages for each suite and validation,
made readable offline, under an index page of our own."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from carbonpeak import reference
from carbonpeak.findings import ERROR

# What GX's pages pull from the network (Bootstrap, jQuery, Vega, Font Awesome from CDNs,
# a logo from S3). The docs must open offline, so these tags go and a small stylesheet
# takes Bootstrap's place.
_EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<img\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<(?:link|img)\b[^>]*\b(?:href|src)=[\"']?(?:\.\.?/)*static/[^>]*/?>",
    re.IGNORECASE | re.DOTALL)
_EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)
OFFLINE_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC",system-ui,sans-serif;margin:0;color:#222;
line-height:1.45;font-size:14px}
.container-fluid,.container{padding:0 1.5rem}
nav,.navbar{background:#f4f4f4;border-bottom:1px solid #ddd;padding:.5rem 1.5rem}
.row{display:flex;flex-wrap:wrap;gap:1rem}.col-md-2,.col-md-3{flex:0 0 16rem}
.col-md-9,.col-md-10,.col-12,.col{flex:1 1 30rem;min-width:0}
table{border-collapse:collapse;margin:.5rem 0;max-width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.card{border:1px solid #ddd;border-radius:4px;margin:.75rem 0;padding:.5rem}
.card-header{font-weight:bold;border-bottom:1px solid #eee;margin-bottom:.5rem}
.badge,.badge-success,.badge-danger{padding:0 .3rem;border-radius:3px}
.text-success,.badge-success{color:#1a7f37}.text-danger,.badge-danger{color:#c62828}
.fa,.fas,.far,.d-none,.sticky{display:none}a{color:#0b5cad}
ul.list-group{padding-left:1rem}code,pre{background:#f6f6f6;white-space:pre-wrap}
""".strip()


def make_offline(html: str) -> str:
    """GX's Data Docs page without anything fetched from the network."""
    html = _EXTERNAL_TAG.sub("", html)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.IGNORECASE | re.DOTALL)
    html = _EXTERNAL_URL.sub("#", html)
    style = f'<meta charset="utf-8"><style>{OFFLINE_CSS}</style>'
    if re.search(r"<head[^>]*>", html, re.IGNORECASE):
        return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + style, html, count=1,
                      flags=re.IGNORECASE)
    return style + html


def build_data_docs(ctx, docs_dir: Path, summary: list[dict] | None = None) -> None:
    """GX's pages for each suite and validation, made readable offline, under an index of
    our own (GX's index draws its table with JavaScript from a CDN)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "show_how_to_buttons": False,
    }
    try:
        ctx.add_data_docs_site(site_name="carbonpeak", site_config=site)
        ctx.build_data_docs(site_names=["carbonpeak"])
    except Exception as e:  # noqa: BLE001 - docs are a courtesy; results.json is the record
        (docs_dir / "ERROR.txt").write_text(f"Data Docs could not be built: {e}\n")
        return
    shutil.rmtree(docs_dir / "static", ignore_errors=True)  # CDN-bound scripts, fonts, logos
    for page in docs_dir.rglob("*.html"):
        page.write_text(make_offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    (docs_dir / "index.html").write_text(docs_index(docs_dir, summary or []), encoding="utf-8")


def docs_index(docs_dir: Path, summary: list[dict]) -> str:
    """A plain page linking each table's validation result and suite, with its counts."""
    esc = html.escape
    rows = []
    for table, spec in reference.tables().items():
        mine = [s for s in summary if s["table"] == table]
        failed = [s for s in mine if s["verdict"] == "fail"]
        errors = sum(s["severity"] == ERROR for s in failed)
        links = [f'<a href="{p.relative_to(docs_dir).as_posix()}">{label}</a>'
                 for label, pattern in (("检查结果", f"validations/{table}/**/*.html"),
                                        ("检查规则", f"expectations/{table}.html"))
                 for p in sorted(docs_dir.glob(pattern))[-1:]]
        rows.append(f"<tr><td>{esc(spec.get('title_zh', table))}</td><td>{esc(table)}</td>"
                    f"<td>{len(mine)}</td><td>{errors}</td><td>{len(failed) - errors}</td>"
                    f"<td>{' '.join(links) or '未运行（文件未能读取）'}</td></tr>")
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>数据质量检查（Great Expectations Data Docs）</title><style>{OFFLINE_CSS}"
            "</style></head><body><div class=container><h1>数据质量检查</h1>"
            "<p>每张输入表一套检查规则（expectations/目录）。错误使受影响地区的相关指标未评级；"
            "提示仅供核实。逐条结果见 summary.csv 与 results.json。</p><table><thead><tr>"
            "<th>表</th><th>代码</th><th>检查项</th><th>未通过（错误）</th><th>未通过（提示）</th>"
            f"<th>详情</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></body></html>")
