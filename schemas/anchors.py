"""Anchor dates that relative deadlines count from."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date


@dataclass(frozen=True, slots=True)
class Anchors:
    """Known event dates of one plan (header values, possibly overridden)."""

    publication: date | None = None  # official publication of the decision calling the election
    voting_day: date | None = None  # first day where voting lasts several days
    voting_last_day: date | None = None  # last day of multi-day voting
    approval: date | None = None  # date of the resolution / approval
    year: int | None = None  # year for dates written without one
    rules_win: bool | None = None  # re-anchored plan: computed dates replace stated ones

    def overridden(self, other: Anchors) -> Anchors:
        """A copy in which the values set in ``other`` replace this one's."""
        changes = {k: getattr(other, k) for k in _FIELDS if getattr(other, k) is not None}
        return replace(self, **changes)

    @property
    def default_year(self) -> int | None:
        """The year for yearless dates: explicit, else from approval, voting or publication."""
        if self.year:
            return self.year
        for d in (self.approval, self.voting_day, self.publication):
            if d:
                return d.year
        return None


_FIELDS = tuple(f.name for f in fields(Anchors))
