"""What several test files share: the clean sample run of stages 01–03, a planted data set's
warehouse built from it by re-reading only the tables whose files were changed, and the
planted confidentiality markers. The session fixtures that hold these are in conftest.py.

Heavy imports (papermill, Great Expectations) stay inside the functions: conftest imports
this module in every pytest process.
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pandas as pd
from filelock import FileLock

from carbonpeak import indicators, ingest, pipeline, quality, reference, runfolder
from carbonpeak.ingest import sources
from carbonpeak.ingest.dataset_meta import load_dataset_meta
from carbonpeak.paths import SAMPLE_DIR, resolve

YEAR = 2025
# The regions the rendered run renders: the province, its cities and two sibling counties
# with firms of their own (the sample's 102 reports would take minutes; `make reports` and
# `make bench` render them all).
RENDERED_REGIONS = [*reference.region_codes(), "330109", "330110"]


def edit_text(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a text file, failing when it is not there (a test that
    edits a reference file must edit what it means to)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (Linux /proc)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --- stages 01–03 ------------------------------------------------------------------------


def run_stages(data: Path, run: Path, year: int = YEAR) -> Path:
    """Ingest, quality and indicators, as the notebooks 01–03 call them."""
    ingest.run_ingest(data, run, year)
    quality.run_quality(run, year)
    indicators.run_indicators(run, year)
    return run


def build_clean_run(path: Path) -> None:
    """A copy of the shipped sample, and stages 01–03 on it for 2025 (`path/run`)."""
    shutil.copytree(SAMPLE_DIR, path / "data")
    run_stages(path / "data", path / "run")


# --- a planted copy against the clean warehouse ----------------------------------------


def _kind(path: Path) -> int | None:
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except OSError:
        return None


def changed_files(data: Path, base: Path = SAMPLE_DIR) -> set[str]:
    """Names of the entries added, removed or changed in `data` against `base` (a symlink,
    a folder or a FIFO counts as changed; nothing but regular files is opened)."""
    names = {p.name for p in data.iterdir()} | {p.name for p in base.iterdir()}
    out = set()
    for name in names:
        a, b = data / name, base / name
        kind_a, kind_b = _kind(a), _kind(b)
        if kind_a != kind_b or kind_a != stat.S_IFREG or not filecmp.cmp(a, b, shallow=False):
            out.add(name)
    return out


def tables_of(data: Path, names: set[str]) -> set[str]:
    """The tables the files `names` of `data` are matched to (or refused for)."""
    found = sources.match(data, reference.tables(), ingest.match_header)
    hit = {t for t, paths in found.files.items() if any(p.name in names for p in paths)}
    hit |= {t for t, notes in found.notes.items() if any(f.file in names for f in notes)}
    return hit


def planted_tables(data: Path, base: Path = SAMPLE_DIR) -> set[str]:
    """Every table a planted defect touches: the tables the changed files belong to in the
    planted copy, and those they belonged to in the original (a file removed or renamed)."""
    changed = changed_files(data, base)
    return tables_of(data, changed) | tables_of(base, changed)


def reingest(data: Path, run: Path, clean_run: Path, tables: set[str], year: int = YEAR
             ) -> None:
    """What `ingest.run_ingest(data, run, year)` writes, built from the clean run's warehouse
    with only `tables` read again from `data`: their Parquet files replaced (or removed when
    unreadable), their findings, headers and sources in place of the clean ones. The data
    folder's own findings (dataset.yml, files that match no table) are always recomputed:
    they are cheap and belong to no table. `tests/test_bad_input.py` checks the result
    against a full ingest."""
    data, run = resolve(data), resolve(run)
    declared = pipeline.of_kind("year").table_names()  # what the annual chain reads
    tables = tables & set(declared)
    warehouse = run / "warehouse"
    shutil.copytree(clean_run / "warehouse", warehouse)
    clean = json.loads((warehouse / "ingest.json").read_text(encoding="utf-8"))
    found = sources.match(data, reference.tables(), ingest.match_header)
    only = sources.Found(files={t: p for t, p in found.files.items() if t in tables},
                         notes={t: n for t, n in found.notes.items() if t in tables},
                         unmatched=found.unmatched)
    meta, meta_findings = load_dataset_meta(data)
    scratch = run / ".reingest"
    real_match = sources.match
    sources.match = lambda *a, **k: only  # every other table: "no file", and nothing read
    try:
        ingest.build_warehouse(data, scratch, meta_findings)
    finally:
        sources.match = real_match
    fresh = json.loads((scratch / "ingest.json").read_text(encoding="utf-8"))

    def of(name: str) -> dict:
        return fresh if name in tables else clean

    # the findings in the order ingest writes them: the folder's own, then table by table
    findings = [f for f in fresh["findings"] if f["table"] in ("dataset", sources.FILES)]
    for name in declared:
        findings += [f for f in of(name)["findings"] if f["table"] == name]
    # the clean run's unchanged files, by the same name in this folder
    srcs = {n: "; ".join(str(data / Path(p).name) for p in of(n)["sources"][n].split("; "))
            if n not in tables else fresh["sources"][n]
            for n in declared if n in of(n)["sources"]}
    headers = {n: of(n)["headers"].get(n, {}) for n in declared}
    for name in tables:
        for suffix in (runfolder.TABLE_SUFFIX, runfolder.VERSIONS_SUFFIX,
                       runfolder.REVISIONS_SUFFIX):
            src, dst = scratch / f"{name}{suffix}", warehouse / f"{name}{suffix}"
            if src.exists():
                shutil.copyfile(src, dst)
            elif dst.exists():
                dst.unlink()
    (warehouse / "ingest.json").write_text(
        json.dumps({"sources": srcs, "headers": headers, "findings": findings},
                   ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(scratch)

    run_json = json.loads((clean_run / "run.json").read_text(encoding="utf-8"))
    run_json.update(year=int(year), data_dir=str(data), dataset=meta)
    (run / "run.json").write_text(json.dumps(run_json, ensure_ascii=False, indent=1),
                                  encoding="utf-8")


def run_planted(data: Path, run: Path, clean_run: Path, year: int = YEAR,
                cache: Path | None = None) -> set[str]:
    """Stages 01–03 on a planted copy of the sample: ingest re-reads only the tables whose
    files differ from the sample; quality and indicators run in full. Returns those tables.

    With a `cache` folder, a data set planted before (the same changed files, byte for byte,
    and the same year) is not run again: its run is copied and pointed at `data`. The
    unchanged sample for the clean run's year is the clean run itself."""
    data, run = resolve(data), resolve(run)
    changed = changed_files(data)
    tables = tables_of(data, changed) | tables_of(SAMPLE_DIR, changed)
    if cache is None:
        _run_planted(data, run, clean_run, tables, year)
        return tables
    clean_year = json.loads((clean_run / "run.json").read_text(encoding="utf-8"))["year"]
    if not changed and year == clean_year:
        shutil.copytree(clean_run, run)
        _repoint(run, data)
        return tables
    key = _content_key(data, changed, year)
    cached = cache / key
    with FileLock(cache / f"{key}.lock"):
        if not cached.exists():
            _run_planted(data, run, clean_run, tables, year, cache)
            if _mentions_only_in_run_and_ingest_json(run, data):
                shutil.copytree(run, cache / f"{key}.tmp")
                (cache / f"{key}.tmp").rename(cached)
            return tables
    shutil.copytree(cached, run)
    _repoint(run, data)
    return tables


