"""Reporting periods: a year (`2025`, the annual report) or a cumulative month (`2026-10`,
1–10月 of 2026). Bureaus publish January and February together, so the first monthly
period of a year is `YYYY-02` (1–2月); `YYYY-01` is refused rather than guessed at."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")
FIRST_MONTH = 2  # 1–2月 is the first cumulative figure of a year


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int = 12  # 12 with annual=True is the calendar year; sorts after 1–11月
    annual: bool = True

    @classmethod
    def parse(cls, text: str | int | Period) -> Period:
        """`2025` -> annual; `2026-10` -> 1–10月 2026. ValueError names what was expected."""
        if isinstance(text, Period):
            return text
        m = _PATTERN.match(str(text))
        if not m:
            raise ValueError(f"period {text!r} is neither a year (YYYY) nor a cumulative month "
                             "(YYYY-MM)")
        year = int(m.group(1))
        if not 1990 <= year <= 2100:
            raise ValueError(f"period {text!r}: {year} is not a reporting year")
        if m.group(2) is None:
            return cls(year)
        month = int(m.group(2))
        if month == 1:
            raise ValueError(f"period {text!r}: January is published together with February "
                             f"(1–2月); use {year}-02")
        if not FIRST_MONTH <= month <= 12:
            raise ValueError(f"period {text!r}: month {month} is not 02–12")
        return cls(year, month, annual=False)

    @classmethod
    def monthly(cls, year: int, month: int) -> Period:
        return cls.parse(f"{year}-{month:02d}")

    @property
    def is_monthly(self) -> bool:
        return not self.annual

    @property
    def key(self) -> str:
        """The folder name under outputs/ and the value of `--period`."""
        return str(self.year) if self.annual else f"{self.year}-{self.month:02d}"

    def __str__(self) -> str:
        return self.key

    @property
    def label_zh(self) -> str:
        """2025年 / 2026年1—10月 (the dash is the Chinese range dash)."""
        return f"{self.year}年" if self.annual else f"{self.year}年1—{self.month}月"

    @property
    def months_label_zh(self) -> str:
        """1—10月, without the year (table headers of a monthly series)."""
        return "全年" if self.annual else f"1—{self.month}月"

    def previous(self) -> Period | None:
        """The period a light's change is counted from: last year for an annual period, the
        previous cumulative month of the same year for a monthly one (None for 1–2月)."""
        if self.annual:
            return Period(self.year - 1)
        if self.month == FIRST_MONTH:
            return None
        return Period(self.year, self.month - 1, annual=False)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.month, self.annual)

    def months_of_year(self) -> list[Period]:
        """Every cumulative period of this year up to and including this one."""
        return [Period(self.year, m, annual=False) for m in range(FIRST_MONTH, self.month + 1)]

    def reads(self, date: str | None, own_only: bool = False) -> bool:
        """Whether this period's figures are computed from data dated `date`: a year
        ("2025"), a cumulative month ("2026-10") or a month no period reads ("2026-01");
        None (undated: a whole table or file) is read by every period. An annual report
        reads every year up to its own. A monthly barometer's lights read their month, the
        same month last year and last year's 1–12月 and annual figures; the barometer of
        a period shows the lights of every month of its year up to it (`own_only`: only
        its own)."""
        if date is None:
            return True
        m = _PATTERN.match(str(date))
        if not m:
            return True  # not a date this package writes: read, to be safe
        year, month = int(m.group(1)), m.group(2)
        if self.annual:
            return year <= self.year
        months = [self] if own_only else self.months_of_year()
        dated = {d for p in months for d in p.light_dates()}
        return (f"{year}-{int(month):02d}" if month else str(year)) in dated

    def light_dates(self) -> list[str]:
        """The dates a monthly period's own lights read: the month, the same month last
        year, last year's 1–12月, last year's annual figures."""
        last = self.year - 1
        return list(dict.fromkeys([self.key, self.same_period_last_year().key, f"{last}-12",
                                   str(last)]))

    def is_after(self, year: int, month: int | None = None) -> bool:
        """Whether data dated (year, month) lie after this period. month None is a year's
        figure: it is published after 1–12月, so a monthly period never reads its own year's."""
        if month is None:
            return year > self.year or (year == self.year and not self.annual)
        return (year, month) > (self.year, self.month)


def parse(text: str | int | Period) -> Period:
    return Period.parse(text)
