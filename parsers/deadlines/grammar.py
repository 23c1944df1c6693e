"""Phrase families of deadline language as small composable token rules.

Each family is a function ``p_*(cur, ctx) -> Win | None`` that either consumes a phrase at the
cursor and returns a *piece* (a partial window: rule, stated date, event day, keyword, time,
condition) or leaves the cursor where it was. :func:`scan` walks the tokens and collects the
pieces; :mod:`parsers.deadlines.engine` merges them into windows.

The families share the sub-rules of :mod:`parsers.deadlines.phrases` (qualifier, amount,
direction, event noun phrase); stated dates are :mod:`parsers.deadlines.stated`.
"""

from __future__ import annotations

from datetime import timedelta

from parsers.deadlines import vocab
from parsers.deadlines.phrases import (
    amount,
    anchor_date,
    anchor_name,
    count,
    direction,
    event,
    following,
    qualifier,
)
from parsers.deadlines.pieces import Ctx, Cur, Rule, Win
from parsers.deadlines.stated import p_stated
from parsers.deadlines.tokens import AMT, NUM, ORD, PUNCT, TIME, WORD, Tok

# --- families ---------------------------------------------------------------------------------


def p_rule(c: Cur, ctx: Ctx) -> Win | None:
    """Relative rules: "не позднее чем за N дней до E", "через N дней со дня E", "на пятый день
    после E", "в течение N дней со дня E", "в N-дневный срок", "по истечении N дней"…"""
    i0 = c.i
    term = c.seq("в", "срок")  # "в срок не позднее …", "в срок 10 дней со дня …"
    q = qualifier(c)
    w = c.low()
    rule: Rule | None = None
    if w == "за":
        c.i += 1
        amt = amount(c, elide=True)
        if amt:
            rule = _tail(c, ctx, Rule(q, "before", amt[0], amt[1]), need="before")
    elif w in ("через", "спустя"):
        c.i += 1
        amt = amount(c, elide=True)
        if amt:
            rule = _tail(c, ctx, Rule(q, "after", amt[0], amt[1]), need="after")
    elif (
        w == "на"
        and c.kind(1) in (ORD, NUM)
        and c.low(2) in ("день", "сутки", "дня", "после", "со", "с", "от")
    ):
        n = c.num(1)
        c.i += 2
        c.take("день", "сутки", "дня")
        rule = _tail(c, ctx, Rule(q, "ord", n, "d"), need="after")
    elif q and c.kind() == ORD and c.low(1) in ("дня", "день", "суток"):
        n = c.num()
        c.i += 2
        rule = _tail(c, ctx, Rule(q, "ord", n, "d"), need="after")
    elif (
        (w == "в" and c.low(1) == "течение")
        or (w == "в" and c.kind(1) == AMT and c.low(2) == "срок")
        or (term and q is None and c.kind() in (NUM, AMT))
    ):
        if w == "в":
            c.i += 1
        c.take("течение")
        bare = c.kind() == WORD
        amt = amount(c)
        if amt:
            c.take("срок", "срока")
            rule = _tail(c, ctx, Rule(q, "within", amt[0], amt[1]), need="within")
            if rule is not None and bare and rule.mode is None:
                rule = None
    elif w == "по" and c.low(1) == "истечении":
        c.i += 2
        amt = amount(c)
        if amt:
            rule = _tail(c, ctx, Rule(q, "expire", amt[0], amt[1]), need="after")
    elif q and c.kind() in (NUM, AMT):
        amt = amount(c)
        if amt:
            rule = _tail(c, ctx, Rule(q, "after", amt[0], amt[1]), need="any", strict=True)
    elif q is None and c.kind() == AMT and c.low(1) == "срок":  # "5-дневный срок со дня"
        amt = amount(c)
        c.i += 1
        if amt:
            rule = _tail(c, ctx, Rule(q, "within", amt[0], amt[1]), need="within")
    if rule is None:
        c.i = i0
        return None
    win = Win("date", "rule", i0, c.i, rule=rule)
    count(rule, ctx, win)
    return win


