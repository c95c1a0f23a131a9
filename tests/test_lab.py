"""Editing in JupyterLab as a new user would: `make lab` as root, outputs stripped on commit."""

import subprocess

from carbonpeak.paths import ROOT


def test_make_lab_allows_root():
    cmd = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    assert "jupyter lab notebooks/" in cmd and "--allow-root" in cmd and "id -u" in cmd


def test_notebooks_are_stripped_by_a_git_filter():
    attrs = (ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "*.ipynb filter=nbstripout" in attrs
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "setup: system $(VENV)/.installed gitfilter" in make
    assert "nbstripout --install" in make
