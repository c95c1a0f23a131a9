"""Every output of a sample run, for every region: no other municipality's enterprises (names
or credit codes), no markup from data, no external reference, no missing glyph in any PDF.

The enterprise truth is read from the confidential input tables (tables.yml
`confidential: true`) of the data set that was run, plus the per-municipality files stage 03
wrote. A record whose name is markup is planted in a copy of the sample; when the sample has
no confidential table at all, enterprise files are planted in the run folder and the reports
rendered again from it.
"""

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_report_fixtures import MALICIOUS, enterprise_frame

from carbonpeak import pipeline, reference
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import chain, kernels, runner

YEAR = 2025
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _confidential_inputs(data_dir: Path) -> list[Path]:
    out = []
    for spec in reference.tables().values():
        if isinstance(spec, dict) and spec.get("confidential"):
            out += [data_dir / f for f in spec.get("files", []) if (data_dir / f).exists()]
    return out


def _plant(data_dir: Path) -> bool:
    """A 杭州 enterprise whose name is markup; False if the data set has no enterprise table."""
    inputs = [p for p in _confidential_inputs(data_dir) if p.suffix == ".csv"]
    if not inputs:
        return False
    df = pd.read_csv(inputs[0], dtype=str)
    row = df[df["region_code"] == "330100"].head(1).copy()
    row["credit_code"], row["name"] = "91330100MA0XSS0001", MALICIOUS
    pd.concat([df, row], ignore_index=True).to_csv(inputs[0], index=False)
    return True


def _rerender_with_planted_files(year_dir: Path, data_dir: Path) -> None:
    ent = year_dir / "enterprise"
    ent.mkdir(exist_ok=True)
    for code in reference.children(reference.province_code()):
        enterprise_frame(code).to_parquet(ent / f"{code}.parquet", index=False)
    stage = next(s for s in pipeline.load()["stages"] if s["id"] == "report")
    pool = kernels.KernelPool(2, stage.get("warmup", ""))
    try:
        for code in reference.region_codes():
            o = chain.render_region(stage, code, year_dir, YEAR, data_dir, ["html", "pdf"], pool)
            assert o.ok, o.error
    finally:
        pool.shutdown()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("conf")
    data_dir = tmp / "data"
    shutil.copytree(SAMPLE_DIR, data_dir)
    _plant(data_dir)
    logs = []
    rc = runner.run(data_dir, YEAR, "all", tmp / "out", "html,pdf", jobs=2, log=logs.append)
    assert rc == 0, logs
    year_dir = tmp / "out" / str(YEAR)
    if not list((year_dir / "enterprise").glob("*.parquet")):
        _rerender_with_planted_files(year_dir, data_dir)
    return year_dir, data_dir


def _enterprises_by_region(year_dir: Path, data_dir: Path) -> dict[str, set[str]]:
    """region -> every name and credit code of its enterprises (inputs and stage-03 files)."""
    out: dict[str, set[str]] = {}
    for p in _confidential_inputs(data_dir):
        df = (pd.read_csv(p, dtype=str) if p.suffix == ".csv"
              else pd.read_excel(p, dtype=str))
        for r in df.itertuples():
            out.setdefault(str(r.region_code), set()).update({r.name, r.credit_code})
    for p in (year_dir / "enterprise").glob("*.parquet"):
        df = pd.read_parquet(p)
        out.setdefault(p.stem, set()).update(df["name"].astype(str))
        out[p.stem].update(df["credit_code"].astype(str))
    return out


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                           if n.endswith(".xml"))
    return path.read_text(encoding="utf-8", errors="replace")


def _outputs(year_dir: Path, code: str) -> list[Path]:
    files = [p for p in (year_dir / code).iterdir() if p.is_file()]
    files += list((year_dir / "notebooks").glob(f"*-{code}.ipynb"))
    return files


def test_no_municipality_output_names_another_municipalitys_enterprise(sample_run):
    year_dir, data_dir = sample_run
    truth = _enterprises_by_region(year_dir, data_dir)
    assert sum(len(v) for v in truth.values()) > 20, "no enterprise data to test with"
    own_seen = 0
    for code in reference.region_codes():
        foreign = set().union(*(v for c, v in truth.items() if c != code))
        foreign = {x for x in foreign if len(x) >= 4 and x != "nan"}
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
    for code in reference.region_codes():
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


