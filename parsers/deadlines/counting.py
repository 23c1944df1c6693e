"""Art. 11.1 of 67-FZ: the counting formulas, one function per phrase family.

E is the anchor event's day, N the number of units. Calendar days, no weekend shift —
unless the text says "рабочих дней" (unit ``wd``): those are counted on Russia's
production calendar (weekends, public holidays and the government's transfers, from the
``holidays`` package).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

ONE = timedelta(days=1)


@lru_cache(maxsize=1)
def _production_calendar() -> Any:
    import holidays

    return holidays.country_holidays("RU")


def working_day(e: date, n: int) -> date:
    """The ``n``-th working day after ``e`` (before it when ``n`` < 0); ``e`` when 0."""
    return _production_calendar().get_nth_working_day(e, n) if n else e


def add_months(e: date, n: int) -> date:
    """Same day number ``n`` months later (negative: earlier), clamped to the month end."""
    k = e.year * 12 + (e.month - 1) + n
    y, m = divmod(k, 12)
    return date(y, m + 1, min(e.day, calendar.monthrange(y, m + 1)[1]))


def shift(e: date, n: int, unit: str = "d") -> date:
    """E moved by n units: d(ays), w(eeks), m(onths), y(ears), wd (working days)."""
    if unit == "wd":
        return working_day(e, n)
    if unit == "m":
        return add_months(e, n)
    if unit == "y":
        return add_months(e, 12 * n)
    return e + timedelta(days=n * (7 if unit == "w" else 1))


def before(e: date, n: int, unit: str = "d") -> date:
    """ "(не позднее|не ранее) чем за N дней до E": the day after which N days remain, E − (N+1)."""
    if unit == "wd":  # N whole working days remain between the deadline and E
        return working_day(e, -(n + 1))
    return shift(e, -n, unit) - ONE


def after(e: date, n: int, unit: str = "d") -> date:
    """ "(не позднее|не ранее) чем через N дней со дня/после дня E", "на N-й день после", "по
    истечении N дней со дня E", "не менее N месяцев со дня E": E + N."""
    return shift(e, n, unit)


def within_from(e: date, n: int, unit: str = "d") -> tuple[date, date]:
    """ "в течение N дней со дня E", "в N-дневный срок со дня E": E is day 1 → [E, E+N−1]."""
    if unit == "wd":
        return e, working_day(e, n - 1) if n > 1 else e
    return e, shift(e, n, unit) - ONE


def within_after(e: date, n: int, unit: str = "d") -> tuple[date, date]:
    """ "в течение N дней после дня E": [E+1, E+N]."""
    return e + ONE, shift(e, n, unit)


def within_before(e: date, n: int, unit: str = "d") -> tuple[date, date]:
    """ "в течение N дней до E": [E−N, E−1]."""
    return shift(e, -n, unit), e - ONE


def month_end(y: int, m: int) -> date:
    """Last day of a month."""
    return date(y, m, calendar.monthrange(y, m)[1])
