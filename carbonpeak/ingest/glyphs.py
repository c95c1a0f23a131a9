"""Characters no installed font can draw: a warning naming the field, not a silent box.

Rare CJK (Extension B and beyond: 𠀀, 𪚥) is real in Chinese names; the PDF font stack
covers it only when a font such as fonts-hanazono is installed. fontconfig is asked once
per unusual character (the common CJK block, ASCII and CJK punctuation are taken as
drawable: the report font covers them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

import pandas as pd

from carbonpeak import confidential
from carbonpeak.findings import WARNING, Finding

_COMMON = re.compile(r"[\u0000-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
MAX_FINDINGS = 50  # per table; the first rows are enough to find the pattern


@cache
def drawable(ch: str) -> bool:
    """Whether any installed font has a glyph for this character (fontconfig)."""
    if _COMMON.match(ch) or not shutil.which("fc-list"):
        return True
    try:
        out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "family"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: say nothing rather than warn wrongly
    return bool(out.stdout.strip())


def undrawable(text: str) -> list[str]:
    return sorted({ch for ch in text if not ch.isspace() and not drawable(ch)})


def check_frame(frame: pd.DataFrame, table: str, spec: dict,
                headers: dict[str, str]) -> list[Finding]:
    """A warning per text cell holding characters no installed font can draw."""
    out: list[Finding] = []
    for column, col_spec in spec["columns"].items():
        if col_spec["type"] not in ("text", "code") or column not in frame:
            continue
        values = frame[column]
        rare = values.notna() & values.astype("string").str.contains(
            r"[^\u0000-\u024f\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]",
            regex=True, na=False)
        for i in frame.index[rare]:
            missing = undrawable(str(values[i]))
            if not missing or len(out) >= MAX_FINDINGS:
                continue
            region = frame.at[i, "region_code"] if "region_code" in frame else None
            region = region if isinstance(region, str) else None
            codes = "、".join(f"U+{ord(c):04X}" for c in missing[:5])
            chars = "" if confidential.columns(table) and region is None else \
                "（" + "".join(missing[:5]) + "）"
            out.append(Finding(
                table, "rare_character", WARNING,
                f"「{col_spec.get('title_zh', column)}」中有没有任何已安装字体能显示的字符"
                f"{codes}{chars}，PDF 中会显示为方框；请安装覆盖该字符的字体"
                "（如 fonts-hanazono），或核对是否录入有误",
                file=frame.at[i, "_source_file"] if "_source_file" in frame else None,
                row=int(frame.at[i, "_source_row"]) if "_source_row" in frame else None,
                column=headers.get(column, column), region_code=region, field=column))
    return out
