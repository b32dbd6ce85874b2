"""Date and KATO helpers shared by the formulas (pure; the as-of date is always an argument).

Dates in columns are day numbers (days since 1970-01-01, int64) so that numpy compares them fast;
:data:`NEVER` is a day number before any real date.
"""

from __future__ import annotations

from datetime import date, timedelta

EPOCH = date(1970, 1, 1)
NEVER = -(10**7)  # "no such date": earlier than any real day number


def day_number(d: date) -> int:
    return (d - EPOCH).days


def from_day_number(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def add_years(d: date, years: int) -> date:
    """Same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """First day of the month `months` after the month of `d` (d's day is dropped)."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def age_on(birth: date, on: date) -> int:
    """Completed years of age on a date (a person born on 29 Feb turns a year older on 1 Mar)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def previous_quarter(d: date) -> tuple[date, date]:
    """First day of the quarter before d's quarter and first day of d's quarter (half-open)."""
    start = quarter_start(d)
    return add_months(start, -3), start


def months_before(d: date, count: int) -> tuple[date, date]:
    """The `count` full calendar months before the month of `d` as a half-open [first, last+1) span."""
    first_of_month = date(d.year, d.month, 1)
    return add_months(first_of_month, -count), first_of_month


def month_count_overlap(start: date, end_exclusive: date, span_from: date, span_to: date | None) -> int:
    """Months of [start, end_exclusive) (both first-of-month) covered by a spell [span_from, span_to]."""
    lo = max(date(span_from.year, span_from.month, 1), start)
    hi = end_exclusive if span_to is None else min(add_months(span_to, 1), end_exclusive)
    if hi <= lo:
        return 0
    return (hi.year - lo.year) * 12 + (hi.month - lo.month)


# KATO: TE = AB CD EF HIJ (domain.md §10.2). An "area" code ends in zero groups; a code lies in the
# area when it agrees on every group the area fixes.
_GROUPS = ((0, 2), (2, 4), (4, 6), (6, 9))


def kato_level(code: str) -> int:
    """1 region, 2 district / city of regional significance, 3 okrug, 4 settlement."""
    check_kato(code)
    level = 0
    for i, (a, b) in enumerate(_GROUPS, start=1):
        if int(code[a:b]) != 0:
            level = i
    return max(level, 1)


def kato_prefix(code: str) -> str:
    """The significant digits of an area code (e.g. '750000000' -> '75')."""
    return code[: _GROUPS[kato_level(code) - 1][1]]


def kato_within(code: str, area: str) -> bool:
    return code.startswith(kato_prefix(area))


def kato_ancestors(code: str) -> list[str]:
    """The code and the areas above it, most specific first: settlement, okrug, district, region."""
    check_kato(code)
    out: list[str] = []
    for _, b in reversed(_GROUPS):
        candidate = code[:b].ljust(9, "0")
        if candidate not in out and int(candidate) != 0:
            out.append(candidate)
    return out


def check_kato(code: str) -> str:
    if len(code) != 9 or not code.isdigit():
        raise ValueError(f"KATO code must be 9 digits, got {code!r}")
    return code
