"""The parsed deadline of one plan item (contract columns ``deadline_*``, ``anchor``, …)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

KINDS = ("date", "by", "from", "range", "recurring", "ongoing", "on_event", "separate_plan", "none")
DATE_SOURCES = ("stated", "computed", "both")


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline cell as a typed window.

    ``kind`` is one of :data:`KINDS`; ``start``/``end`` are inclusive days; times are "HH:MM";
    ``anchor`` is ``publication``, ``voting_day`` or a short text naming another event;
    ``offset_days`` is the signed N of the rule (negative before the anchor); ``recurrence`` an
    RRULE value; ``date_source`` tells whether the dates were stated, computed, or both agree.
    """

    kind: str
    start: date | None = None
    end: date | None = None
    start_time: str | None = None
    end_time: str | None = None
    anchor: str | None = None
    offset_days: int | None = None
    recurrence: str | None = None
    date_source: str | None = None
    warnings: tuple[str, ...] = ()
