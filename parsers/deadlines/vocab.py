"""Small closed vocabularies of deadline language: numbers, ordinals, months, units, anchors.

Everything is lower-case with "ё" folded to "е" (see :func:`parsers.deadlines.tokens.tokenize`).
Word lists are written as space-separated strings.
"""

from __future__ import annotations

from collections.abc import Sequence


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


def _seq(s: str) -> list[str]:
    return s.split()


# --- cardinal numbers (every case) ------------------------------------------------------------

_CARDINAL_FORMS: dict[int, str] = {
    1: "один одного одному одним одном одна одной одну одно одни одних одними",
    2: "два две двух двум двумя двое двоих",
    3: "три трех трем тремя трое троих",
    4: "четыре четырех четырем четырьмя четверо",
    5: "пять пяти пятью",
    6: "шесть шести шестью",
    7: "семь семи семью",
    8: "восемь восьми восемью",
    9: "девять девяти девятью",
    10: "десять десяти десятью",
    11: "одиннадцать одиннадцати",
    12: "двенадцать двенадцати",
    13: "тринадцать тринадцати",
    14: "четырнадцать четырнадцати",
    15: "пятнадцать пятнадцати",
    16: "шестнадцать шестнадцати",
    17: "семнадцать семнадцати",
    18: "восемнадцать восемнадцати",
    19: "девятнадцать девятнадцати",
    20: "двадцать двадцати двадцатью",
    30: "тридцать тридцати тридцатью",
    40: "сорок сорока",
    50: "пятьдесят пятидесяти пятьюдесятью",
    60: "шестьдесят шестидесяти шестьюдесятью",
    70: "семьдесят семидесяти",
    80: "восемьдесят восьмидесяти",
    90: "девяносто девяноста",
    100: "сто ста",
    200: "двести двухсот",
    300: "триста трехсот",
}
CARDINALS: dict[str, int] = {f: n for n, forms in _CARDINAL_FORMS.items() for f in forms.split()}

# --- ordinal numbers: stem + adjective ending ------------------------------------------------

_ORDINAL_STEMS = _seq(
    "1 перв 2 втор 4 четверт 5 пят 6 шест 7 седьм 8 восьм 9 девят 10 десят 11 одиннадцат "
    "12 двенадцат 13 тринадцат 14 четырнадцат 15 пятнадцат 16 шестнадцат 17 семнадцат "
    "18 восемнадцат 19 девятнадцат 20 двадцат 30 тридцат 40 сороков 50 пятидесят "
    "60 шестидесят 70 семидесят 80 восьмидесят 90 девяност 100 сот"
)
_ADJ_ENDINGS = _seq("ый ой ий ого ому ым ом ая ую ое ые ых ыми")
ORDINALS: dict[str, int] = {
    stem + e: int(n)
    for n, stem in zip(_ORDINAL_STEMS[::2], _ORDINAL_STEMS[1::2], strict=True)
    for e in _ADJ_ENDINGS
}
ORDINALS.update(
    dict.fromkeys(
        _words("третий третьего третьему третьим третьем третья третью третье третьи третьих"), 3
    )
)
for _f in list(ORDINALS):  # forms that are also cardinals are cardinals
    if _f in CARDINALS:
        del ORDINALS[_f]

# genitive prefixes of compound adjectives: "десяти|дневный", "трех|дневный", "одно|дневный"
NUMBER_PREFIXES: dict[str, int] = {
    "": 1, "одно": 1, "двух": 2, "трех": 3, "четырех": 4, "пяти": 5, "шести": 6, "семи": 7,
    "восьми": 8, "девяти": 9, "десяти": 10, "одиннадцати": 11, "двенадцати": 12,
    "пятнадцати": 15, "двадцати": 20, "двадцатипяти": 25, "тридцати": 30, "сорока": 40,
    "сорокапяти": 45, "пятидесяти": 50, "шестидесяти": 60, "девяноста": 90,
}  # fmt: skip
# the part of a compound adjective that names the unit
ADJ_UNITS: dict[str, str] = {
    "дневн": "d", "суточн": "d", "недельн": "w", "месячн": "m", "годичн": "y", "летн": "y",
}  # fmt: skip

# --- units ------------------------------------------------------------------------------------

UNITS: dict[str, str] = {
    **dict.fromkeys(
        _words("дн день дня дней дню днем дни дням днями днях сутки суток суткам сутками"), "d"
    ),
    **dict.fromkeys(_words("неделя недели недель неделю неделей неделям"), "w"),
    **dict.fromkeys(_words("месяц месяца месяцев месяцу месяцем месяцам"), "m"),
    **dict.fromkeys(_words("год года лет году годам"), "y"),
    **dict.fromkeys(_words("час часа часов часам ч"), "h"),
}
HALF_YEAR = "полгода"  # six months
UNIT_FILLERS = _words("календарных календарные календарный рабочих рабочие полных")
WORKING = _words("рабочих рабочие")  # fillers that make days working days
DAY_WORDS = _words("день дня дню днем даты дату дата дате датой")

