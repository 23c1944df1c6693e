"""Pieces of a deadline cell (rules, stated dates, keywords) and the token cursor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parsers.deadlines.tokens import Tok
from schemas.anchors import Anchors


@dataclass(slots=True)
class Rule:
    """A relative rule before it is counted."""

    qual: str | None  # by / from / min / max / None
    shape: str  # before / after / ord / within / expire
    n: int
    unit: str | None  # d w m y h; None when elided ("за 20 и не позднее чем за 10 дней")
    mode: str | None = None  # from_day / after_day / before (for "within")
    key: str | None = None  # publication / voting_day / voting_last
    text: str | None = None  # anchor text for other events
    shift: int = 0  # "со дня, следующего за днем E" → +1
    also_eday: bool = False  # "…, а также в день голосования"
    elided: bool = False


@dataclass(slots=True)
class Win:
    """A piece, and after merging a window: kind, computed/stated bounds, times, anchor."""

    kind: str
    role: str  # rule / event / stated / keyword / time / cond
    i0: int = 0
    i1: int = 0
    start_c: date | None = None
    end_c: date | None = None
    start_s: date | None = None
    end_s: date | None = None
    start_time: str | None = None
    end_time: str | None = None
    anchor: str | None = None
    offset: int | None = None
    recurrence: str | None = None
    rule: Rule | None = None
    warnings: list[str] = field(default_factory=list)
    day_open: bool = False  # "…, но не позднее 14 часов" took the end time: its day follows


@dataclass(slots=True)
class Ctx:
    """What the rules need besides tokens: the clean text (for anchor texts) and anchors."""

    text: str
    anchors: Anchors
    year: int | None


class Cur:
    """A cursor over tokens."""

    __slots__ = ("i", "n", "t")

    def __init__(self, toks: list[Tok], i: int = 0) -> None:
        self.t = toks
        self.i = i
        self.n = len(toks)

    def tok(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.t[j] if 0 <= j < self.n else None

    def low(self, k: int = 0) -> str:
        j = self.i + k
        return self.t[j].low if 0 <= j < self.n else ""

    def kind(self, k: int = 0) -> str:
        j = self.i + k
        return self.t[j].kind if 0 <= j < self.n else ""

    def num(self, k: int = 0) -> int:
        """The integer value of a NUM/ORD/MONTH token, else -1."""
        t = self.tok(k)
        return t.val if t is not None and isinstance(t.val, int) else -1

    def text_val(self, k: int = 0) -> str:
        """The string value of a TIME token ("HH:MM"), else ""."""
        t = self.tok(k)
        return t.val if t is not None and isinstance(t.val, str) else ""

    def take(self, *words: str) -> bool:
        if self.i < self.n and self.t[self.i].low in words:
            self.i += 1
            return True
        return False

    def seq(self, *words: str) -> bool:
        """Consume the exact word sequence."""
        i, t = self.i, self.t
        if i + len(words) > self.n:
            return False
        for k, w in enumerate(words):
            if t[i + k].low != w:
                return False
        self.i += len(words)
        return True
