"""Every output of a sample run, for every region: no other municipality's enterprises (names
or credit codes), no markup from data, no external reference, no missing glyph in any PDF.

The run is the session's `rendered_run` (conftest.py): every region, HTML and PDF, through
the runner, on a copy of the sample with unique markers planted in every confidential column
of two firms per city, three hostile enterprise rows (`helpers.plant_markers`) and a 杭州
firm whose name is markup (`helpers.plant_markup_firm`). The enterprise truth is read from
the confidential input tables (tables.yml `confidential: true`) of the data set that was run,
plus the per-municipality files stage 03 wrote.
"""

import csv
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from helpers import RENDERED_REGIONS, YEAR, confidential_inputs, pdf_text

from carbonpeak import reference

pytestmark = pytest.mark.slow

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(scope="module")
def sample_run(rendered_run):
    assert rendered_run.rc == 0, rendered_run.logs
    year_dir = rendered_run.year_dir
    assert list((year_dir / "enterprise").glob("*.parquet")), "no enterprise files to test"
    return year_dir, rendered_run.data


def _enterprises_by_region(year_dir: Path, data_dir: Path) -> dict[str, set[str]]:
    """region -> every name and credit code of its enterprises (inputs and stage-03 files)."""
    out: dict[str, set[str]] = {}
    regions = set(reference.region_codes())  # the inputs list firms by city
    for p in confidential_inputs(data_dir):
        df = (pd.read_csv(p, dtype=str) if p.suffix == ".csv"
              else pd.read_excel(p, dtype=str))
        for r in df.itertuples():
            if str(r.region_code) not in regions:  # no region's firm: swapped columns (below)
                continue
            out.setdefault(str(r.region_code), set()).update({r.name, r.credit_code})
    for p in (year_dir / "enterprise").glob("*.parquet"):
        df = pd.read_parquet(p)
        out.setdefault(p.stem, set()).update(df["name"].astype(str))
        out[p.stem].update(df["credit_code"].astype(str))
    return out


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.endswith(".xml"))
    return path.read_text(encoding="utf-8", errors="replace")


def _outputs(year_dir: Path, code: str) -> list[Path]:
    files = [p for p in (year_dir / code).iterdir() if p.is_file()]
    files += list((year_dir / "notebooks").glob(f"*-{code}.ipynb"))
    return files


def test_no_region_output_names_another_regions_enterprise(sample_run):
    year_dir, data_dir = sample_run
    truth = _enterprises_by_region(year_dir, data_dir)
    assert sum(len(v) for v in truth.values()) > 20, "no enterprise data to test with"
    own_seen = 0
    for code in RENDERED_REGIONS:
        # three levels: a city may name its counties' firms (they are its own); a county
        # only its own, never a sibling county's or the rest of its city's
        family = {code, *reference.children(code)} if code != reference.province_code() \
            else {code}
        foreign = set().union(*(v for c, v in truth.items() if c not in family))
        foreign = {x for x in foreign - truth.get(code, set()) if len(x) >= 4 and x != "nan"}
        outputs = _outputs(year_dir, code)
        kinds = {p.suffix for p in outputs}
        assert {".html", ".pdf", ".csv", ".xlsx", ".ipynb"} <= kinds, (code, kinds)
        for path in outputs:
            text = _text_of(path)
            if path.suffix == ".ipynb":
                text += json.dumps(json.loads(text), ensure_ascii=False)
            leaked = [x for x in foreign if x in text]
            assert not leaked, f"{path.name} of {code} names {leaked[:3]}"
        html = (year_dir / code / "report.html").read_text(encoding="utf-8")
        own_seen += any(x in html for x in truth.get(code, ()))
    assert own_seen >= 5, "municipal reports should list their own enterprises"


def test_markup_in_enterprise_names_is_text(sample_run):
    year_dir, _ = sample_run
    for code in RENDERED_REGIONS:
        for path in _outputs(year_dir, code):
            if path.suffix in (".html", ".ipynb"):
                assert "<script>alert(1)" not in path.read_text(encoding="utf-8"), path
    html = (year_dir / "330100" / "report.html").read_text(encoding="utf-8")
    if "alert(1)" in html:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in html


def test_html_has_no_external_references(sample_run):
    year_dir, _ = sample_run
    for path in [year_dir / "index.html", *year_dir.glob("33*/report.html")]:
        html = path.read_text(encoding="utf-8")
        assert not EXTERNAL.search(html), path
        assert "<script" not in html.lower() and "@import" not in html
        assert re.search(r"url\(\s*['\"]?(?!data:)[a-z]+:", html) is None, path
        assert 'lang="zh-CN"' in html and html.count("<h1") == 1, path
        assert all(re.search(r'alt="[^"]+"', img) for img in re.findall(r"<img[^>]*>", html))


