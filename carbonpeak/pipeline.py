"""The chain declarations in pipelines/*.yml: which notebooks run, in what order, for which
period kind, which input tables the chain reads and checks, and the report titles. Every
module that needs one of these facts asks here; nothing else decides them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carbonpeak import errors, reference
from carbonpeak.paths import PIPELINES_DIR, resolve
from carbonpeak.period import Period
from carbonpeak.runfolder import RUN_WIDE

KINDS = {"year": "annual.yml", "month": "monthly.yml"}  # period kind -> its chain


class PipelineError(errors.ConfigError):
    """pipelines/*.yml is unusable."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    id: str
    notebook: str
    scope: Literal["once", "per_region"]
    title_zh: str = ""
    # the province's report compares its children: its own notebook
    province_notebook: str | None = None
    # imported in each warm kernel before its first report, while the once-stages run
    warmup: str = ""
    # `module:function(run_dir, codes, period) -> {code: digest}`: what each region's report reads
    # from the run folder; a report whose digest (and code) did not change is kept when
    # other regions' inputs change. Without it, any changed input renders every report again.
    reads: str | None = None

    @field_validator("reads")
    @classmethod
    def _importable(cls, v: str | None) -> str | None:
        import importlib.util

        if v is not None:
            module, _, name = v.partition(":")
            if not name or importlib.util.find_spec(module) is None:
                raise ValueError(f"{v!r} is not module:function of an importable module")
        return v

    def reads_function(self):
        """The `reads` function, imported (None when the stage declares none)."""
        if self.reads is None:
            return None
        import importlib

        module, _, name = self.reads.partition(":")
        return getattr(importlib.import_module(module), name)

    @field_validator("notebook", "province_notebook")
    @classmethod
    def _exists(cls, v: str | None) -> str | None:
        if v is not None and not resolve(v).exists():
            raise ValueError(f"{v} not found")
        return v


class Titles(_Strict):
    """Patterns filled with {region}, {period} (2025年, 2026年1—10月) and {plan} (十四五)."""
    report: str  # the document title: the cover's h1, the HTML title, the PDF's
    running: str  # the running title, top right of every printed page
    kicker: str | None = None  # the line above the cover's title; else the set's title


class Pipeline(_Strict):
    name: str
    period_kind: Literal["year", "month"]
    title_zh: str
    # the input tables this chain ingests and checks; no other table is read
    tables: list[str] = Field(min_length=1)
    # tables whose rows are dated by period: a period depends only on rows up to it
    period_scoped_tables: list[str] = []
    # run-wide files every per-region notebook reads; their hashes go into its record
    run_wide_tables: list[str]
    running_header: str  # top left of every printed page: {region}, {period}
    titles: Titles
    # the annual report of a plan period's target year is its final evaluation (终期评估)
    final_titles: Titles | None = None
    final_title_zh: str | None = None
    stages: list[Stage]

    @field_validator("run_wide_tables")
    @classmethod
    def _run_files(cls, v: list[str]) -> list[str]:
        """A misspelt name would be hashed as absent, and its changes never re-render."""
        if unknown := [n for n in v if n not in RUN_WIDE]:
            raise ValueError(f"{', '.join(unknown)}: not a run-wide file "
                             f"(carbonpeak/runfolder.py RUN_WIDE: {', '.join(RUN_WIDE)})")
        return v

    def table_names(self) -> list[str]:
        """The declared tables in the order of tables.yml (the order findings are listed)."""
        return [t for t in reference.tables() if t in self.tables]

    def once(self) -> list[Stage]:
        return [s for s in self.stages if s.scope == "once"]

    def per_region(self) -> list[Stage]:
        return [s for s in self.stages if s.scope == "per_region"]

    def is_final(self, period: Period) -> bool:
        """The final-evaluation rule, the only one: an annual period that is its plan
        period's target year, in a chain that words a final evaluation."""
        if self.final_titles is None or not period.annual:
            return False
        try:
            return reference.plan_period_for(period.year)["target_year"] == period.year
        except KeyError:
            return False

    def plan_name(self, period: Period) -> str:
        try:
            return reference.plan_period_for(period.year)["name_zh"]
        except KeyError:
            return ""

    def chain_title(self, period: Period) -> str:
        """The title of a period's whole set (index page)."""
        if self.is_final(period) and self.final_title_zh:
            return self.final_title_zh.format(plan=self.plan_name(period))
        return self.title_zh

    def _titles(self, period: Period) -> Titles:
        return self.final_titles if self.is_final(period) else self.titles

    def _fill(self, region_name: str, period: Period) -> dict:
        return {"region": region_name, "period": period.label_zh,
                "plan": self.plan_name(period)}

    def report_titles(self, region_name: str, period: Period) -> tuple[str, str, str]:
        """(document title, running header, running title) of one region's report: the
        runner's HTML title and page margins, and the title on the report's cover."""
        titles, fill = self._titles(period), self._fill(region_name, period)
        return (titles.report.format(**fill), self.running_header.format(**fill),
                titles.running.format(**fill))

    def kicker(self, period: Period) -> str:
        """The line above a cover's title: the set the document belongs to."""
        kicker = self._titles(period).kicker
        return kicker.format(**self._fill("", period)) if kicker else self.chain_title(period)


def kind_of(period: Period) -> str:
    """A year runs the annual chain, a cumulative month the monthly barometer chain."""
    return "year" if period.annual else "month"


def path_for(period: Period) -> Path:
    return PIPELINES_DIR / KINDS[kind_of(period)]


def load(path: Path | None = None) -> Pipeline:
    """The validated declaration; an error names the file and the key."""
    path = Path(path or PIPELINES_DIR / KINDS["year"])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = Pipeline.model_validate(raw)
    except yaml.YAMLError as e:
        raise PipelineError(f"{path.name}: not valid YAML: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = _where(first["loc"], raw)
        raise PipelineError(f"{path.name}: {where}: {first['msg']}") from None
    unknown = [t for t in spec.tables if t not in reference.tables()]
    if unknown:
        raise PipelineError(f"{path.name}: tables: {', '.join(unknown)} not in "
                            "data/reference/tables.yml")
    return spec


def _where(loc: tuple, raw) -> str:
    """pydantic's location as the key a person edits: stages[2].scope -> stage 'report'."""
    parts = []
    node = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            label = node.get("id") if isinstance(node, dict) else None
            parts.append(f"stage {label!r}" if label else f"item {key + 1}")
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(str(key))
    return ": ".join(parts) or "top level"


@cache
def _cached(path: str, mtime_ns: int) -> Pipeline:
    return load(Path(path))


def for_period(period: Period) -> Pipeline:
    return of_kind(kind_of(period))


def of_kind(kind: str) -> Pipeline:
    """The declaration of a chain by its period kind (the `pipeline` parameter a stage
    notebook is given), read again when its file changed."""
    if kind not in KINDS:
        raise PipelineError(f"no pipeline {kind!r}: expected one of {', '.join(KINDS)}")
    path = PIPELINES_DIR / KINDS[kind]
    return _cached(str(path), path.stat().st_mtime_ns)