def _tail(c: Cur, ctx: Ctx, rule: Rule, need: str, strict: bool = False) -> Rule | None:
    """Direction and event after the amount; elided ones ("за 20 и …") stay incomplete."""
    if rule.unit is None:
        rule.elided = True
        return rule
    save = c.i
    d = direction(c)
    if d is None:
        if need == "within":
            return rule  # "в трехдневный срок": no anchor named
        if c.low() in ("и", ",") and (
            c.low(1) in ("не", "но", "н/п", "н/р") or c.low(1) in vocab.END_VERBS
        ):  # "за 20 и не позднее чем за 10 дней", "начинается за 50 и оканчивается за 30 дней"
            rule.elided = True
            return rule
        return None
    mode, shift = d
    if (need == "before" and mode != "before") or (need == "after" and mode == "before"):
        c.i = save
        return None
    if need == "any" and mode == "before":
        rule.shape = "before"
    rule.mode, rule.shift = mode, shift
    rule.key, rule.text = event(c, ctx)
    if strict and rule.key is None and rule.text is None:
        c.i = save
        return None
    if need == "within" and mode == "before":  # "…, а также в день E", "… и в день E"
        save = c.i
        if (c.seq(",", "а", "также") or c.seq("а", "также") or c.take("и")) and (
            c.take("в") and c.take("день", "дни")
        ):
            k2, _ = event(c, ctx)
            rule.also_eday = bool(k2) and k2 == rule.key
        if not rule.also_eday:
            c.i = save
    return rule


def _neighbour_day(c: Cur) -> int:
    """After "дня": ", предшествующего" → −1, ", следующего за" → +1 (cursor moved past)."""
    save = c.i
    c.take(",")
    if c.take("предшествующего", "предшествующий"):
        return -1
    if c.take("следующего", "следующий"):
        c.take("за")
        c.take("днем", "днём", "датой")  # "следующего за днем E": the event is E
        return 1
    c.i = save
    return 0


def p_eventday(c: Cur, ctx: Ctx) -> Win | None:
    """ "в день E", "накануне E", "в день, предшествующий дню E", "со дня E", "до дня E",
    "по день E" (inclusive), "одновременно с E"."""
    i0 = c.i
    w = c.low()
    shift, kind = 0, "date"
    last = days = False
    q = qualifier(c)
    if q is not None:
        bound = _event_day_bound(c, ctx, q, i0) if q in ("by", "from") else None
        if bound is None:
            c.i = i0
        return bound
    if w == "накануне":
        c.i += 1
        c.take(*vocab.DAY_WORDS)
        shift = -1
    elif w in ("в", "на"):
        c.i += 1
        c.take("течение")
        last = c.low() in ("последний", "последние")
        c.take("первый", "последний", "первые", "последние")
        days = c.low() == "дни"
        if c.take("следующий") and c.take("день") and c.take("после"):
            c.take("дня")
            shift = 1
        elif c.take("день", "дня", "дни"):
            c.take(",")
            if c.take("предшествующий", "предшествующего"):
                c.take("дню", "дня", "дате")
                shift = -1
            elif c.take("следующий", "следующего"):
                c.take("за")
                c.take("днем", "днём", "датой", "дня")
                shift = 1
        else:
            c.i = i0
            return None
    elif w in ("со", "с", "начиная") and (
        c.low(1) in ("дня", "момента", "даты")
        or (w == "начиная" and c.low(2) in ("дня", "момента", "даты"))
    ):
        c.i += 1
        c.take("с", "со")
        c.i += 1
        c.take(",")
        shift = following(c)
        kind = "from"
    elif w == "до" and (
        c.low(1) in ("дня", "даты", "дату")
        or (c.low(1) in ("первого", "последнего") and c.low(2) in ("дня", "даты"))
    ):
        c.i += 2 if c.low(1) in ("дня", "даты", "дату") else 1
        kind = "by"
        shift = -1
    elif w == "по" and c.low(1) in ("день", "дату"):  # "с 7 сентября по день голосования"
        c.i += 2
        kind = "by"
    elif w in ("к", "ко") and c.low(1) in ("дню", "дате"):  # "ко дню голосования"
        named = ctx.text[c.t[c.i + 1].start].isupper()  # "ко Дню молодого избирателя"
        c.i += 2
        kind = "by"
        if named:
            key, text = event(c, ctx)
            if text:
                return Win("by", "event", i0, c.i, anchor=f"Дня {text}")
            c.i = i0
            return None
    elif w == "одновременно" and c.low(1) in ("с", "со"):
        c.i += 2
    else:
        return None
    key, text = event(c, ctx)
    if key is None and text is None:
        c.i = i0
        return None
    if last and key == "voting_day":
        key = "voting_last"
    if kind == "by" and c.take("включительно"):
        shift = 0
    name = anchor_name(key, text, ctx.anchors)
    win = Win(kind, "event", i0, c.i, anchor=name, offset=shift or None)
    if w == "до":
        win.offset = None
    e = anchor_date(key, ctx)
    if w == "одновременно" and e is None:
        win.kind, win.role, win.offset = "on_event", "cond", None
        return win
    if e is not None:
        d = e + timedelta(days=shift)
        if kind == "from":
            win.start_c = d
        elif kind == "by":
            win.end_c = d
        else:
            win.start_c = win.end_c = d
            if days and key == "voting_day" and ctx.anchors.voting_last_day:
                win.kind, win.end_c = "range", ctx.anchors.voting_last_day
    return win