def test_every_pdf_extracts_chinese_text_with_no_missing_glyphs(sample_run):
    from fontTools.ttLib import TTCollection

    year_dir, _ = sample_run
    cmap = set(TTCollection(str(FONT)).fonts[0].getBestCmap())
    for path in sorted(year_dir.glob("33*/report.pdf")):
        code = path.parent.name
        text = _text_of(path)
        assert reference.region_name(code) in text and "摘要" in text, path
        assert "\ufffd" not in text, path
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
        assert not missing, f"{path}: glyphs the font lacks: {sorted(missing)[:10]}"
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts and all("Noto-Sans-CJK" in f and " yes " in f for f in fonts), fonts


# --- planted markers: every confidential column of every table ----------------------------

# Run-wide folders and files that only the provincial bureau keeps (README: what may be
# handed to a municipality). Everything else under the output root is read by someone.
INTERNAL = ("quality/", "warehouse/", "notebooks/01_", "notebooks/02_", "notebooks/03_")


def _searchable(path: Path) -> str:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    if path.suffix == ".pdf":
        return _text_of(path)
    if path.suffix == ".xlsx":
        return _text_of(path)
    return path.read_bytes().decode("utf-8", "replace")


def _owner_of(rel: str) -> str | None:
    """The region a file under the year folder belongs to; None: read by every region."""
    first = rel.split("/")[0]
    if re.fullmatch(r"33\d{4}", first):
        return first
    m = re.fullmatch(r"(?:enterprise/(33\d{4})\.parquet|notebooks/.*-(33\d{4})\.ipynb)", rel)
    return (m.group(1) or m.group(2)) if m else None


@pytest.fixture(scope="module")
def marked_run(rendered_run):
    assert rendered_run.rc in (0, 1)
    return rendered_run.out, rendered_run.owner, rendered_run.cases


def _marker_counties(data_dir: Path, owner: dict) -> dict[str, str | None]:
    """marker -> the county its row is in, read from the planted inputs: the county column
    (by name within the row's city, from regions.csv), else the credit code's area."""
    with (Path(reference.REFERENCE_DIR) / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    county = {r["region_code"]: r for r in rows if r["level"] == "county"}
    by_name = {(r["parent_code"], r["name"]): c for c, r in county.items()}
    out: dict[str, str | None] = {}
    for p in confidential_inputs(data_dir):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        for rec in df.to_dict("records"):
            hit = [m for m in owner if m in rec.values()]
            if not hit:
                continue
            city, code = rec.get("region_code"), rec.get("credit_code") or ""
            place = by_name.get((city, rec.get("county")))
            if place is None and code[2:8] in county and county[code[2:8]]["parent_code"] == city:
                place = code[2:8]
            for m in hit:
                out[m] = place
    return out


def test_no_confidential_marker_outside_its_region(marked_run, rendered_run):
    out, owner, _ = marked_run
    counties = _marker_counties(rendered_run.data, owner)

    def allowed(marker: str, region: str | None) -> bool:
        """A firm's marker belongs to its city's outputs and its county's, nobody else's."""
        r = owner[marker]
        return r is not None and region is not None and (
            r == region or counties.get(marker) == region)

    assert len(owner) > 60
    scanned, own_seen = 0, set()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        rel_year = rel.split("/", 1)[1] if rel.startswith(f"{YEAR}/") else rel
        if rel_year.startswith(INTERNAL):
            continue
        text = _searchable(path)
        scanned += 1
        region = _owner_of(rel_year)
        leaked = [m for m in owner if m in text and not allowed(m, region)]
        assert not leaked, f"{rel} (region {region}) shows {leaked[:3]}"
        own_seen |= {m for m in owner if allowed(m, region) and m in text}
    assert scanned > 40
    assert len(own_seen) >= 10, "own enterprises should still be listed in own reports"


def test_hostile_enterprise_rows_are_flagged_without_naming_the_firm(marked_run):
    out, owner, cases = marked_run
    results = json.loads((out / str(YEAR) / "quality" / "results.json").read_text("utf-8"))
    by_check = {}
    for f in results["findings"]:
        by_check.setdefault(f["check"], []).append(f)
    swapped = [f for f in by_check["unknown_region"] if f["table"] == "enterprises"]
    assert swapped and all(f["region_code"] is None and f["row"] and f["column"]
                           for f in swapped)
    assert all(cases["swapped"] not in f["message"] for f in swapped)
    mislabel = by_check["region_conflict"]
    assert {f["region_code"] for f in mislabel} == {"330100", "330400"}
    assert all("嘉兴市" in f["message"] and cases["mislabel"] not in f["message"]
               for f in mislabel)
    twice = by_check["duplicate_across_regions"]
    assert {f["region_code"] for f in twice} == {"330500", "330800"}
    assert all(cases["twice"] not in f["message"] for f in twice)
    for code in ("330100", "330400", "330500", "330800"):
        firms = pd.read_parquet(out / str(YEAR) / "enterprise" / f"{code}.parquet")
        assert not set(firms["name"]) & {cases["mislabel"], cases["twice"]}