# --- months, quarters, weekdays ---------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _m, _stem in enumerate(_seq("январ феврал - апрел - июн июл - сентябр октябр ноябр декабр")):
    if _stem != "-":
        MONTHS.update(dict.fromkeys((_stem + e for e in ("ь", "я", "е", "ю", "ем")), _m + 1))
for _m, _stem in ((3, "март"), (8, "август")):
    MONTHS.update(dict.fromkeys((_stem + e for e in ("", "а", "е", "у", "ом")), _m))
MONTHS.update(dict.fromkeys(_words("май мая мае маю маем"), 5))
MONTHS.update({"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8, "сен": 9,
               "сент": 9, "окт": 10, "нояб": 11, "дек": 12})  # fmt: skip

ROMAN: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "і": 1, "іі": 2, "ііі": 3, "іv": 4}

WEEKDAYS: dict[str, str] = {}
for _stem, _code in (("понедельник", "MO"), ("вторник", "TU"), ("сред", "WE"),
                     ("четверг", "TH"), ("пятниц", "FR"), ("суббот", "SA"),
                     ("воскресень", "SU")):  # fmt: skip
    for _e in ("", "а", "у", "ам", "ом", "ы", "и", "е", "ям", "ями", "ь", "ю", "я"):
        WEEKDAYS[_stem + _e] = _code
WEEKDAYS.pop("сред", None)  # "сред" (среди) is not a weekday

# --- recurrence -------------------------------------------------------------------------------

RECUR_ADVERBS: dict[str, str | None] = {
    "ежедневно": "FREQ=DAILY",
    "еженедельно": "FREQ=WEEKLY",
    "ежедекадно": "FREQ=DAILY;INTERVAL=10",
    "ежемесячно": "FREQ=MONTHLY",
    "ежеквартально": "FREQ=MONTHLY;INTERVAL=3",
    "ежегодно": "FREQ=YEARLY",
    "периодически": None,
    "регулярно": None,
    "систематически": None,
}
# "раз в <period>", "каждый <period>"
PERIOD_FREQ: dict[str, tuple[str, int]] = {
    "день": ("DAILY", 1), "сутки": ("DAILY", 1), "неделю": ("WEEKLY", 1),
    "неделя": ("WEEKLY", 1), "декаду": ("DAILY", 10), "месяц": ("MONTHLY", 1),
    "квартал": ("MONTHLY", 3), "полугодие": ("MONTHLY", 6), "полгода": ("MONTHLY", 6),
    "год": ("YEARLY", 1),
}  # fmt: skip
UNIT_FREQ = {"d": "DAILY", "w": "WEEKLY", "m": "MONTHLY", "y": "YEARLY"}

# --- qualifier and linking words --------------------------------------------------------------

LATE = _words("позднее позже")
EARLY = _words("ранее раньше")
START_VERBS = _words("начинается начиная начало начинать начинают")
END_VERBS = _words(
    "оканчивается заканчивается завершается истекает окончание окончанием оканчивающийся "
    "прекращается прекращаются прекращение заканчиваются оканчиваются завершаются"
)
# separators between two alternative windows of one cell
HARD_SEPARATORS = _words("а либо или ;")
# words that end an event noun phrase
NP_STOP = _words(
    "при а либо или но до не включительно без если когда ; ( ) — : н/п н/р после за через "
    "одновременно незамедлительно немедленно сразу накануне"
)
# "по <word>" that makes a condition rather than a date: "по запросу", "по мере …"
ON_EVENT_BY = _words(
    "запросу требованию указанию указаниям поручению мере согласованию согласовании "
    "необходимости решению заявке заявкам заявлению поступлении получении предъявлении "
    "окончании завершении факту итогам результатам представлению обращению приглашению "
    "готовности выходу"
)
ON_EVENT_ADVERBS = _words("незамедлительно немедленно сразу безотлагательно оперативно "
                          "своевременно")  # fmt: skip
PLAN_WORDS = ("план", "график", "распис", "распоряд")
CAMPAIGN_WORDS = ("кампани", "период", "полномочи", "подготовки", "выбор")

# --- anchors ----------------------------------------------------------------------------------

VOTING_HEADS = _words("голосования выборов референдума голосование выборы")
VOTING_MODS = _words(
    "единого единый первого первый первому первым первом последнего последний последнему "
    "последним последнем основного общего проведения дня дню день днем даты дату дата"
)
PUBLICATION_MARK = "назначени"
ELECTION_WORDS = ("выбор", "референдум", "голосовани")


def classify_anchor(words: Sequence[str]) -> str | None:
    """``publication``, ``voting_day``, ``voting_last`` for the event words, or None."""
    if not words:
        return None
    ws = [w for w in words if w not in ("(", ")", ",")]
    if (
        any(PUBLICATION_MARK in w for w in ws)
        and any(w.startswith(ELECTION_WORDS) for w in ws)
        and not any(w.startswith(("результат", "итог")) for w in ws)
    ):
        return "publication"
    last = False
    for w in ws:
        if w in VOTING_HEADS:
            return "voting_last" if last else "voting_day"
        if w not in VOTING_MODS:
            return None
        last = last or w.startswith("последн")
    return None