_ONGOING_HEADS = (
    ("в", "течение"),
    ("в", "период"),
    ("на", "протяжении"),
    ("в", "ходе"),
    ("во", "время"),
    ("весь",),
    ("в", "продолжение"),
)
_ONGOING_FIRST = frozenset(h[0] for h in _ONGOING_HEADS)


def p_ongoing(c: Cur, ctx: Ctx) -> Win | None:
    """ "постоянно", "весь период", "в течение избирательной кампании"."""
    i0 = c.i
    if c.take("постоянно", "постоянный", "постоянная", "круглогодично", "бессрочно", "всегда"):
        return Win("ongoing", "keyword", i0, c.i)
    if c.low() not in _ONGOING_FIRST:
        return None
    for head in _ONGOING_HEADS:
        if c.seq(*head):
            look = [c.low(k) for k in range(3)]
            if head == ("весь",) and look[0] in ("период", "срок", "год", "избирательный"):
                c.i += 1
                event(c, ctx)
                return Win("ongoing", "keyword", i0, c.i)
            if head == ("в", "течение") and look[0] in ("года", "год") and not look[1]:
                c.i += 1  # "в течение года" of a yearly plan: all of it
                return Win("ongoing", "keyword", i0, c.i)
            whole = look[0].startswith(("всего", "всей", "весь"))
            campaign = any(x.startswith(vocab.CAMPAIGN_WORDS) for x in look if x)
            if (whole or campaign) and look[0] not in ("с", "со", "до", "по"):
                event(c, ctx)
                return Win("ongoing", "keyword", i0, c.i)
            c.i = i0
    return None


_EVERY = frozenset({"каждый", "каждую", "каждое", "каждые", "каждого", "каждой"})


