"""GB 32100-2015 unified social credit code (统一社会信用代码): check character and validation.

Enterprise tables are keyed by this code, so a typo must be caught before records are
joined across years. Input is normalised (surrounding whitespace stripped, upper-cased)
because spreadsheets often carry lower-case letters or stray spaces.
"""

from __future__ import annotations

# 31 characters: digits and upper-case letters without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**k mod 31
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def _normalise(code: str) -> str:
    return code.strip().upper()


def credit_code_check_char(first17: str) -> str:
    """Check character for the first 17 characters: 31 - (Σ value×weight mod 31), 31 -> 0."""
    body = _normalise(first17)
    if len(body) != 17:
        raise ValueError(f"need 17 characters before the check character, got {len(body)}")
    bad = [c for c in body if c not in _VALUE]
    if bad:
        raise ValueError(f"illegal character {bad[0]!r} in credit code body")
    check = 31 - sum(_VALUE[c] * w for c, w in zip(body, WEIGHTS, strict=True)) % 31
    return ALPHABET[0 if check == 31 else check]


def credit_code_problem(code: object) -> str | None:
    """What is wrong with a credit code, in words an analyst reads; None if it is valid."""
    if code is None or not isinstance(code, str) or not code.strip():
        return "统一社会信用代码为空"
    norm = _normalise(code)
    if len(norm) != 18:
        return f"统一社会信用代码应为18位，实际为{len(norm)}位"
    for pos, c in enumerate(norm, start=1):
        if c not in _VALUE:
            return f"第{pos}位字符“{c}”不合法（只允许数字和除I、O、Z、S、V以外的大写字母）"
    expected = credit_code_check_char(norm[:17])
    if norm[17] != expected:
        return f"校验码错误：应为“{expected}”，实际为“{norm[17]}”"
    return None


def is_valid_credit_code(code: object) -> bool:
    """True if the code (after stripping and upper-casing) has a correct check character."""
    return credit_code_problem(code) is None
