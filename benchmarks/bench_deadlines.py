"""Throughput of the deadline engine on one core.

A realistic mix of distinct deadline cells is built from templates (rules with varied numbers
and anchors, stated dates with OCR noise, ranges, months, keywords, trailing legal references),
then repeated in random order to ~20,000 cells, as a batch of plans repeats the same wordings.

Prints cells/s for: the uncached engine (every distinct cell parsed once, cache bypassed), a
cold cache (cache cleared, then the whole stream), and a warm cache (the stream again).

    .venv/bin/python benchmarks/bench_deadlines.py
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.deadlines import parse_deadline
from parsers.deadlines.engine import _parse
from schemas.anchors import Anchors

V_WORDS = (
    "дня голосования",
    "дня выборов",
    "даты выборов",
    "единого дня голосования",
    "дня голосования (досрочного голосования)",
)
P_WORDS = (
    "официального опубликования решения о назначении выборов",
    "официального опубликования (публикации) решения о назначении выборов",
    "назначения выборов",
)
OTHER = (
    "регистрации кандидата",
    "поступления документов",
    "приема документов",
    "получения извещения",
    "выдвижения списка кандидатов",
    "подачи заявки",
    "официального опубликования результатов выборов",
    "заседания комиссии",
)
NUM_WORDS = (
    "один",
    "два",
    "три",
    "пять",
    "десять",
    "пятнадцать",
    "двадцать",
    "тридцать",
    "сорок пять",
)
REFS = (
    "",
    "",
    " (ч. 4 ст. 9 закона)",
    " (п. 12 ст. 33 Федерального закона)",
    " (ч. 2 ст. 21 областного закона)",
    " (ст. 66 Закона)",
)
KEYWORDS = (
    "постоянно",
    "ежемесячно",
    "еженедельно",
    "по отдельному плану",
    "незамедлительно",
    "по мере необходимости",
    "после дня голосования",
    "в течение избирательной кампании",
    "по запросу комиссии",
    "весь период",
    "сразу после назначения выборов",
    "одновременно с представлением документов",
    "до начала голосования",
)
MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTHS_NOM = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def _date(r: random.Random) -> date:
    return date(2024, 1, 1) + timedelta(days=r.randrange(366))


def _fmt(d: date, r: random.Random) -> str:
    return r.choice(
        (
            f"{d:%d.%m.%Y} г.",
            f"{d:%d.%m.%Y}г.",
            f"{d:%d.%m.} {d.year} г.",
            f"{d.day} {MONTHS[d.month - 1]} {d.year} года",
            f"{d:%d.%m.%Y}",
        )
    )


def cell(r: random.Random) -> str:
    n = r.randint(1, 90)
    v, p, o = r.choice(V_WORDS), r.choice(P_WORDS), r.choice(OTHER)
    d1 = _date(r)
    d2 = d1 + timedelta(days=r.randint(1, 60))
    templates = (
        lambda: f"Не позднее чем за {n} дней до {v}",
        lambda: f"не позднее чем за {r.choice(NUM_WORDS)} дня до {v}",
        lambda: f"Не ранее чем за {n} дней до {v}",
        lambda: f"Не позднее чем через {n} дней со дня {p}",
        lambda: f"Не позднее чем через {n} дней со дня {p} (н/п {_fmt(d1, r)})",
        lambda: f"Не ранее чем через {n} дней со дня {p}",
        lambda: f"В течение {n} дней со дня {o}",
        lambda: f"В {r.choice(('трехдневный', 'пятидневный', '10-дневный'))} срок со дня {o}",
        lambda: f"Не позднее чем через {n} дней со дня {o}",
        lambda: f"Не позднее чем на {n} день после дня {p} Не позднее {_fmt(d1, r)}",
        lambda: f"Не позднее {_fmt(d1, r)}",
        lambda: f"не позднее {_fmt(d1, r)}",
        lambda: f"с {_fmt(d1, r)} по {_fmt(d2, r)}",
        lambda: f"{_fmt(d1, r)}",
        lambda: f"Не ранее {_fmt(d1, r)} и не позднее {r.randint(10, 18)}00 часов {_fmt(d2, r)}",
        lambda: f"до {d1.day:02d} {MONTHS[d1.month - 1]}",
        lambda: f"{d1.day}-{d1.day + 1} {MONTHS[d1.month - 1]}" if d1.day < 28 else "июль",
        lambda: f"{MONTHS_NOM[d1.month - 1]}-{MONTHS_NOM[d2.month - 1]}",
        lambda: r.choice(KEYWORDS),
        lambda: f"В день, предшествующий {v.replace('дня', 'дню', 1)}",
        lambda: f"в течение {n} часов после {o}",
        lambda: f"Не позднее {_fmt(d1, r)}, а в случае необходимости — не позднее {_fmt(d2, r)}",
    )
    return r.choice(templates)() + r.choice(REFS)


def main() -> None:
    r = random.Random(20240908)
    distinct: list[str] = []
    seen: set[str] = set()
    while len(distinct) < 600:
        c = cell(r)
        if c not in seen:
            seen.add(c)
            distinct.append(c)
    stream = [r.choice(distinct) for _ in range(20_000)]
    anchors = Anchors(
        publication=date(2024, 6, 20), voting_day=date(2024, 9, 8), approval=date(2024, 6, 21)
    )

    raw = _parse.__wrapped__  # the engine without its cache
    t = time.perf_counter()
    for c in distinct:
        raw(" ".join(c.split()), anchors)
    uncached = len(distinct) / (time.perf_counter() - t)

    _parse.cache_clear()
    t = time.perf_counter()
    for c in stream:
        parse_deadline(c, anchors)
    cold = len(stream) / (time.perf_counter() - t)

    t = time.perf_counter()
    for c in stream:
        parse_deadline(c, anchors)
    warm = len(stream) / (time.perf_counter() - t)

    print(f"distinct cells: {len(distinct)}, stream: {len(stream)} cells, one core")
    print(f"uncached engine: {uncached:10,.0f} cells/s")
    print(f"cold cache:      {cold:10,.0f} cells/s")
    print(f"warm cache:      {warm:10,.0f} cells/s")


if __name__ == "__main__":
    main()