def p_recurring(c: Cur, ctx: Ctx) -> Win | None:
    """ "ежемесячно", "еженедельно по средам", "2 раза в месяц", "каждый понедельник",
    "каждые 2 недели", "не позднее 10 числа каждого месяца", "периодически"."""
    i0 = c.i
    w, w1 = c.low(), c.low(1)
    warn: list[str] = []
    rrule: str | None
    nth = _nth_weekday(c)
    if nth is not None and c.low(-1) == "месяца":  # "в первый вторник каждого месяца"
        return Win("recurring", "keyword", i0, c.i, recurrence=f"FREQ=MONTHLY;BYDAY={nth}")
    c.i = i0
    if w in vocab.RECUR_ADVERBS:
        c.i += 1
        rrule = vocab.RECUR_ADVERBS[w]
    elif (w in _EVERY or (w == "по" and w1.endswith(("ам", "ям")))) and w1 in vocab.WEEKDAYS:
        rrule = "FREQ=WEEKLY"  # the weekday itself is read below
    elif w in _EVERY:
        c.i += 1
        n = 1
        if c.kind() == NUM:
            n = c.num()
            c.i += 1
        u = vocab.UNITS.get(c.low(), "h")
        if u == "h":
            c.i = i0
            return None
        c.i += 1
        rrule = f"FREQ={vocab.UNIT_FREQ[u]}" + (f";INTERVAL={n}" if n > 1 else "")
    elif w in ("в", "по") and w1 in ("рабочие", "рабочим") and c.low(2) in ("дни", "дням"):
        c.i += 3
        rrule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    elif w in ("раз", "раза") or (c.kind() == NUM and w1 in ("раз", "раза")):
        rrule = _times_per(c, warn)
        if rrule is None:
            c.i = i0
            return None
    else:
        dom = _day_of_month(c)
        if dom is None:
            return None
        return Win("recurring", "keyword", i0, c.i, recurrence=f"FREQ=MONTHLY;BYMONTHDAY={dom}")
    save = c.i
    nth = _nth_weekday(c)
    if nth is not None:  # "ежемесячно, в первый вторник месяца" → BYDAY=1TU
        rrule = f"FREQ=MONTHLY;BYDAY={nth}"
    elif _weekday_ahead(c):  # "еженедельно, по четвергам"
        days = [vocab.WEEKDAYS[c.low()]]
        c.i += 1
        while c.low() in (",", "и") and c.low(1) in vocab.WEEKDAYS:
            days.append(vocab.WEEKDAYS[c.low(1)])
            c.i += 2
        base = rrule if rrule and "WEEKLY" in rrule else "FREQ=WEEKLY"
        rrule = f"{base};BYDAY={','.join(days)}"
    else:
        c.i = save
        dom = _day_of_month(c)
        if dom is not None and rrule and "MONTHLY" in rrule and "BYMONTHDAY" not in rrule:
            rrule += f";BYMONTHDAY={dom}"
        elif dom is not None and rrule is None:
            rrule = f"FREQ=MONTHLY;BYMONTHDAY={dom}"
        elif dom is not None:
            c.i = save
    win = Win("recurring", "keyword", i0, c.i, recurrence=rrule)
    win.warnings.extend(warn)
    return win


def _weekday_ahead(c: Cur) -> bool:
    """ "[,(] по / каждый / в <weekday>": the cursor moves to the weekday (else stays)."""
    save = c.i
    c.take(",", "(")
    if c.take("по", "каждый", "каждую", "каждое", "в", "во") and c.low() in vocab.WEEKDAYS:
        return True
    c.i = save
    return False


_NTH = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4, "последн": -1}


def _nth_weekday(c: Cur) -> str | None:
    """ "[,] в первый вторник [каждого] месяца", "в последнюю пятницу месяца" → "1TU",
    "-1FR" (RFC 5545 BYDAY with an ordinal); the cursor moves past it."""
    save = c.i
    c.take(",", "(")
    if c.take("в", "во", "каждый", "каждую", "каждое"):
        nths: list[int] = []
        while (n := _nth(c.low())) is not None:  # "второй и четвертый вторник"
            nths.append(n)
            c.i += 1
            if c.low() in ("и", ",") and _nth(c.low(1)) is not None:
                c.i += 1
        if nths and c.low() in vocab.WEEKDAYS:
            code = vocab.WEEKDAYS[c.low()]
            c.i += 1
            c.take("каждого", "текущего")
            c.take("месяца")
            return ",".join(f"{n}{code}" for n in nths)
    c.i = save
    return None


def _nth(word: str) -> int | None:
    if word in vocab.WEEKDAYS:  # "вторник" is not "второй"
        return None
    return next((v for stem, v in _NTH.items() if word.startswith(stem)), None)


