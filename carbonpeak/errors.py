"""Errors that stop a run with a one-line message for the operator, never a traceback.

The runner turns each into its documented exit code (README: exit codes). Raise them with
a message that names the file (and row/column where known) and what was expected.
"""

from __future__ import annotations


class RunError(Exception):
    """Nothing can be rendered: bad arguments, configuration, headline input, output folder."""

    exit_code = 2


class ConfigError(RunError):
    """A reference file (data/reference/*.yml|csv) or pipeline definition is unusable."""


class InputError(RunError):
    """The input folder or its headline table cannot be used at all."""


class PeriodNotCovered(InputError):
    """The data hold no headline rows for the requested reporting period."""


class LockHeld(RunError):
    """Another run holds the lock on this output root."""

    exit_code = 3
