"""The catalog's `function:` names, filled by the `@indicator` decorator: a new indicator's
function registers itself where it is defined, with nothing to list elsewhere."""

from __future__ import annotations

from collections.abc import Callable

FUNCTIONS: dict[str, Callable] = {}


def indicator(fn: Callable) -> Callable:
    """Register `fn` under its own name for indicators.yml entries (`function: <name>`):
    `fn(tables, entry)` returns the series `region_code, year, value` (optional `level…`)."""
    if fn.__name__ in FUNCTIONS and FUNCTIONS[fn.__name__] is not fn:
        raise ValueError(f"two indicator functions named {fn.__name__}")
    FUNCTIONS[fn.__name__] = fn
    return fn