def _times_per(c: Cur, warn: list[str]) -> str | None:
    """ "[N] раз(а) в [M] <period>" → RRULE; N > 1 is reported as a count."""
    times = 1
    if c.kind() == NUM:
        times = c.num()
        c.i += 1
    c.i += 1
    if not c.take("в"):
        return None
    n = 1
    if c.kind() == NUM:
        n = c.num()
        c.i += 1
    p = c.low()
    if p in vocab.PERIOD_FREQ:
        freq, mult = vocab.PERIOD_FREQ[p]
    elif vocab.UNITS.get(p, "h") != "h":
        freq, mult = vocab.UNIT_FREQ[vocab.UNITS[p]], 1
    else:
        return None
    c.i += 1
    interval = mult * n
    if times > 1:
        warn.append(
            f"RECURRENCE_COUNT: {times} times per FREQ={freq}"
            + (f";INTERVAL={interval}" if interval > 1 else "")
        )
    return f"FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")


def _day_of_month(c: Cur) -> int | None:
    """ "[до|не позднее|к] 10 числа [каждого месяца]" → 10."""
    save = c.i
    c.take(",")
    if not qualifier(c):
        c.take("до", "к")
    if c.kind() in (NUM, ORD) and c.low(1) in ("числа", "число") and 1 <= c.num() <= 31:
        v = c.num()
        c.i += 2
        if c.low() in ("каждого", "месяца", "текущего", "следующего"):
            c.take("каждого", "текущего")
            c.take("месяца")
        return v
    c.i = save
    return None


_SET_BY = ("установлен", "определен", "определён", "утвержден", "утверждён", "предусмотрен")


def p_separate(c: Cur, ctx: Ctx) -> Win | None:
    """ "по отдельному плану", "согласно графику", "в соответствии с планом", "в сроки,
    установленные комиссией" (the timing is fixed elsewhere)."""
    i0 = c.i
    if c.seq("в", "сроки") or c.seq("в", "срок"):
        c.take(",")
        if c.low().startswith(_SET_BY) and c.kind(1) == WORD:
            c.i += 1
            event(c, ctx)
            return Win("separate_plan", "keyword", i0, c.i)
        c.i = i0
        return None
    if not (c.take("по", "согласно", "отдельным", "отдельному") or c.seq("в", "соответствии", "с")):
        return None
    for _ in range(3):
        w = c.low()
        if w.startswith(vocab.PLAN_WORDS):
            c.i += 1
            event(c, ctx)
            return Win("separate_plan", "keyword", i0, c.i)
        if c.kind() != WORD or w in vocab.NP_STOP:
            break
        c.i += 1
    c.i = i0
    return None


def p_on_event(c: Cur, ctx: Ctx) -> Win | None:
    """ "незамедлительно [после E]", "сразу после E", "по запросу", "по мере …", "после E",
    "до начала E", "при E", "в случае E", "в соответствии с Порядком"."""
    i0 = c.i
    w, w1 = c.low(), c.low(1)
    named = True
    if w in vocab.ON_EVENT_ADVERBS:
        c.i += 1
        c.take(",")
        if c.low() == "по" and c.low(1) in vocab.ON_EVENT_BY:
            c.i += 2 if c.low(1) == "мере" else 1  # the noun names the event
        elif not c.take("после", "при"):
            named = c.seq("с", "момента")
            if not named:
                return Win("on_event", "cond", i0, c.i)
        c.take("дня")
    elif w == "после" or (w in ("при", "до") and c.kind(1) == WORD):
        c.i += 1
        c.take("дня")
        named = w1 not in vocab.ON_EVENT_BY
    elif w == "по" and (w1 in vocab.ON_EVENT_BY or c.low(2) in vocab.ON_EVENT_BY):
        # the event is the noun itself: "по указанию комиссии" → "указания комиссии";
        # "по мере X" → X
        c.i += 2 if w1 == "мере" else 1 if w1 in vocab.ON_EVENT_BY else 2
    elif c.seq("в", "соответствии", "с") or c.take("согласно"):
        named = False
    elif c.seq("в", "случае") or c.seq("в", "ходе") or c.seq("во", "время"):
        pass
    elif c.seq("в", "установленные", "сроки") or c.seq("в", "установленный", "срок"):
        return Win("on_event", "cond", i0, c.i)
    else:
        return None
    key, text = event(c, ctx)
    kind = "by" if w == "до" else "on_event"  # "до начала E": not later than an undated E
    return Win(kind, "cond", i0, c.i, anchor=anchor_name(key, text, ctx.anchors) if named else None)


