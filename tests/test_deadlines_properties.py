"""Property tests of the counting rules (Art. 11.1 of 67-FZ, DEADLINES.md): for random anchor
dates and N, every phrase family gives the formula's date, with no weekend shift. The expected
dates are computed here with plain ``timedelta`` arithmetic, independently of the engine."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parsers.deadlines import parse_deadline
from schemas.anchors import Anchors

DAY = timedelta(days=1)
days = st.dates(min_value=date(2001, 3, 1), max_value=date(2090, 10, 31))
ns = st.integers(min_value=1, max_value=120)
upper = st.booleans()

P_PHRASE = "официального опубликования решения о назначении выборов"
V_PHRASES = ("дня голосования", "дня выборов", "даты выборов", "единого дня голосования")

# numbers in words, as plans write them after "за"/"через" (accusative) and "в течение"
# (genitive)
WORDS_ACC = {
    2: "два дня",
    3: "три дня",
    5: "пять дней",
    10: "десять дней",
    15: "пятнадцать дней",
    20: "двадцать дней",
    30: "тридцать дней",
    45: "сорок пять дней",
    50: "пятьдесят дней",
    60: "шестьдесят дней",
    1: "один день",
}
WORDS_GEN = {
    1: "одних суток",
    2: "двух дней",
    3: "трех дней",
    5: "пяти дней",
    10: "десяти дней",
    15: "пятнадцати дней",
    30: "тридцати дней",
    45: "сорока пяти дней",
}
ADJ = {3: "трехдневный", 5: "пятидневный", 10: "десятидневный", 15: "пятнадцатидневный"}

FAST = settings(  # per test: other suites keep their profile; a loaded CI machine is slow
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def anchors(p: date, v: date) -> Anchors:
    return Anchors(publication=p, voting_day=v)


def cased(text: str, up: bool) -> str:
    return text.upper() if up else text


def days_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "день"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "дня"
    return "дней"


@FAST
@given(v=days, n=ns, up=upper, anchor=st.sampled_from(V_PHRASES))
def test_not_later_than_n_days_before(v: date, n: int, up: bool, anchor: str) -> None:
    got = parse_deadline(
        cased(f"не позднее чем за {n} {days_word(n)} до {anchor}", up),
        anchors(v - timedelta(days=90), v),
    )
    assert (got.kind, got.start, got.end) == ("by", None, v - timedelta(days=n + 1))
    assert (got.anchor, got.offset_days) == ("voting_day", -n)


@FAST
@given(v=days, n=st.sampled_from(sorted(WORDS_ACC)))
def test_before_in_words(v: date, n: int) -> None:
    got = parse_deadline(
        f"не позднее чем за {WORDS_ACC[n]} до дня голосования", anchors(v - timedelta(days=90), v)
    )
    assert got.end == v - timedelta(days=n + 1)


@FAST
@given(v=days, n=ns)
def test_not_earlier_than_n_days_before(v: date, n: int) -> None:
    got = parse_deadline(f"не ранее чем за {n} {days_word(n)} до дня голосования", anchors(v, v))
    assert (got.kind, got.start, got.end) == ("from", v - timedelta(days=n + 1), None)


@FAST
@given(v=days, n1=ns, n2=ns)
def test_window_before(v: date, n1: int, n2: int) -> None:
    assume(n1 > n2)
    got = parse_deadline(
        f"не ранее чем за {n1} {days_word(n1)} и не позднее чем за {n2} "
        f"{days_word(n2)} до дня голосования",
        anchors(v, v),
    )
    assert (got.kind, got.start, got.end) == (
        "range",
        v - timedelta(days=n1 + 1),
        v - timedelta(days=n2 + 1),
    )


@FAST
@given(v=days, n=ns)
def test_within_before(v: date, n: int) -> None:
    got = parse_deadline(f"в течение {n} {days_word(n)} до дня голосования", anchors(v, v))
    assert (got.kind, got.start, got.end) == ("range", v - timedelta(days=n), v - DAY)


@FAST
@given(v=days)
def test_day_before_and_event_day(v: date) -> None:
    a = anchors(v, v)
    assert parse_deadline("накануне дня голосования", a).start == v - DAY
    assert parse_deadline("в день, предшествующий дню голосования", a).end == v - DAY
    got = parse_deadline("в день голосования", a)
    assert (got.kind, got.start, got.end) == ("date", v, v)


@FAST
@given(p=days, n=ns, up=upper, word=st.sampled_from(("со дня", "после дня")))
def test_not_later_than_n_days_after(p: date, n: int, up: bool, word: str) -> None:
    got = parse_deadline(
        cased(f"не позднее чем через {n} {days_word(n)} {word} {P_PHRASE}", up),
        anchors(p, p + timedelta(days=90)),
    )
    assert (got.kind, got.end) == ("by", p + timedelta(days=n))
    assert (got.anchor, got.offset_days) == ("publication", n)


@FAST
@given(p=days, n=ns)
def test_not_earlier_than_n_days_after(p: date, n: int) -> None:
    got = parse_deadline(f"не ранее чем через {n} {days_word(n)} со дня {P_PHRASE}", anchors(p, p))
    assert (got.kind, got.start) == ("from", p + timedelta(days=n))


@FAST
@given(
    v=days,
    n=ns,
    style=st.sampled_from(("на {n}-й день", "на {n} день", "не позднее чем на {n} день")),
)
def test_on_nth_day_after(v: date, n: int, style: str) -> None:
    got = parse_deadline(style.format(n=n) + " после дня голосования", anchors(v, v))
    assert got.end == v + timedelta(days=n)
    assert got.kind == ("by" if style.startswith("не") else "date")


@FAST
@given(e=days, n=ns, anchor=st.sampled_from(("p", "v")))
def test_within_from_the_day(e: date, n: int, anchor: str) -> None:
    phrase = P_PHRASE if anchor == "p" else "голосования"
    got = parse_deadline(f"в течение {n} {days_word(n)} со дня {phrase}", anchors(e, e))
    assert (got.kind, got.start, got.end) == ("range", e, e + timedelta(days=n - 1))


@FAST
@given(e=days, n=st.sampled_from(sorted(WORDS_GEN)))
def test_within_in_words(e: date, n: int) -> None:
    got = parse_deadline(f"в течение {WORDS_GEN[n]} со дня голосования", anchors(e, e))
    assert (got.start, got.end) == (e, e + timedelta(days=n - 1))


@FAST
@given(e=days, n=st.sampled_from(sorted(ADJ)), digits=st.booleans())
def test_n_day_term(e: date, n: int, digits: bool) -> None:
    adj = f"{n}-дневный" if digits else ADJ[n]
    got = parse_deadline(f"в {adj} срок со дня {P_PHRASE}", anchors(e, e))
    assert (got.kind, got.start, got.end) == ("range", e, e + timedelta(days=n - 1))


@FAST
@given(v=days, n=ns)
def test_within_after_the_day(v: date, n: int) -> None:
    got = parse_deadline(f"в течение {n} {days_word(n)} после дня голосования", anchors(v, v))
    assert (got.kind, got.start, got.end) == ("range", v + DAY, v + timedelta(days=n))


@FAST
@given(v=days, n=ns)
def test_on_expiry(v: date, n: int) -> None:
    got = parse_deadline(f"по истечении {n} {days_word(n)} со дня голосования", anchors(v, v))
    assert (got.kind, got.start, got.end) == ("from", v + timedelta(days=n), None)


@FAST
@given(v=days, n=st.integers(min_value=1, max_value=36))
def test_not_less_than_n_months(v: date, n: int) -> None:
    got = parse_deadline(f"не менее {n} месяцев со дня голосования", anchors(v, v))
    k = v.month - 1 + n
    y, m = v.year + k // 12, k % 12 + 1
    expected = date(y, m, min(v.day, calendar.monthrange(y, m)[1]))
    assert (got.kind, got.end) == ("by", expected)


@FAST
@given(v=days, n=ns)
def test_no_weekend_shift(v: date, n: int) -> None:
    """A computed deadline on a Saturday or Sunday stays there."""
    target = v - timedelta(days=n + 1)
    assume(target.weekday() >= 5)
    got = parse_deadline(f"не позднее чем за {n} {days_word(n)} до дня голосования", anchors(v, v))
    assert got.end == target
    assert got.end.weekday() >= 5


@FAST
@given(
    d=days,
    noise=st.sampled_from(
        ("{:%d.%m.%Y} г.", "{:%d.%m.%Y}г.", "{:%d.%m.} %Y г", "{:%d.%m.%Y}", "{:%d.%m.%Y} года")
    ),
)
def test_stated_date_with_noise(d: date, noise: str) -> None:
    text = "не позднее " + noise.replace("%Y", str(d.year)).format(d)
    got = parse_deadline(text, Anchors(year=d.year))
    assert (got.kind, got.end, got.date_source) == ("by", d, "stated")


@FAST
@given(d1=days, n=st.integers(min_value=0, max_value=200))
def test_stated_range(d1: date, n: int) -> None:
    d2 = d1 + timedelta(days=n)
    got = parse_deadline(f"с {d1:%d.%m.%Y} по {d2:%d.%m.%Y}", Anchors(year=d1.year))
    assert (got.kind, got.start, got.end) == ("range", d1, d2)


@FAST
@given(v=days, n=ns, shift=st.integers(min_value=-3, max_value=3))
def test_stated_beside_rule(v: date, n: int, shift: int) -> None:
    """The stated date wins; a disagreement is reported with both dates."""
    rule = v - timedelta(days=n + 1)
    stated = rule + timedelta(days=shift)
    got = parse_deadline(
        f"не позднее чем за {n} {days_word(n)} до дня голосования (не позднее {stated:%d.%m.%Y})",
        anchors(v, v),
    )
    assert got.end == stated
    mismatch = [w for w in got.warnings if w.startswith("STATED_DATE_MISMATCH")]
    if shift:
        assert got.date_source == "stated"
        assert mismatch == [
            f"STATED_DATE_MISMATCH: rule gives {rule.isoformat()}, text says {stated.isoformat()}"
        ]
    else:
        assert (got.date_source, mismatch) == ("both", [])


@FAST
@given(n=ns, up=upper)
def test_unknown_anchor_keeps_rule(n: int, up: bool) -> None:
    got = parse_deadline(
        cased(f"не позднее чем через {n} {days_word(n)} со дня регистрации кандидата", up),
        Anchors(year=2024),
    )
    assert (got.kind, got.start, got.end, got.offset_days) == ("by", None, None, n)
    assert got.anchor is not None and got.anchor.lower() == "регистрации кандидата"


_SALAD = (
    "не позднее чем за через со дня после до в течение с по н/п н/р 10 3 пять 1800 часов "
    "14 ч. 00 м. 07.09.2019 г. 29.07. 2019 дня голосования выборов официального "
    "опубликования решения о назначении ( ) , ; — а либо и но не ранее на пятый день "
    "5-дневный срок ежемесячно по понедельникам раз в месяц квартал I III-IV марта "
    "март-июнь 15-16 числа постоянно незамедлительно одновременно накануне следующий за "
    "днем включительно до конца года 0000 00 час. от № 5 ст. ч. закона полгода суток двое"
)
_PIECES = _SALAD.split(" ")
_ANCHOR_SETS = (
    Anchors(publication=date(2019, 6, 14), voting_day=date(2019, 9, 8)),
    Anchors(),
    Anchors(year=2021, approval=date(2021, 2, 5)),
)


@FAST
@given(
    words=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14),
    a=st.sampled_from(_ANCHOR_SETS),
)
def test_any_word_salad_gives_a_consistent_deadline(words: list[str], a: Anchors) -> None:
    got = parse_deadline(" ".join(words), a)
    if got.kind == "date":
        assert got.start == got.end
    if got.kind == "by":
        assert got.start is None
    if got.kind == "from":
        assert got.end is None
    if got.start is None and got.end is None:
        assert got.date_source is None


@FAST
@given(text=st.text(max_size=60))
def test_any_text_parses(text: str) -> None:
    assert parse_deadline(text, _ANCHOR_SETS[0]).kind
