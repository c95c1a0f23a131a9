"""Shared fixtures. The expensive runs are session fixtures, built once per test session
(with pytest-xdist: once across all workers, under a file lock) and shared read-only:
a test that breaks data makes its own copy (`data_dir`, `helpers.run_planted`).

- `clean_run`: stages 01–03 on a copy of the shipped sample for 2025;
- `rendered_run`: every region's report, HTML and PDF, through the runner, on a copy of the
  sample with the confidentiality markers planted.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import helpers
import pandas as pd
import pytest
from filelock import FileLock

from carbonpeak import sample
from carbonpeak.paths import SAMPLE_DIR


def shared(factory: pytest.TempPathFactory, name: str, build) -> tuple[Path, dict]:
    """`build(path)` once per test session, and what it returned (JSON). Under pytest-xdist
    the folder is in the session's temporary folder, above the workers' own: the first
    worker to ask builds it, the others wait on the lock and reuse it. A build that failed
    leaves no record, so the next one to ask tries again (and fails with its own error)."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    root = root / "shared"
    root.mkdir(exist_ok=True)
    path, record = root / name, root / f"{name}.json"
    with FileLock(root / f"{name}.lock"):
        if not record.exists():
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir()
            record.write_text(json.dumps(build(path) or {}, ensure_ascii=False),
                              encoding="utf-8")
    return path, json.loads(record.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory) -> Path:
    """The run folder of stages 01–03 on a copy of the shipped sample for 2025 (warehouse/,
    quality/, indicators.csv …). Read it; never change it."""
    path, _ = shared(tmp_path_factory, "clean-2025", helpers.build_clean_run)
    return path / "run"


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
