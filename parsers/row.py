"""A plan row as cell texts, before cell parsing: the meeting point of the table
reader (:mod:`parsers.rows`) and the flattened-text segmenter (:mod:`parsers.segment`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class PlanRow:
    """One item's cells. ``executor`` keeps line breaks: they separate bodies; ``basis`` is
    a legal-basis column of its own ("Правовое основание"), read for references only."""

    item_no: str | None
    section: str | None
    action: str
    deadline: str
    executor: str
    page: int | None = None
    confidence: float | None = None
    basis: str = ""
