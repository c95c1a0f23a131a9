"""What a run and each of its regions came to: the records the chain fills and the exit
code, status.json, runs.jsonl and publishing read."""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonpeak.run import runlog

# A report's own work (manifest.json `steps_s`): its notebook run in a kernel, the HTML
# export (nbconvert) and the PDF (WeasyPrint); and the time it waited for a kernel and for a
# render worker, which is the other reports' work, not its own.
OWN_STEPS = ("notebook", "export", "pdf")
WAIT_STEPS = ("wait_kernel", "wait_render")


@dataclass
class RegionOutcome:
    region_code: str
    ok: bool = False
    error: str = ""
    files: list[str] = field(default_factory=list)
    steps: dict[str, float] = field(default_factory=dict)  # OWN_STEPS, WAIT_STEPS -> s
    pdf_from: str = ""  # render.pdf_key of the HTML its PDF was laid out from
    pdf_kept: bool = False  # the published PDF, laid out from the same HTML, was kept

    @property
    def seconds(self) -> float:
        """The report's own work, waiting left out."""
        return sum(self.steps.get(k, 0.0) for k in OWN_STEPS)

    @property
    def waited(self) -> float:
        return sum(self.steps.get(k, 0.0) for k in WAIT_STEPS)


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
