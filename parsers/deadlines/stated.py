"""Stated dates: a day, month, quarter, half-year or year, with qualifiers, ranges and times
("не позднее 29.07. 2019 г.", "с 28.08 по 06.09.2019", "15-16 марта", "III-IV квартал",
"Не ранее 04.07.2019 г. и не позднее 1800 часов 24.07.2019 г.")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from parsers.deadlines import counting, vocab
from parsers.deadlines.phrases import qualifier
from parsers.deadlines.pieces import Ctx, Cur, Win
from parsers.deadlines.tokens import DATE, MONTH, NUM, ORD, TIME, Tok


@dataclass(slots=True)
class Atom:
    """A stated calendar value before the year is known."""

    prec: str  # day / month / season / quarter / half / year / partial (day without month)
    d: int | None = None
    m: int | None = None
    y: int | None = None
    q: int | None = None  # quarter 1-4 or half 1-2
    edge: str | None = None  # "конца" → end, "начала" → start
    time: str | None = None
    yearless: bool = False
    roll: int = 0  # +1: the end of a yearless range that crosses new year


_YEAR_WORDS = frozenset({"г", "гг", "года", "году", "год"})
_SEASONS = {
    **dict.fromkeys(("весна", "весной", "весны"), 1),
    **dict.fromkeys(("лето", "летом", "лета"), 2),
    **dict.fromkeys(("осень", "осенью", "осени"), 3),
}  # winter spans two years: left to the text


def _year(c: Cur) -> int | None:
    """A four-digit year with its optional "г."/"года"."""
    t = c.tok()
    if t is None or t.kind != NUM or not t.low.isdigit() or not 1990 <= c.num() <= 2100:
        return None
    c.i += 1
    while c.low() in _YEAR_WORDS:
        c.i += 1
    c.take(".")
    return t.val if isinstance(t.val, int) else None


def atom(c: Cur) -> Atom | None:
    """A stated day ("07.09.2019", "6 сентября 2019 года", "01 марта"), month ("июль"),
    quarter ("II квартал 2021 г."), half-year, year ("2021 год"), or a partial day ("15" of
    "15-16 марта")."""
    i0 = c.i
    t = c.tok()
    if t is None:
        return None
    if t.kind == DATE and isinstance(t.val, tuple):
        d, m, y = t.val
        c.i += 1
        if y is None:
            y = _year(c)
        return Atom("day", d=int(d), m=int(m), y=y)
    edge = None
    if c.take("конца", "конец", "окончания"):
        edge = "end"
    elif c.take("начала", "начало"):
        edge = "start"
    t = c.tok()
    if t is None:
        c.i = i0
        return None
    if t.kind == NUM and isinstance(t.val, int) and 1 <= t.val <= 31 and c.kind(1) == MONTH:
        m = c.num(1)
        c.i += 2
        return Atom("day", d=t.val, m=m, y=_year(c), edge=edge)
    if t.kind == MONTH:
        m = c.num()
        c.i += 1
        return Atom("month", m=m, y=_year(c), edge=edge)
    if t.low in _SEASONS:  # "весна", "осенью": the calendar season's months
        c.i += 1
        return Atom("season", q=_SEASONS[t.low], y=_year(c), edge=edge)
    qn = _quarter_number(t)
    if qn is not None:
        j = 2 if c.low(1) in ("й", "го") else 1
        nxt = c.low(j)
        if nxt in ("—", "и") and (t2 := c.tok(j + 1)) is not None and _quarter_number(t2):
            nxt = c.low(j + 2)  # "III-IV квартал": the first of two joined quarters
            if nxt.startswith(("квартал", "полугоди")):
                c.i += j
                return Atom("quarter" if nxt.startswith("квартал") else "half", q=qn)
        if nxt.startswith("квартал") and 1 <= qn <= 4:
            c.i += j + 1
            return Atom("quarter", q=qn, y=_year(c), edge=edge)
        if nxt.startswith("полугоди") and 1 <= qn <= 2:
            c.i += j + 1
            return Atom("half", q=qn, y=_year(c), edge=edge)
    if t.low in ("года", "год") and (edge or (c.i and c.t[c.i - 1].low == "течение")):
        c.i += 1
        return Atom("year", edge=edge)
    y = _year(c)
    if y is not None and (c.t[c.i - 1].low in ("г", "гг", "года", "году", "год", ".")):
        return Atom("year", y=y, edge=edge)
    c.i = i0
    if (
        t.kind == NUM
        and isinstance(t.val, int)
        and 1 <= t.val <= 31
        and t.low.isdigit()
        and c.low(1) in ("—", "по", "до", "и", ",")
        and c.kind(2) in (NUM, DATE)
    ):
        c.i += 1
        return Atom("partial", d=t.val)
    return None


def _quarter_number(t: Tok) -> int | None:
    if t.low in vocab.ROMAN:
        return vocab.ROMAN[t.low]
    if t.kind in (NUM, ORD) and isinstance(t.val, int) and 1 <= t.val <= 4:
        return t.val
    return None


def resolve(a: Atom, year: int | None) -> tuple[date, date] | None:
    """First and last day of an atom; None when the year is unknown or the date impossible."""
    y = a.y
    if y is None:
        if year is None:
            return None
        y = year + a.roll
        a.yearless = True
    try:
        if a.prec == "day":
            s = e = date(y, a.m or 1, a.d or 1)
        elif a.prec == "month":
            s, e = date(y, a.m or 1, 1), counting.month_end(y, a.m or 1)
        elif a.prec == "quarter":
            q = a.q or 1
            s, e = date(y, 3 * q - 2, 1), counting.month_end(y, 3 * q)
        elif a.prec == "season":  # spring 3-5, summer 6-8, autumn 9-11
            m = 3 * (a.q or 1)
            s, e = date(y, m, 1), counting.month_end(y, m + 2)
        elif a.prec == "half":
            h = a.q or 1
            s, e = date(y, 6 * h - 5, 1), counting.month_end(y, 6 * h)
        elif a.prec == "year":
            s, e = date(y, 1, 1), date(y, 12, 31)
        else:
            return None
    except ValueError:
        return None
    if a.edge == "end":
        s = e
    elif a.edge == "start":
        e = s
    return s, e


_BY_WORDS = frozenset({"до", "по", "к"})
_FROM_WORDS = frozenset({"с", "со"})


def _stated_qual(c: Cur) -> str | None:
    q = qualifier(c)
    if q == "min":
        q = "from"
    elif q == "max":
        q = "by"
    if q is not None:
        c.take(*(("с", "со") if q == "from" else ("до",)))
        return q
    if c.seq("в", "срок", "до") or c.seq("срок", "до") or c.seq("в", "срок", "не", "позднее"):
        return "by"
    if c.take(*_BY_WORDS):
        return "by"
    if c.seq("начиная", "с") or c.seq("начиная", "со") or c.take(*_FROM_WORDS):
        return "from"
    if c.take("после"):
        return "after"
    if c.seq("в", "течение") or c.seq("в", "период") or c.seq("на", "период"):
        c.take("с", "со")
        return "from" if c.t[c.i - 1].low in ("с", "со") else "in"
    if c.take("в", "во", "на"):
        return "in"
    return None


def _pre_time(c: Cur) -> str | None:
    """A time standing before its date: "до 20 часов 07.09.2019", "до в 00 часов по местному
    времени 07.09.2019", "с 00 час. 07.09.2019"."""
    save = c.i
    c.take("в")
    if c.kind() == TIME:
        v = c.text_val()
        c.i += 1
        while c.low() in ("по", "местному", "времени", "местного", "московскому", "мск"):
            c.i += 1
        if c.kind() in (DATE, NUM, MONTH):
            return v
    c.i = save
    return None