def _run_planted(data: Path, run: Path, clean_run: Path, tables: set[str], year: int,
                 cache: Path | None = None) -> None:
    reingest(data, run, clean_run, tables, year)
    quality.run_quality(run, year)
    run_indicators(run, year, cache)


# What stage 03 writes (runfolder.WRITTEN_BY), and so what a remembered stage 03 copies.
INDICATOR_OUTPUTS = [name for name, stage in runfolder.WRITTEN_BY.items()
                     if stage == "03_indicators"]


def run_indicators(run: Path, year: int, cache: Path | None = None) -> None:
    """Stage 03, or, when a run in `cache` had the same inputs, its outputs copied.

    Stage 03 reads the warehouse's tables, the quality findings only through `blocked_by`
    (which indicators of which regions are not rated, and why), the year and the reference
    files: a planted defect that leaves all of these as they were in an earlier run (a
    dataset.yml case, a file that only looks odd, the same defect planted twice) gets that
    run's outputs, byte for byte as stage 03 would write them again."""
    if cache is None:
        indicators.run_indicators(run, year)
        return
    key = _indicator_inputs(run, year)
    done = cache / f"indicators-{key}"
    with FileLock(cache / f"indicators-{key}.lock"):
        if not done.exists():
            indicators.run_indicators(run, year)
            scratch = cache / f"indicators-{key}.tmp"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            for name in INDICATOR_OUTPUTS:
                _copy(run / name, scratch / name)
            scratch.rename(done)
            return
    for name in INDICATOR_OUTPUTS:
        _copy(done / name, run / name)


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    elif src.exists():
        shutil.copy2(src, dst)