def _valid_code(area: str, serial: int) -> str:
    from carbonpeak.methods.credit_code import credit_code_check_char

    body = f"91{area}MKQ{serial:06d}"
    return body + credit_code_check_char(body)


def _plant_markers(data_dir: Path) -> tuple[dict[str, str | None], dict[str, str]]:
    """Unique markers in every confidential column of every table, plus three hostile rows:
    a firm whose columns are swapped (no region), one whose code and county say 嘉兴 but
    whose region says 杭州, and one listed under two cities. Returns marker -> the only
    region whose outputs may show it (None: no region's), and case -> marker."""
    from carbonpeak import confidential

    owner: dict[str, str | None] = {}
    cases: dict[str, str] = {}
    serial = 0
    for table in reference.tables():
        cols = sorted(confidential.columns(table))
        path = data_dir / f"{table}.csv"
        if not cols or not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for code in reference.children(reference.province_code()):
            rows = df.index[df["region_code"] == code]
            for i in rows[:2]:
                serial += 1
                for col in cols:
                    if col == "credit_code" and df.at[i, col]:
                        old = df.at[i, col]
                        marker = _valid_code(old[2:8], serial)
                        df.loc[df[col] == old, col] = marker  # every year of the firm
                    elif col != "credit_code":
                        old = df.at[i, col]
                        marker = f"MKQ{serial:06d}{col[:2].upper()}"
                        same = (df[col] == old) & (df["region_code"] == code)
                        if "credit_code" in df and df.at[i, "credit_code"]:
                            same &= df["credit_code"] == df.at[i, "credit_code"]
                        df.loc[same if same.any() else [i], col] = marker
                    else:
                        continue
                    owner[marker] = code
        if table == "enterprises":
            base = df[df["region_code"] == "330400"].iloc[0].to_dict()
            hostile = []
            serial += 1
            swapped = {**base, "credit_code": _valid_code("330402", serial),
                       "name": "330400", "region_code": f"MKQ{serial:06d}SWAPPED有限公司"}
            hostile.append(swapped)
            cases["swapped"] = swapped["region_code"]
            serial += 1
            mislabel = {**base, "credit_code": _valid_code("330402", serial),
                        "name": f"MKQ{serial:06d}MISLABEL有限公司", "region_code": "330100",
                        "county": "南湖区"}
            hostile.append(mislabel)
            cases["mislabel"] = mislabel["name"]
            serial += 1
            twice = {**base, "credit_code": _valid_code("330000", serial),  # province-registered
                     "name": f"MKQ{serial:06d}TWICE有限公司", "region_code": "330800",
                     "county": "柯城区"}
            hostile += [{**twice, "region_code": "330500", "county": "吴兴区"}, twice]
            cases["twice"] = twice["name"]
            for h in hostile:
                owner[h["name"] if h is not swapped else h["region_code"]] = None
            owner[mislabel["credit_code"]] = owner[twice["credit_code"]] = None
            owner[swapped["credit_code"]] = None
            df = pd.concat([df, pd.DataFrame(hostile)], ignore_index=True)
        df.to_csv(path, index=False)
    return owner, cases


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
def marked_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("marked")
    data_dir = tmp / "data"
    shutil.copytree(SAMPLE_DIR, data_dir)
    owner, cases = _plant_markers(data_dir)
    out = tmp / "out"
    rc = runner.run(data_dir, YEAR, "all", out, "html,pdf", jobs=2, log=lambda *a: None)
    assert rc in (0, 1)
    return out, owner, cases


def test_no_confidential_marker_outside_its_region(marked_run):
    out, owner, _ = marked_run
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
        leaked = [m for m, r in owner.items() if m in text and (r is None or r != region)]
        assert not leaked, f"{rel} (region {region}) shows {leaked[:3]}"
        own_seen |= {m for m, r in owner.items() if r == region and m in text}
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
