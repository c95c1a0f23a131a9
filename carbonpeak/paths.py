"""Every path the project uses, defined once."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
EXPECTATIONS_DIR = ROOT / "expectations"
NOTEBOOKS_DIR = ROOT / "notebooks"
PIPELINES_DIR = ROOT / "pipelines"
OUTPUTS_DIR = ROOT / "outputs"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def resolve(path: str | Path) -> Path:
    """Notebook parameters are relative to the repository root, wherever the kernel runs."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p