def _indicator_inputs(run: Path, year: int) -> str:
    """A digest of everything stage 03 reads (see run_indicators)."""
    h = hashlib.sha256(f"{year}\n".encode())
    for path in sorted((run / runfolder.WAREHOUSE).glob("*.parquet")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    findings = runfolder.RunFolder(run).load_quality_results()["findings"]
    h.update(json.dumps(quality.blocked_by(findings, reference.catalog()), sort_keys=True,
                        ensure_ascii=False).encode())
    for path in sorted(Path(reference.REFERENCE_DIR).rglob("*")):
        if path.is_file():
            h.update(f"{path}\0".encode() + path.read_bytes())
    return h.hexdigest()[:20]


def _content_key(data: Path, changed: set[str], year: int) -> str:
    h = hashlib.sha256(f"{year}\n".encode())
    for name in sorted(changed):
        path = data / name
        kind = _kind(path)
        h.update(f"{name}\0{kind}\0".encode())
        if kind == stat.S_IFREG:
            h.update(path.read_bytes())
        elif kind == stat.S_IFLNK:
            h.update(os.readlink(path).encode())
    return h.hexdigest()[:20]


def _mentions_only_in_run_and_ingest_json(run: Path, data: Path) -> bool:
    """Whether the data folder's path appears nowhere in the run but where _repoint
    rewrites it (run.json, warehouse/ingest.json): only such a run can stand for another."""
    needle = str(data).encode()
    exempt = {run / "run.json", run / "warehouse" / "ingest.json"}
    return not any(needle in p.read_bytes() for p in run.rglob("*")
                   if p.is_file() and p not in exempt and p.suffix != ".parquet")


def _repoint(run: Path, data: Path) -> None:
    """A copied run, as if it had been run on `data`: run.json's folder and the files
    ingest.json names (they have the same names in `data`)."""
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
    meta["data_dir"] = str(data)
    (run / "run.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
    path = run / "warehouse" / "ingest.json"
    found = json.loads(path.read_text(encoding="utf-8"))
    found["sources"] = {n: "; ".join(str(data / Path(p).name) for p in v.split("; "))
                        for n, v in found["sources"].items()}
    path.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")


# --- reading outputs ---------------------------------------------------------------------


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text pdftotext extracts from a PDF (`-layout`: in its printed columns). Several
    tests read the same reports of the shared run: each file is extracted once per process
    (again if it changed)."""
    return _pdftotext(str(path), os.stat(path).st_mtime_ns, layout)


@functools.cache
def _pdftotext(path: str, mtime_ns: int, layout: bool) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), path, "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


# --- confidentiality: planted markers ----------------------------------------------------


def confidential_inputs(data_dir: Path) -> list[Path]:
    """The delivered files of the tables tables.yml marks `confidential: true`."""
    out = []
    for spec in reference.tables().values():
        if isinstance(spec, dict) and spec.get("confidential"):
            out += [data_dir / f for f in spec.get("files", []) if (data_dir / f).exists()]
    return out


def plant_markup_firm(data_dir: Path, name: str) -> bool:
    """A 杭州 enterprise whose name is `name` (markup); False if the data set has no
    enterprise table."""
    inputs = [p for p in confidential_inputs(data_dir) if p.suffix == ".csv"]
    if not inputs:
        return False
    df = pd.read_csv(inputs[0], dtype=str)
    row = df[df["region_code"] == "330100"].head(1).copy()
    row["credit_code"], row["name"] = "91330100MA0XSS0001", name
    pd.concat([df, row], ignore_index=True).to_csv(inputs[0], index=False)
    return True


def valid_code(area: str, serial: int) -> str:
    from carbonpeak.methods.credit_code import credit_code_check_char

    body = f"91{area}MKQ{serial:06d}"
    return body + credit_code_check_char(body)


def plant_markers(data_dir: Path) -> tuple[dict[str, str | None], dict[str, str]]:
    """Unique markers in every confidential column of every table, plus three hostile rows:
    a firm whose columns are swapped (no region), one whose code and county say 嘉兴 but
    whose region says 杭州, and one listed under two cities. A firm's credit code is replaced
    by the same marker in every table (the firm keeps its projects), so the markers alone
    leave the data as consistent as the sample. Returns marker -> the only region whose
    outputs may show it (None: no region's), and case -> marker."""
    from carbonpeak import confidential

    owner: dict[str, str | None] = {}
    cases: dict[str, str] = {}
    codes: dict[str, str] = {}  # a firm's credit code -> its marker, in every table
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
                        marker = old if old in codes.values() else codes.setdefault(
                            old, valid_code(old[2:8], serial))  # a firm already marked
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
            swapped = {**base, "credit_code": valid_code("330402", serial),
                       "name": "330400", "region_code": f"MKQ{serial:06d}SWAPPED有限公司"}
            hostile.append(swapped)
            cases["swapped"] = swapped["region_code"]
            serial += 1
            mislabel = {**base, "credit_code": valid_code("330402", serial),
                        "name": f"MKQ{serial:06d}MISLABEL有限公司", "region_code": "330100",
                        "county": "南湖区"}
            hostile.append(mislabel)
            cases["mislabel"] = mislabel["name"]
            serial += 1
            twice = {**base, "credit_code": valid_code("330000", serial),  # province-registered
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
    for table in reference.tables():  # codes marked in a later table, in the earlier ones
        path = data_dir / f"{table}.csv"
        if "credit_code" in confidential.columns(table) and path.exists():
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            df["credit_code"] = df["credit_code"].replace(codes)
            df.to_csv(path, index=False)
    return owner, cases


def build_rendered_run(path: Path, markup: str) -> dict:
    """Every region's report, HTML and PDF, through the runner (jobs=2), on a copy of the
    sample with the confidentiality markers, the hostile rows and a firm named `markup`
    planted: `path/data`, `path/out/2025/`. Returns what the fixture records besides."""
    from carbonpeak.run import runner

    data = path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    owner, cases = plant_markers(data)
    plant_markup_firm(data, markup)
    logs: list[str] = []
    rc = runner.run(data, YEAR, ",".join(RENDERED_REGIONS), path / "out", "html,pdf", jobs=2,
                    log=logs.append)
    return {"rc": rc, "logs": [str(line) for line in logs], "owner": owner, "cases": cases}
