"""What a run and each of its regions came to: the records the chain fills and the exit
code, status.json, runs.jsonl and publishing read."""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonpeak.run import runlog


@dataclass
class RegionOutcome:
    region_code: str
    ok: bool = False
    seconds: float = 0.0
    error: str = ""
    files: list[str] = field(default_factory=list)


@dataclass
class RunState:
    """What one run did, for runs.jsonl, status.json and the exit code."""

    run_id: str
    args: dict
    started: str = field(default_factory=runlog.now)
    exit_code: int = 2
    message: str = ""
    inputs: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)  # code -> rendered|failed|current
    quality: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
