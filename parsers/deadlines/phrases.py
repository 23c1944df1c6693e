"""Shared sub-rules of the phrase families: qualifier, amount, direction, the event noun phrase,
and counting a relative rule from the anchors (:mod:`parsers.deadlines.counting`)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from parsers import morph
from parsers.deadlines import counting, vocab
from parsers.deadlines.pieces import Ctx, Cur, Rule, Win
from parsers.deadlines.tokens import AMT, DATE, MONTH, NUM, TIME, WORD
from schemas.anchors import Anchors


def qualifier(c: Cur) -> str | None:
    """ "не позднее [чем]" → by, "не ранее" → from, "не менее" → min, "не более" → max, …"""
    q: str | None = None
    w0, w1 = c.low(), c.low(1)
    if w0 == "не" and w1 in vocab.LATE:
        q, k = "by", 2
    elif w0 == "не" and w1 in vocab.EARLY:
        q, k = "from", 2
    elif w0 == "не" and w1 == "менее":
        q, k = "min", 2
    elif w0 == "не" and w1 == "более":
        q, k = "max", 2
    elif w0 == "н/п" or w0 in vocab.END_VERBS:
        q, k = "by", 1
    elif w0 == "н/р" or w0 in vocab.START_VERBS:
        q, k = "from", 1
    else:
        return None
    c.i += k
    c.take(",")
    c.take("чем")
    return q


def amount(c: Cur, elide: bool = False) -> tuple[int, str | None] | None:
    """N + unit ("10 дней", "двое суток", "5-дневный", "полгода", "месяца" = 1 month)."""
    t = c.tok()
    if t is None:
        return None
    if t.kind == AMT and isinstance(t.val, tuple):
        c.i += 1
        n, unit = t.val
        return int(n), str(unit)
    if t.kind == NUM and isinstance(t.val, int) and t.val <= 400:
        j = 1
        while c.low(j) in vocab.UNIT_FILLERS:
            j += 1
        unit = vocab.UNITS.get(c.low(j))
        if unit == "d" and any(c.low(k) in vocab.WORKING for k in range(1, j)):
            unit = "wd"  # "три рабочих дня"
        if unit:
            c.i += j + 1
            if c.low() == "." and c.t[c.i - 1].low in ("дн", "ч"):
                c.i += 1
            return t.val, unit
        if elide and c.low(1) in ("и", ",", "—"):
            c.i += 1
            return t.val, None
        return None
    unit = vocab.UNITS.get(t.low, "")
    if t.kind == WORD and (unit in ("w", "m", "y") or t.low in ("сутки", "суток")):
        c.i += 1  # "в течение месяца", "в течение суток": one unit
        return 1, unit
    return None


def direction(c: Cur) -> tuple[str, int] | None:
    """ "со дня" / "с момента" / "от" → from_day; "после [дня]" / "по завершении" → after_day;
    "до [дня]" / "предшествующих дню" → before. The second value shifts E ("следующего за")."""
    w0, w1 = c.low(), c.low(1)
    if w0 in ("со", "с") and w1 in ("дня", "даты", "момента", "дн", "дней"):
        c.i += 2
        c.take(",")
        return "from_day", following(c)
    if w0 == "с" and c.kind(1) == WORD and w1 not in vocab.NP_STOP:
        c.i += 1
        return "from_day", 0
    if w0 == "от" and c.kind(1) == WORD:
        c.i += 1
        c.take("дня", "даты")
        return "from_day", 0
    if w0 == "после":
        c.i += 1
        c.take("дня")
        c.take(",")
        return "after_day", following(c)
    if w0 == "по" and w1 in ("завершении", "окончании", "истечении", "получении", "поступлении"):
        c.i += 1
        if w1 in ("завершении", "окончании", "истечении"):
            c.i += 1
        return "after_day", 0
    if w0 in ("следующих", "следующие") and w1 == "за":
        c.i += 2
        c.take("днем", "днём", "датой")
        return "after_day", 0
    if w0 == "," and w1 in ("следующих", "следующие", "предшествующих", "предшествующие"):
        c.i += 1
        return direction(c)
    if w0 in ("предшествующих", "предшествующие"):
        c.i += 1
        c.take("дню", "дате", "дня")
        return "before", 0
    if w0 == "до":
        c.i += 1
        c.take(*vocab.DAY_WORDS)
        return "before", 0
    return None


def following(c: Cur) -> int:
    """ "следующего за днем" after "со дня," → +1."""
    if c.low() in ("следующего", "следующий") and c.low(1) == "за":
        c.i += 2
        c.take("днем", "днём", "датой", "днями")
        return 1
    return 0


_PREP_BEFORE_VALUE = frozenset({"с", "со", "по", "до", "к", "на", "в", "не", "н/п", "н/р"})
_VALUE_KINDS = frozenset({DATE, NUM, TIME, MONTH, AMT})
_NP_MAX = 14


def event(c: Cur, ctx: Ctx) -> tuple[str | None, str | None]:
    """The event noun phrase at the cursor → (anchor key, anchor text)."""
    t = c.t
    i0 = c.i
    words: list[str] = []
    while c.i < c.n:
        tk = t[c.i]
        w = tk.low
        if tk.kind in _VALUE_KINDS:  # a number or date ends the event's name
            break
        if w == "(":  # keep "(публикации)", "(досрочного голосования)"; stop before "(с 24.06)"
            j = c.i + 1
            while j < c.n and t[j].low != ")" and t[j].kind == WORD:
                j += 1
            if j < c.n and t[j].low == ")" and j > c.i + 1:
                words.extend(x.low for x in t[c.i : j + 1])
                c.i = j + 1
                continue
            break
        if w == "," and words and _clause_goes_on(c):
            words.append(w)
            c.i += 1
            continue
        if w in vocab.NP_STOP or w in (",", ".", ")"):
            break
        nxt = c.tok(1)
        if w in _PREP_BEFORE_VALUE and nxt is not None and nxt.kind in _VALUE_KINDS:
            break
        if w == "и" and (
            c.low(1) in ("не", "до", "по", "с", "со", "в", "во", "н/п", "н/р")
            or c.low(1) in vocab.START_VERBS
            or c.low(1) in vocab.END_VERBS
        ):
            break  # "… и оканчивается за 30 дней до …", "… и в день E": a second bound begins
        if w == "по" and (c.low(1) in vocab.ON_EVENT_BY or c.low(2) in vocab.ON_EVENT_BY):
            break
        words.append(w)
        c.i += 1
    if not words:
        return None, None
    key = vocab.classify_anchor(words)
    if key:
        return key, None
    last = min(c.i, i0 + _NP_MAX) - 1
    end = t[last].end
    text = ctx.text[t[i0].start : end]
    if text.count("«") > text.count("»"):  # a quoted name ends with its quote mark
        close = ctx.text.find("»", end)
        if close >= 0 and not ctx.text[end:close].strip():
            text = ctx.text[t[i0].start : close + 1]
    text = text.strip(" ,.;:—")
    return None, text or None


def _clause_goes_on(c: Cur) -> bool:
    """At a comma inside an event's name: does the name go on? Yes for a relative clause
    ("заседания, на котором …"), an attribute that agrees with the word before ("приема
    документов, необходимых для …") and a second noun of an enumeration ("выдвижения
    кандидата, областного списка кандидатов"); not for anything the grammar reads itself."""
    before, nxt = c.low(-1), c.low(1)
    if c.kind(1) != WORD or not nxt or nxt in vocab.NP_STOP:
        return False
    if nxt.startswith("котор") or (c.low(2).startswith("котор") and morph.is_pos(nxt, "PREP")):
        return True
    if nxt.startswith(("следующ", "предшествующ")) or nxt in vocab.ON_EVENT_BY:
        return False
    cases = {p.tag.case for p in morph.parses(before) if p.tag.POS in ("NOUN", "ADJF", "PRTF")}
    return any(
        p.tag.POS in ("ADJF", "PRTF", "NOUN") and p.tag.case in cases and p.tag.case != "nomn"
        for p in morph.parses(nxt)
    )


def anchor_date(key: str | None, ctx: Ctx) -> date | None:
    """The day of a known anchor, else None."""
    a = ctx.anchors
    if key == "publication":
        return a.publication
    if key == "voting_day":
        return a.voting_day
    if key == "voting_last":
        return a.voting_last_day or a.voting_day
    return None


def anchor_name(key: str | None, text: str | None, anchors: Anchors | None = None) -> str | None:
    """The ``anchor`` field: ``publication``, ``voting_day`` or the event's text. The last
    of several voting days is an event of its own (``voting_day`` is the first)."""
    if key == "publication":
        return "publication"
    if key == "voting_last" and anchors is not None and anchors.voting_last_day:
        return "последнего дня голосования"
    if key in ("voting_day", "voting_last"):
        return "voting_day"
    return _genitive(text) if text else text


@lru_cache(maxsize=8192)
def _genitive(text: str) -> str:
    """An event named as "the X of …" whatever case the phrase governed: "одновременно с
    выдвижением списка" and "при передаче протоколов" → "выдвижения списка", "передачи
    протоколов" (the form "со дня выдвижения списка" already has)."""
    return morph.inflect_phrase(text, "gent")


# --- counting a rule --------------------------------------------------------------------------


VOTING_HOURS = (8, 20)  # 67-ФЗ ст. 64 п. 1: from 8 to 20 o'clock local time, by default
_VOTING_EDGE = re.compile(r"^(?P<edge>окончани|начал)\w*\s+(?:времени\s+)?голосования", re.I)


def _voting_moment(text: str | None, ctx: Ctx) -> datetime | None:
    """When voting ends ("окончания времени голосования": the last voting day, 20:00) or
    begins ("начала голосования": the first, 08:00), if the plan names its voting days."""
    m = _VOTING_EDGE.match(text or "")
    if m is None:
        return None
    a = ctx.anchors
    ends = m["edge"].lower().startswith("оконч")
    day = (a.voting_last_day or a.voting_day) if ends else a.voting_day
    if day is None:
        return None
    return datetime.combine(day, time(VOTING_HOURS[1] if ends else VOTING_HOURS[0]))


def count(rule: Rule, ctx: Ctx, win: Win) -> None:
    """Fill ``win`` (kind, computed dates, anchor, offset, warnings) from ``rule``."""
    n, unit = rule.n, rule.unit or "d"
    e = anchor_date(rule.key, ctx)
    if e is not None and rule.shift:
        e = e + timedelta(days=rule.shift)
    win.anchor = anchor_name(rule.key, rule.text, ctx.anchors)
    sign = -1 if rule.shape == "before" or rule.mode == "before" else 1
    win.offset = None
    if unit in ("d", "w"):
        win.offset = sign * n * (7 if unit == "w" else 1)
    elif unit in ("m", "y"):
        win.warnings.append(f"OFFSET_MONTHS: {sign * n * (12 if unit == 'y' else 1)}")
    elif unit == "wd":
        win.warnings.append(f"OFFSET_WORKING_DAYS: {sign * n}")
    q = rule.qual
    if rule.shape == "within":
        win.kind = "range"  # "в трехдневный срок" with no event named: a window all the same
    elif rule.shape == "expire":
        win.kind = "from"
    elif q in ("by", "min", "max"):
        win.kind = "by"
    elif q == "from":
        win.kind = "from"
    else:
        win.kind = "date"
    moment = _voting_moment(rule.text, ctx) if unit == "h" else None
    if moment is not None:  # "за шесть часов до окончания времени голосования"
        at = moment + sign * timedelta(hours=n)
        win.kind = "by" if win.kind == "date" else win.kind
        if win.kind != "from":
            win.end_c, win.end_time = at.date(), at.strftime("%H:%M")
        if win.kind != "by":
            win.start_c, win.start_time = at.date(), at.strftime("%H:%M")
        win.warnings.append(
            f"ASSUMED_VOTING_HOURS: {VOTING_HOURS[0]:02d}:00–{VOTING_HOURS[1]:02d}:00"
        )
        return
    if unit == "h":
        win.warnings.append(f"HOURS_PERIOD: {n} часов")
        if n % 24 == 0:
            win.offset = sign * n // 24
        if win.kind == "date":
            win.kind = "by"
        return
    if e is None:
        return
    if rule.shape == "within":
        if rule.mode == "before":
            s, t = counting.within_before(e, n, unit)
            if rule.also_eday:
                t = e
        elif rule.mode == "after_day":
            s, t = counting.within_after(e, n, unit)
        else:
            s, t = counting.within_from(e, n, unit)
        win.start_c, win.end_c = s, t
        return
    d = counting.before(e, n, unit) if rule.shape == "before" else counting.after(e, n, unit)
    if win.kind in ("by",):
        win.end_c = d
    elif win.kind == "from":
        win.start_c = d
    else:
        win.start_c = win.end_c = d
