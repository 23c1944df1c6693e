"""Pieces → windows → :class:`Deadline`: merging, stated-versus-computed checks, caching."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from parsers.deadlines import vocab
from parsers.deadlines.grammar import scan
from parsers.deadlines.model import Deadline
from parsers.deadlines.phrases import count
from parsers.deadlines.pieces import Ctx, Win
from parsers.deadlines.tokens import Tok, clean, tokenize
from schemas.anchors import Anchors

_DATED = frozenset({"rule", "event", "stated"})
_WS = re.compile(r"\s+")
_HAS_CONTENT = re.compile(r"[0-9A-Za-zА-Яа-яЁё]")
_NOTHING = frozenset(
    {"нет", "не установлен", "не установлено", "не предусмотрено", "отсутствует",
     "в установленном порядке"}
)  # fmt: skip


def parse_deadline(text: str, anchors: Anchors) -> Deadline:
    """The deadline of one cell, counted from ``anchors`` (results cached per text + anchors)."""
    return _parse(_WS.sub(" ", text or "").strip(), anchors)


@lru_cache(maxsize=65536)
def _parse(text: str, anchors: Anchors) -> Deadline:
    body = clean(text)
    if not _HAS_CONTENT.search(body) or body.lower() in _NOTHING:
        return Deadline("none")
    toks = tokenize(body)
    ctx = Ctx(body, anchors, anchors.default_year)
    pieces = scan(toks, ctx)
    if not pieces:
        return Deadline("on_event", warnings=(f"UNRECOGNISED_DEADLINE: {body}",))
    windows = _consecutive_days(_windows(pieces, toks, ctx), toks)
    return _finish(windows, toks, ctx)


def _consecutive_days(windows: list[Win], toks: list[Tok]) -> list[Win]:
    """Stated days that follow one another, each with its own hours ("10 сентября – с 10 до
    20 часов, 11 и 12 сентября – с 8 до 20 часов"): one window over all of them."""
    out = [windows[0]]
    for w in windows[1:]:
        last = out[-1]
        first_day = w.start_s or w.end_s
        if (
            last.role == "stated"
            and w.role == "stated"
            and last.kind in ("date", "range")
            and w.kind in ("date", "range")
            and last.end_s is not None
            and first_day is not None
            and (first_day - last.end_s).days == 1
            and not _separated(toks, last.i1, w.i0)
        ):
            last.kind, last.end_s, last.end_time = "range", w.end_s or first_day, w.end_time
            last.i1 = w.i1
            continue
        out.append(w)
    return out


# --- merging ----------------------------------------------------------------------------------


def _separated(toks: list[Tok], i: int, j: int) -> bool:
    """Whether "а", "либо", "или", ";" stand between two pieces (alternative windows)."""
    return any(toks[k].low in vocab.HARD_SEPARATORS for k in range(i, j))


def _complete_elided(pieces: list[Win], ctx: Ctx) -> list[Win]:
    """A rule that leaves its unit or event to the next one ("за 20 и не позднее чем за 10
    дней до E", "начинается за 50 дней и оканчивается за 30 дней до E") borrows them, and
    the two become one window before anything else (a stated date) joins them."""
    out: list[Win] = []
    for b in pieces:
        a = out[-1] if out else None
        if a is None or a.rule is None or not a.rule.elided or b.rule is None or b.rule.elided:
            out.append(b)
            continue
        r = a.rule
        r.unit = r.unit or b.rule.unit
        r.mode, r.key, r.text, r.shift = b.rule.mode, b.rule.key, b.rule.text, b.rule.shift
        r.elided = False
        a.warnings = []
        count(r, ctx, a)
        merged = _merge(a, b, ctx)
        if merged is None:
            out.append(b)
        else:
            merged.i0, merged.i1 = a.i0, b.i1
            out[-1] = merged
    return out


def _windows(pieces: list[Win], toks: list[Tok], ctx: Ctx) -> list[Win]:
    """Adjacent pieces merged left to right into windows."""
    pieces = _complete_elided(pieces, ctx)
    out: list[Win] = []
    cur = pieces[0]
    for p in pieces[1:]:
        merged = None if _separated(toks, cur.i1, p.i0) else _merge(cur, p, ctx)
        if merged is None and _side_by_side(toks, cur.i1, p.i0) and _later_day(cur, p):
            merged = _span(cur, p)
        if merged is None:
            out.append(cur)
            cur = p
        else:
            merged.i0, merged.i1 = cur.i0, p.i1
            cur = merged
    out.append(cur)
    return out


def _sides(w: Win) -> tuple[bool, bool]:
    """Which bounds a window's kind gives: (start, end)."""
    return {"by": (False, True), "from": (True, False)}.get(w.kind, (True, True))


def _merge(a: Win, b: Win, ctx: Ctx) -> Win | None:
    """One window from two adjacent pieces, or None when ``b`` starts a new window."""
    if b.role == "time":
        if b.start_time and not a.start_time:
            a.start_time = b.start_time
        if b.end_time and not a.end_time:
            a.end_time = b.end_time
            a.day_open = b.kind == "time_by" and a.kind in ("range", "by")
        return a
    if a.day_open and b.kind == "date" and b.role in _DATED:
        # "в течение 10 дней до дня голосования, но не позднее 14 часов в день голосования"
        a.end_c, a.end_s, a.day_open = b.end_c or b.start_c, b.end_s or b.start_s, False
        return a
    if a.role == "time" and b.role in _DATED:
        b.start_time = b.start_time or a.start_time
        b.end_time = b.end_time or a.end_time
        if a.kind == "time_by" and b.kind == "date":  # "не позднее 14 часов в день голосования"
            b.kind = "by"
        return b
    if a.role == "cond" and b.role in ("cond", *_DATED, "keyword"):
        if b.role == "cond" and b.anchor is None:
            b.anchor = a.anchor
        b.warnings = a.warnings + b.warnings
        return b if b.role != "cond" else a
    if b.role == "cond":
        return a
    if a.role == "keyword" or b.role == "keyword":
        kw, dated = (a, b) if a.role == "keyword" else (b, a)
        if dated.role == "keyword":  # two keywords: the one that says how often
            return b if a.recurrence is None and b.recurrence is not None else a
        if kw.kind in ("separate_plan", "ongoing"):  # "3 сентября … по графику": the date
            dated.warnings += kw.warnings  # is the deadline, the schedule a detail
            return dated
        _take_bounds(kw, dated)
        return kw
    if b.role == "stated" and a.role in _DATED and _confirm(a, b):
        return a
    if a.role == "stated" and b.role in ("rule", "event") and _confirm(b, a):
        return b  # "24.07.2024 (не позднее чем за 45 дней до дня голосования)"
    hour_waits_for_day = a.kind == "from" and a.end_time and a.end_s is None and a.end_c is None
    if hour_waits_for_day and b.role == "stated" and b.kind == "date":  # "с D1 до 0 часов D2"
        a.kind, a.end_s = "range", b.start_s
        return a
    if (
        a.kind in ("range", "by")
        and b.kind == "by"
        and b.rule is not None
        and b.rule.unit == "h"
        and b.end_c is not None
    ):  # "в течение 10 дней до дня голосования, но не позднее чем за шесть часов до
        # окончания времени голосования": the hours rule moves the end
        a.end_c, a.end_time = b.end_c, b.end_time
        a.warnings += b.warnings
        return a
    if a.kind == "from" and b.kind == "by" and a.end_c is None and a.end_s is None:
        a.kind = "range"
        a.end_c, a.end_s, a.end_time = b.end_c, b.end_s, b.end_time or a.end_time
        if a.anchor is None:
            a.anchor, a.offset = b.anchor, b.offset
        a.warnings += b.warnings
        return a
    return None


def _side_by_side(toks: list[Tok], i1: int, i0: int) -> bool:
    """Nothing but brackets between two pieces (no comma, no "и", no word)."""
    return all(t.low in ("(", ")") for t in toks[i1:i0])


def _span(a: Win, b: Win) -> Win:
    """Two days side by side as one window's start and end, as a plan with "начало" /
    "окончание" columns gives them ("за 10 дней до дня голосования (30.08) 10.09")."""
    a.kind = "range"
    a.end_c, a.end_s = b.end_c or b.start_c, b.end_s or b.start_s
    a.end_time = b.end_time or b.start_time
    a.warnings += b.warnings
    return a


def _later_day(a: Win, b: Win) -> bool:
    """Both pieces are one day each and ``b``'s comes later."""
    if a.kind != "date" or b.kind != "date" or b.role not in _DATED:
        return False
    first = a.end_s or a.end_c or a.start_s or a.start_c
    second = b.start_s or b.start_c or b.end_s or b.end_c
    return first is not None and second is not None and second > first


def _confirm(a: Win, b: Win) -> bool:
    """A stated piece beside a rule or a stated date: fill the open side(s) of ``a``."""
    a_start, a_end = _sides(a)
    if b.kind == "by":
        give = (False, True)
    elif b.kind == "from":
        give = (True, False)
    elif b.kind == "range":
        give = (True, True)
    else:  # one stated day: it is the side the rule gives
        give = (a_start, a_end) if a.kind != "range" else (False, True)
    if a.role == "stated" and not (a.kind == "from" and give == (False, True)):
        return False
    if (give[0] and a.start_s is not None) or (give[1] and a.end_s is not None):
        return False
    if a.kind == "by" and give == (True, False):
        return False
    if give[0]:
        a.start_s = b.start_s if b.kind != "by" else b.end_s
        a.start_time = a.start_time or b.start_time
    if give[1]:
        a.end_s = b.end_s if b.kind not in ("from",) else b.start_s
        if b.kind == "date" and b.end_s is None:
            a.end_s = b.start_s
        a.end_time = a.end_time or b.end_time
    if b.kind == "date" and a.kind == "date" and b.start_time and not a.start_time:
        a.start_time = b.start_time
    if (give[0] and not a_start) or (give[1] and not a_end) or b.kind == "range":
        a.kind = "range"
    elif a.kind == "date" and a.role == "rule" and b.kind in ("from", "by"):
        a.kind = b.kind  # a bare "за N дней до E (с D)": the stated form gives the direction
        if a.kind == "from":  # and the open side is open
            a.end_c = a.end_s = None
        else:
            a.start_c = a.start_s = None
    a.warnings += b.warnings
    return True


def _take_bounds(kw: Win, dated: Win) -> None:
    """A keyword window ("ежемесячно", "периодически") takes the bounds of a dated piece."""
    for f in ("start_c", "end_c", "start_s", "end_s", "start_time", "end_time"):
        if getattr(kw, f) is None:
            setattr(kw, f, getattr(dated, f))
    kw.anchor = kw.anchor or dated.anchor
    kw.offset = kw.offset if kw.offset is not None else dated.offset
    kw.warnings += dated.warnings


# --- the result -------------------------------------------------------------------------------


def _finish(windows: list[Win], toks: list[Tok], ctx: Ctx) -> Deadline:
    """The first window fills the fields; the rest of the cell goes to ``SECONDARY_WINDOW``."""
    w = windows[0]
    warnings = list(w.warnings)
    if w.kind in ("time", "time_by"):  # "до 18 часов" alone
        w.kind = "by"
    if ctx.anchors.rules_win:  # re-anchored: the rule's dates replace the old stated ones
        start = w.start_c or w.start_s
        end = w.end_c or w.end_s
    else:
        start = w.start_s or w.start_c
        end = w.end_s or w.end_c
    if w.kind == "date":
        start = start or end
        end = end or start
        if start != end:  # a day whose stated and computed values differ stays one window
            w.kind = "range"
    elif w.kind == "by":
        start = None
    elif w.kind == "from":
        end = None
    sources = []
    for c, s in ((w.start_c, w.start_s), (w.end_c, w.end_s)):
        if s is not None and c is not None:
            if s != c and ctx.anchors.rules_win:
                warnings.append(
                    f"REANCHORED: rule gives {c.isoformat()}, text says {s.isoformat()}"
                )
                sources.append("computed")
            elif s != c:
                warnings.append(
                    f"STATED_DATE_MISMATCH: rule gives {c.isoformat()}, text says {s.isoformat()}"
                )
                sources.append("mismatch")
            else:
                sources.append("both")
        elif s is not None:
            sources.append("stated")
        elif c is not None:
            sources.append("computed")
    if start is None and end is None:
        source = None
    elif "mismatch" in sources:
        source = "stated"
    elif "both" in sources:
        source = "both"
    elif "stated" in sources and "computed" not in sources:
        source = "stated"
    else:
        source = "computed" if sources else None
    warnings += _year_warnings(w, start, end, ctx)
    if len(windows) > 1:
        rest = ctx.text[toks[w.i1 - 1].end :].strip(" ,;.—:")
        if rest:
            warnings.append(f"SECONDARY_WINDOW: {rest}")
    return Deadline(
        kind=w.kind,
        start=start,
        end=end,
        start_time=w.start_time,
        end_time=w.end_time,
        anchor=w.anchor,
        offset_days=w.offset,
        recurrence=w.recurrence,
        date_source=source,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _year_warnings(w: Win, start: date | None, end: date | None, ctx: Ctx) -> list[str]:
    """Stated years that are obviously wrong: a reversed range, a date a year off every anchor."""
    out: list[str] = []
    if start and end and start > end:
        out.append(
            f"SUSPICIOUS_YEAR: the range starts {start.isoformat()} after it ends {end.isoformat()}"
        )
    a = ctx.anchors
    refs = [d for d in (a.publication, a.voting_day, a.voting_last_day, a.approval) if d]
    if not refs:
        return out
    years = {r.year for r in refs}

    def gap(d: date) -> int:
        return min(abs((d - r).days) for r in refs)

    for d in (w.start_s, w.end_s):
        if d is None or d.year in years or gap(d) <= 180:
            continue
        for y in sorted(years):
            if abs(d.year - y) != 1:
                continue
            try:
                moved = d.replace(year=y)
            except ValueError:
                continue
            if gap(moved) <= 60:
                out.append(
                    f"SUSPICIOUS_YEAR: {d.isoformat()} is a year away from every "
                    f"anchor (perhaps {moved.isoformat()})"
                )
                break
    return out