def _post_times(c: Cur) -> tuple[str | None, str | None]:
    """Times after a date as (start, end): "до 18 часов" ends the day; "с 0800 до 2000
    часов", "7.00 – 7.30", "в 10:00", "после 20.00" and a bare "11.00" start (and end)."""
    save = c.i
    if c.take("до", "к") and c.kind() == TIME and c.kind(1) != DATE:
        t = c.text_val()
        c.i += 1
        return None, t
    c.i = save
    opener = c.low()
    from_ = c.take("с", "со") or not c.take("в", "после")  # "с 10.00 15 сентября" too
    if c.kind() == TIME and ((from_ and opener in ("с", "со")) or c.kind(1) != DATE):
        t1 = c.text_val()
        c.i += 1
        after = c.i
        if c.take("до", "—", "–", "-", "по") and c.kind() == TIME:
            t2 = c.text_val()
            c.i += 1
            return t1, t2
        c.i = after
        return t1, None
    c.i = save
    return None, None


def p_stated(c: Cur, ctx: Ctx) -> Win | None:
    """Stated dates with a qualifier: "не позднее 29.07.2019", "(н/п 17.06.2019)", "с 28.08 по
    06.09", "15-16 марта", "март-июнь", "I квартал", "не ранее D1 и не позднее 18:00 D2"."""
    i0 = c.i
    if c.i and c.t[c.i - 1].low == "от":  # "от 5 декабря 2012 г." names an act, not a deadline
        return None
    q = _stated_qual(c)
    t1 = _pre_time(c)
    a1 = atom(c)
    if a1 is None:
        c.i = i0
        return None
    a1.time = t1
    st1, et1 = _post_times(c)
    c.take("включительно")
    second = _second(c, q, a1) if q in (None, "from", "in") else None
    if a1.prec == "partial":  # "15" of "15-16 марта" takes month and year from "16 марта"
        if second is None or second[0].prec != "day":
            c.i = i0
            return None
        a1.prec, a1.m, a1.y = "day", second[0].m, a1.y or second[0].y
    win = Win("date", "stated", i0, c.i)
    a2 = second[0] if second else None
    if a2 is not None:
        _borrow_year(a1, a2)
    phrase = ctx.text[c.t[i0].start : c.t[c.i - 1].end]
    r1 = _resolved(a1, ctx, win, phrase)
    if second is not None and a2 is not None:
        r2 = _resolved(a2, ctx, win, phrase)
        win.kind = "range"
        win.start_s = r1[0] if r1 else None
        win.end_s = r2[1] if r2 else None
        # "10–12 сентября с 8 до 20 часов": hours after the whole span hold for each day
        win.start_time = a1.time or st1 or (second[1] if second[2] else None)
        win.end_time = a2.time or second[2] or second[1]
        return win
    s, e = r1 if r1 else (None, None)
    if q == "by":
        win.kind, win.end_s = "by", e
        win.end_time = a1.time or et1 or st1
    elif q in ("from", "after"):
        win.kind = "from"
        win.start_s = e + timedelta(days=1) if q == "after" and e is not None else s
        win.start_time = a1.time or st1
        win.end_time = et1
    else:
        win.kind = "date" if (a1.prec == "day" or a1.edge) else "range"
        win.start_s, win.end_s = s, e
        win.start_time = st1 or (a1.time if not et1 else None)
        win.end_time = et1
    return win


