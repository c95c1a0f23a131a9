"""Shared fixtures. The expensive runs are session fixtures, built once per test session
(with pytest-xdist: once across all workers, under a file lock) and shared read-only:
a test that breaks data makes its own copy (`data_dir`, `helpers.run_planted`).

- `clean_run`: stages 01–03 on a copy of the shipped sample for 2025;
- `rendered_run`: every region's report, HTML and PDF, through the runner, on a copy of the
  sample with the confidentiality markers planted (tests that use it are marked `slow`).

`make test` runs with pytest-xdist, `--dist loadgroup`, on the groups declared below
(`pytest_xdist_make_scheduler`): a test file is one unit of work, so its module fixtures are
built once; the files in SPREAD hold independent tests, each its own unit; the files in
GROUPS share a session fixture and go to one worker together, so that one worker renders
`rendered_run` while the other gets on with other files. The units are handed out in
collection order, which puts the long ones first (`pytest_collection_modifyitems`).
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import gxmemo
import helpers
import pandas as pd
import pytest
from filelock import FileLock

from carbonpeak.paths import SAMPLE_DIR
from tools import sample

gxmemo.install()  # a GX validation of the same frame and suite: computed once a process

# Test files whose tests are independent (each builds its own run from the session's clean
# one): pytest-xdist may spread them over all workers.
SPREAD = {"test_bad_input.py", "test_quality.py"}
# Test files that read one expensive session fixture: the same worker runs them together.
GROUPS = dict.fromkeys(["test_confidentiality.py", "test_end_to_end.py",
                        "test_reading.py", "test_report_outputs.py"], "rendered_run")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` on the units above. (pytest-xdist reads `xdist_group` marks from a
    suffix it appends to node ids, which pytest 9 no longer keeps; the units are therefore
    declared here, by file name, where the controller can see them.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileUnits(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            name = path.rsplit("/", 1)[-1]
            return nodeid if name in SPREAD else GROUPS.get(name, path)

        def schedule(self) -> None:
            config.option.loadscopereorder = False  # the collection order: slow files first
            super().schedule()

    return FileUnits(config, log)


# The longest units, started first (about a minute or two each on two cores).
FIRST = ["test_runs.py", "test_confidentiality.py", "test_monitor.py"]


def pytest_collection_modifyitems(config, items):
    """The longest units first, then the other files with slow tests and the slow tests of
    SPREAD files, then the rest, tests that need no run of the sample before those that
    read `clean_run` (each file's tests keep their order). Under pytest-xdist the long units
    start early, the short ones fill in at the end, and while one worker builds the clean run
    the other has work that does not wait for it."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    first = {id(item): i for i, item in enumerate(items)}
    clean = {item.path for item in items if "clean_run" in item.fixturenames}

    def rank(item) -> tuple[int, int]:
        if item.path.name in FIRST:
            return 0, FIRST.index(item.path.name)
        if item.get_closest_marker("slow") or (item.path in slow
                                               and item.path.name not in SPREAD):
            return 1, 0
        if item.path.name in SPREAD:
            return 2, "clean_run" in item.fixturenames
        return 2, item.path in clean

    items.sort(key=lambda item: (*rank(item), first[id(item)]))


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The session's folder for what all workers share: under pytest-xdist, in the session's
    temporary folder above the workers' own."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    root = root / "shared"
    root.mkdir(exist_ok=True)
    return root


def shared(factory: pytest.TempPathFactory, name: str, build) -> tuple[Path, dict]:
    """`build(path)` once per test session, and what it returned (JSON): the first worker
    to ask builds it, the others wait on the lock and reuse it. A build that failed leaves
    no record, so the next one to ask tries again (and fails with its own error)."""
    root = shared_root(factory)
    path, record = root / name, root / f"{name}.json"
    with FileLock(root / f"{name}.lock"):
        if not record.exists():
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir()
            record.write_text(json.dumps(build(path) or {}, ensure_ascii=False),
                              encoding="utf-8")
    return path, json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture
def ref_dir(tmp_path, monkeypatch):
    """A private copy of data/reference/ that the reference loaders read: edit it freely."""
    from carbonpeak import reference

    d = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, d)
    monkeypatch.setattr(reference, "REFERENCE_DIR", d)
    return d


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory) -> Path:
    """The run folder of stages 01–03 on a copy of the shipped sample for 2025 (warehouse/,
    quality/, indicators.csv …). Read it; never change it."""
    path, _ = shared(tmp_path_factory, "clean-2025", helpers.build_clean_run)
    return path / "run"


@pytest.fixture(scope="session")
def run_planted(clean_run, tmp_path_factory):
    """`run_planted(data, run, year=2025)`: stages 01–03 on a planted copy of the sample
    into `run`, built from `clean_run` (helpers.run_planted). A data set planted twice in
    the session, byte for byte (test_quality and test_bad_input plant four of the same), is
    run once and copied."""
    cache = shared_root(tmp_path_factory) / "planted"
    cache.mkdir(exist_ok=True)

    def run_planted(data: Path, run: Path, year: int = helpers.YEAR) -> set[str]:
        return helpers.run_planted(data, run, clean_run, year, cache)

    return run_planted


@dataclass(frozen=True)
class RenderedRun:
    data: Path  # the planted copy of the sample that was run
    out: Path  # the output root: out/2025/…, out/runs.jsonl, out/latest
    rc: int
    logs: list[str]
    owner: dict[str, str | None]  # marker -> the only region whose outputs may show it
    cases: dict[str, str]  # hostile row -> its marker

    @property
    def year_dir(self) -> Path:
        return self.out / str(helpers.YEAR)


@pytest.fixture(scope="session")
def rendered_run(tmp_path_factory) -> RenderedRun:
    """Every region's report, HTML and PDF, through the runner (as `make reports` runs it),
    on a copy of the sample with a unique marker in every confidential cell of two firms per
    city, three hostile enterprise rows and a firm whose name is markup
    (`helpers.build_rendered_run`). Read it; a test that runs again copies `out` first."""
    from test_report_fixtures import MALICIOUS

    path, rec = shared(tmp_path_factory, "rendered-2025",
                       lambda p: helpers.build_rendered_run(p, MALICIOUS))
    return RenderedRun(path / "data", path / "out", rec["rc"], rec["logs"], rec["owner"],
                       rec["cases"])


@pytest.fixture
def sample_frame() -> pd.DataFrame:
    return sample.generate()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A private copy of the shipped sample data, safe to break."""
    d = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, d)
    return d


def write_table(d: Path, df: pd.DataFrame, name: str = "industry_annual.csv", **kw) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    path = d / name
    df.to_csv(path, index=False, **kw)
    return path
