"""pyproject.toml and environment.yml pin the same versions; conda-forge supplies every
package it builds, pip only the project itself."""

import re
import tomllib

import yaml

from carbonpeak.paths import ROOT

# conda-forge names that differ from the PyPI name of the same package
CONDA_NAMES = {"matplotlib-base": "matplotlib", "nbconvert-core": "nbconvert"}


def test_conda_environment_matches_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    assert all(re.fullmatch(r"[a-z0-9._-]+==[0-9][0-9a-z.]*", p) for p in pins), pins
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e ."]  # nothing else from pip: conda-forge builds all of it
    pinned = {}
    for dep in conda:
        name, _, version = dep.partition("==")
        if version:
            pinned[CONDA_NAMES.get(name, name)] = version
    assert {f"{n}=={v}" for n, v in pinned.items()} == pins
    assert "python=3.11" in conda and "pip" in conda
    assert "weasyprint==70.0" in conda  # with conda-forge's pango, not the OS's