def p_time(c: Cur, ctx: Ctx) -> Win | None:
    """A time of day without a date: "до 18 часов", "с 8 до 20 часов", "7.00 – 7.30". A
    time that bounds nothing ("11.00", "в 10 часов", "после 20.00") is when it starts."""
    i0 = c.i
    q = qualifier(c)
    if q is None and c.take("до", "к", "по"):
        q = "by"
    elif q is None and c.take("с", "со", "после"):
        q = "from"
    elif q is None:
        q = "at"
    c.take("в")
    bare_hour = (  # "с 8 до 20 часов": the first hour borrows the unit of the second
        q == "from"
        and c.kind() == NUM
        and c.low(1) in ("до", "—", "по")
        and c.kind(2) == TIME
        and 0 <= c.num() <= 24
    )
    if c.kind() != TIME and not bare_hour:
        c.i = i0
        return None
    t1 = f"{c.num():02d}:00" if bare_hour else c.text_val()
    c.i += 1
    win = Win("time_by" if q == "by" else "time", "time", i0, c.i)
    if q == "at" and c.low() in vocab.DAY_WORDS:  # "в ноль часов дня, предшествующего дню E":
        q = "by"  # the moment a period ends
    if q in ("from", "at"):
        win.start_time = t1
        save = c.i
        if c.take("до", "—", "–", "-", "по") and c.kind() == TIME:
            win.end_time = c.text_val()
            c.i += 1
        else:
            c.i = save
    else:
        win.end_time = t1
        day = _event_day_bound(c, ctx, "by", i0)  # "до 24 часов дня, предшествующего дню E"
        if day is not None:
            day.end_time = t1
            return day
    win.i1 = c.i
    return win


def _event_day_bound(c: Cur, ctx: Ctx, q: str, i0: int) -> Win | None:
    """After a bound ("не позднее", "до 24 часов"): "[дня[, предшествующего]] E" → that day
    as the ``q`` ("by" / "from") bound (cursor moved past), else None (cursor kept). A bare
    event needs a known anchor; after "дня" any named event will do."""
    save = c.i
    day = c.take(*vocab.DAY_WORDS)
    shift = _neighbour_day(c) if day else 0  # "не позднее дня, предшествующего дню E"
    key, text = event(c, ctx)
    if key is None and not (day and text):
        c.i = save
        return None
    win = Win(q, "event", i0, c.i, anchor=anchor_name(key, text, ctx.anchors), offset=shift or None)
    e = anchor_date(key, ctx)
    if e is not None:
        e += timedelta(days=shift)
        if q == "by":
            win.end_c = e
        else:
            win.start_c = e
    return win


# --- scanning ---------------------------------------------------------------------------------

FAMILIES = (p_ongoing, p_recurring, p_separate, p_rule, p_eventday, p_stated, p_time, p_on_event)
_START_PUNCT = frozenset({",", ".", ";", "(", ")", "—", ":"})


def scan(toks: list[Tok], ctx: Ctx) -> list[Win]:
    """All pieces of a cell in order."""
    c = Cur(toks)
    out: list[Win] = []
    while c.i < c.n:
        if c.kind() == PUNCT and c.low() in _START_PUNCT:
            c.i += 1
            continue
        i0 = c.i
        for fam in FAMILIES:
            w = fam(c, ctx)
            if w is not None and c.i > i0:
                w.i0, w.i1 = i0, c.i
                out.append(w)
                break
            c.i = i0
        else:
            c.i = i0 + 1
    return out
