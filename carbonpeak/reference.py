"""Reference data (regions, tables, indicator catalog, grading presets) loaded from
data/reference/, so that analysts change thresholds and add indicators without Python."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import yaml

from carbonpeak.paths import REFERENCE_DIR

PROVINCE = "330000"


def _yaml(name: str, ref_dir: Path | None = None):
    path = (ref_dir or REFERENCE_DIR) / name
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


@cache
def regions() -> list[dict]:
    """Every region, province first, in GB/T 2260 code order."""
    with (REFERENCE_DIR / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return sorted(rows, key=lambda r: r["region_code"])


def region_codes() -> list[str]:
    return [r["region_code"] for r in regions()]


def municipality_codes() -> list[str]:
    return [r["region_code"] for r in regions() if r["level"] == "municipality"]


def region_name(code: str) -> str:
    return next(r["name"] for r in regions() if r["region_code"] == code)


@cache
def region_lookup() -> dict[str, str]:
    """Any way an analyst writes a region (code, 杭州市, 杭州, Hangzhou) -> its code."""
    out: dict[str, str] = {}
    for r in regions():
        for key in (r["region_code"], r["name"], r["short_name"], r["name_en"]):
            out[key.strip().lower()] = r["region_code"]
    out["全省"] = PROVINCE
    return out


@cache
def tables() -> dict:
    """Input tables by name; keys starting with `_` hold shared vocabularies (YAML anchors)."""
    return {k: v for k, v in _yaml("tables.yml").items() if not k.startswith("_")}


@cache
def sectors() -> list[dict]:
    return _yaml("sectors.yml")


@cache
def industry_names() -> dict[str, str]:
    """GB/T 4754 code -> Chinese name (divisions, and the classes listed)."""
    with (REFERENCE_DIR / "industry_codes.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: r["name_zh"] for r in rows}


def industry_name(code: str) -> str:
    names = industry_names()
    return names.get(str(code)) or names.get(str(code)[:2], "")


@cache
def emission_factors() -> dict:
    return _yaml("emission_factors.yml")


@cache
def catalog() -> dict:
    return _yaml("indicators.yml")


@cache
def task_groups() -> list[dict]:
    """The plan's task groups in report order (二、主要目标, then 三(一)…(八))."""
    return _yaml("task_groups.yml") or []


@cache
def grading() -> dict:
    return _yaml("grading.yml")


@cache
def city_targets() -> dict[tuple[str, str], dict]:
    """(region_code, indicator_id) -> {target, stretch_target} where the province set one."""
    path = REFERENCE_DIR / "city_targets.csv"
    out: dict[tuple[str, str], dict] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            out[(row["region_code"], row["indicator_id"])] = {
                k: float(row[k]) for k in ("target", "stretch_target") if row.get(k)
            }
    return out
