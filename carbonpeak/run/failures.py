"""Failures as one line for the operator: a notebook's own exception, and a RunError raised
inside a stage notebook rebuilt from papermill's record of it (its exit code kept)."""

from __future__ import annotations

from carbonpeak import errors


def short_error(e: BaseException) -> str:
    """One line: a notebook's own exception as 'Name: value', else the last lines."""
    if getattr(e, "ename", None):
        value = " | ".join(ln.strip() for ln in str(e.evalue).splitlines() if ln.strip())
        return f"{e.ename}: {value}"
    text = str(e).strip().splitlines()
    tail = [ln for ln in text if ln.strip()][-3:] if text else [type(e).__name__]
    return f"{type(e).__name__}: " + " | ".join(tail)


def run_error(e: BaseException) -> errors.RunError | None:
    """A RunError raised inside a stage notebook, rebuilt from papermill's record of it."""
    if isinstance(e, errors.RunError):
        return e
    classes = {errors.RunError}
    while True:
        more = {s for c in classes for s in c.__subclasses__()} - classes
        if not more:
            break
        classes |= more
    cls = {c.__name__: c for c in classes}.get(getattr(e, "ename", None) or "")
    return cls(str(e.evalue).strip()) if cls else None
