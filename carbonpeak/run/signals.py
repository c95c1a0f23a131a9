"""SIGTERM (systemd stop, kill) and SIGINT (Ctrl-C) unwind a run like an error: kernels and
render workers are stopped, the staging folder removed, nothing half-written published."""

from __future__ import annotations

import signal
import threading


class Interrupted(BaseException):
    """SIGINT/SIGTERM: stop the kernels and render workers, clean up, exit 128+signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def trap():
    """SIGTERM (systemd stop, kill) and SIGINT (Ctrl-C) unwind the run like an error."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, _frame):
        raise Interrupted(signum)

    return {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}


def restore(previous) -> None:
    for s, h in (previous or {}).items():
        signal.signal(s, h)
