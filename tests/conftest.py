import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak.paths import SAMPLE_DIR
from tools import sample


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