def _second(c: Cur, q: str | None, a1: Atom) -> tuple[Atom, str | None, str | None] | None:
    """The end of a stated range after its start: "— D2", "по D2", "до D2", "и не позднее D2",
    ", но не позднее 14 ч. 00 м. D2", or a second date right after the first."""
    save = c.i
    if a1.prec == "partial" and c.low() == ",":  # "6, 7 и 8 сентября": first to last
        while c.low() in (",", "и") and c.kind(1) == NUM and c.low(2) in (",", "и"):
            c.i += 2
        ok = c.take(",", "и")
    elif c.take("—", "по", "до"):
        ok = True
    elif (q == "from" or a1.prec == "partial") and c.take("и"):
        q2 = qualifier(c)
        if q2 is None:
            c.take("до", "по")
        ok = q2 in (None, "by")
    elif c.take(","):
        c.take("но", "и")
        ok = qualifier(c) == "by" or c.take("до", "по")
    else:
        ok = c.kind() in (DATE, MONTH) or (a1.prec == "quarter" and c.low() in vocab.ROMAN)
    if ok:
        t2 = _pre_time(c)
        a2 = atom(c)
        if a2 is not None and a2.prec != "partial":
            a2.time = t2
            st2, et2 = _post_times(c)
            c.take("включительно")
            return a2, st2, et2
    c.i = save
    return None


def _resolved(a: Atom, ctx: Ctx, win: Win, phrase: str) -> tuple[date, date] | None:
    """Dates of an atom; warnings for a missing year and for a yearless date before approval."""
    r = resolve(a, ctx.year)
    if r is None:
        win.warnings.append(f"NO_YEAR: {phrase}")
        return None
    ap = ctx.anchors.approval
    if a.yearless and ap is not None and r[0] < ap:
        win.warnings.append(
            f"DATE_BEFORE_APPROVAL: {r[0].isoformat()} is before the approval date {ap.isoformat()}"
        )
    return r


def _borrow_year(a1: Atom, a2: Atom) -> None:
    """ "июль-октябрь 2005 г.", "с 01.03 по 15.03.2021": the first borrows the second's year;
    yearless "ноябрь-февраль" rolls the end into the next year."""
    k1 = (a1.m or 1, a1.d or 1)
    k2 = (a2.m or 12, a2.d or 31) if a2.prec != "quarter" else (3 * (a2.q or 4), 31)
    if a1.prec == "quarter":
        k1 = (3 * (a1.q or 1) - 2, 1)
    if a1.y is None and a2.y is not None:
        a1.y = a2.y - 1 if k1 > k2 else a2.y
    elif a1.y is None and a2.y is None and k1 > k2:
        a2.roll = 1
