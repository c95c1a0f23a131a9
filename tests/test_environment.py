"""pyproject.toml and environment.yml pin the same versions."""

import re
import tomllib

import yaml

from carbonpeak.paths import ROOT


def test_conda_environment_matches_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert {p for p in pip if p != "-e ."} == pins
    assert all(re.fullmatch(r"[a-z0-9._-]+==[0-9][0-9a-z.]*", p) for p in pins), pins
