"""Document header: title, kind, issuer, act, approval, anchor dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parsers.header import Header, parse_header

ROOT = Path(__file__).resolve().parents[1]


def _head(name: str, upto: str) -> list[str]:
    text = next((ROOT / "samples").glob(name)).read_text(encoding="utf-8")
    return text[: text.index(upto)].split("\n")


def test_seed_004() -> None:
    h = parse_header(_head("004_*.txt", "Избирательные участки. Списки"))
    assert h == Header(
        title="Календарный план мероприятий по подготовке и проведению выборов депутатов "
        "Совета депутатов Комсомольского сельского поселения",
        kind="election_calendar",
        issuer="ТИК Грозненского района",
        act_date=date(2019, 6, 18),
        act_number="627/74-4",
        approved_by=None,
        publication_date=date(2019, 6, 14),
        voting_day=date(2019, 9, 8),
        voting_last_day=None,
        year=2019,
    )


def test_seed_000() -> None:
    h = parse_header(_head("000_*.txt", "№\tМероприятия"))
    assert h == Header(
        title="ПЛАН работы общественного штаба по наблюдению за выборами",
        kind="work_plan",
        issuer="Общественный штаб по наблюдению за выборами",
        act_date=date(2021, 2, 5),
        act_number=None,
        approved_by="А.С. Белоглазов",
        year=2021,
    )


INVENTED: list[tuple[str, dict[str, object]]] = [
    (
        """Приложение
к решению территориальной избирательной комиссии Заводского района
от 5 июня 2024 года № 12/34-5

КАЛЕНДАРНЫЙ ПЛАН
мероприятий по подготовке и проведению выборов депутатов Думы города
в единый день голосования 8 сентября 2024 года""",
        dict(
            kind="election_calendar",
            issuer="Территориальная избирательная комиссия Заводского района",
            act_date=date(2024, 6, 5),
            act_number="12/34-5",
            voting_day=date(2024, 9, 8),
            year=2024,
            title="КАЛЕНДАРНЫЙ ПЛАН мероприятий по подготовке и проведению выборов депутатов "
            "Думы города в единый день голосования 8 сентября 2024 года",
        ),
    ),
    (
        """УТВЕРЖДЕН
постановлением Избирательной комиссии Орловской области
от 20.06.2023 № 45/301-7

Календарный план
мероприятий по подготовке и проведению выборов Губернатора Орловской области

Дни голосования – 8, 9 и 10 сентября 2023 года""",
        dict(
            kind="election_calendar",
            issuer="Избирательная комиссия Орловской области",
            act_date=date(2023, 6, 20),
            act_number="45/301-7",
            voting_day=date(2023, 9, 8),
            voting_last_day=date(2023, 9, 10),
            year=2023,
        ),
    ),
    (
        """Приложение № 1
к постановлению ТИК г. Азова
№ 26/86

Календарный план мероприятий по подготовке и проведению дополнительных выборов
День голосования – 8 сентября 2024 года.""",
        dict(
            kind="election_calendar",
            issuer="ТИК г. Азова",
            act_number="26/86",
            voting_day=date(2024, 9, 8),
            year=2024,
        ),
    ),
    (
        """УТВЕРЖДАЮ
Председатель Общественной палаты Псковской области
_____________ П.П. Сергеев
«12» января 2022 г.

ПЛАН
мероприятий Общественной палаты по наблюдению за выборами на 2022 год""",
        dict(
            kind="work_plan",
            issuer="Общественная палата Псковской области",
            approved_by="П.П. Сергеев",
            act_date=date(2022, 1, 12),
            year=2022,
        ),
    ),
    (
        """ПЛАН РАБОТЫ
территориальной избирательной комиссии Кировского района на 2025 год""",
        dict(
            kind="work_plan",
            year=2025,
            title="ПЛАН РАБОТЫ территориальной избирательной "
            "комиссии Кировского района на 2025 год",
        ),
    ),
    (
        """Календарь избирательных действий
по выборам депутатов Законодательного Собрания
Дата официального опубликования решения о назначении выборов: 18 июня 2021 года
Дни голосования 17-19 сентября 2021 года""",
        dict(
            kind="election_calendar",
            publication_date=date(2021, 6, 18),
            voting_day=date(2021, 9, 17),
            voting_last_day=date(2021, 9, 19),
            year=2021,
        ),
    ),
    (
        """Перечень основных мероприятий по подготовке и проведению местного референдума
Дата официального опубликования (публикации) решения о назначении референдума


12.01.2025


День голосования
16.03.2025""",
        dict(
            kind="election_calendar",
            publication_date=date(2025, 1, 12),
            voting_day=date(2025, 3, 16),
            year=2025,
        ),
    ),
    (
        """Приложение
к постановлению избирательной комиссии муниципального образования
от 01.07.2020 г. за № 3/11

Календарный план мероприятий
по подготовке и проведению выборов главы сельсовета
Голосование состоится 13 сентября 2020 года""",
        dict(
            kind="election_calendar",
            act_date=date(2020, 7, 1),
            act_number="3/11",
            issuer="Избирательная комиссия муниципального образования",
            voting_day=date(2020, 9, 13),
            year=2020,
            title="Календарный план мероприятий по подготовке и проведению выборов главы "
            "сельсовета",
        ),
    ),
    (
        """Справка о ходе подготовки к заседанию""",
        dict(kind="other", title=None, year=None, voting_day=None),
    ),
    (
        """УТВЕРЖДАЮ
Руководитель молодежной избирательной комиссии края
И.О. Кравцова
10 марта 2024 года
План мероприятий молодежной избирательной комиссии""",
        dict(
            kind="work_plan",
            approved_by="И.О. Кравцова",
            act_date=date(2024, 3, 10),
            issuer="Молодежная избирательная комиссия края",
            year=2024,
        ),
    ),
    (
        """Приложение к постановлению Избирательной комиссии Республики Карелия \
от 14 июня 2022 года № 33/210-7
КАЛЕНДАРНЫЙ ПЛАН мероприятий по подготовке и проведению выборов депутатов
день голосования 11 сентября 2022 года""",
        dict(
            kind="election_calendar",
            issuer="Избирательная комиссия Республики Карелия",
            act_date=date(2022, 6, 14),
            act_number="33/210-7",
            voting_day=date(2022, 9, 11),
            year=2022,
        ),
    ),
    (
        """План мероприятий по информированию избирателей
УТВЕРЖДАЮ
Глава администрации района
Смирнова Е.А.""",
        dict(kind="work_plan", approved_by="Смирнова Е.А."),
    ),
]


@pytest.mark.parametrize(("text", "want"), INVENTED, ids=[t[:30] for t, _ in INVENTED])
def test_invented(text: str, want: dict[str, object]) -> None:
    h = parse_header(text.split("\n"))
    for k, v in want.items():
        assert getattr(h, k) == v, k


def test_enough_invented() -> None:
    assert len(INVENTED) >= 10


@pytest.mark.parametrize(
    ("lines", "published"),
    [
        (
            [
                "Выборы назначены постановлением Курской областной Думы от 16 июня 2026 г. "
                "№ 1207-VII ОД, официально опубликованным в газете «Курская правда» 18 июня "
                "2026 г. День голосования – 20 сентября 2026 г."
            ],
            date(2026, 6, 18),
        ),
        (
            [
                "Решение о назначении дополнительных выборов опубликовано в газете",
                "15 июня 2023 года.",
            ],
            date(2023, 6, 15),
        ),
        (["Дата публикации: 11.06.2025 17:42 · Раздел: Выборы 2025"], None),  # a site's own date
        (
            [
                "Решением Совета от 8 июня 2034 года № 214 выборы депутатов назначены на "
                "10 сентября 2034 года. Решение официально опубликовано в газете «Ахтубинская "
                "правда» 15 июня 2034 года."
            ],
            date(2034, 6, 15),
        ),
        (["Информация опубликована 15 июня 2034 года."], None),  # not the calling decision
    ],
)
def test_publication_in_a_run_in_sentence(lines: list[str], published: date | None) -> None:
    assert parse_header(["КАЛЕНДАРНЫЙ ПЛАН", *lines]).publication_date == published


def test_several_voting_days_listed_after_the_last() -> None:
    h = parse_header(
        [
            "День голосования – 12 сентября 2027 года (голосование проводится в течение трех "
            "дней подряд – 10, 11 и 12 сентября 2027 года)"
        ]
    )
    assert (h.voting_day, h.voting_last_day) == (date(2027, 9, 10), date(2027, 9, 12))


def test_title_wrapped_before_a_place_name() -> None:
    h = parse_header(
        [
            "КАЛЕНДАРНЫЙ ПЛАН",
            "мероприятий по подготовке и проведению выборов",
            "депутатов Государственного Собрания Республики",
            "Марий Эл седьмого созыва",
            "Выборы назначены на 8 сентября 2019 года",
        ]
    )
    assert h.title is not None and h.title.endswith("Республики Марий Эл седьмого созыва")


def test_act_in_a_run_in_approving_sentence() -> None:
    h = parse_header(
        [
            "Решением территориальной избирательной комиссии Сургутского района от 13 июня "
            "2028 года № 12/57 утвержден Календарный план мероприятий",
            "Опубликовано: 14.06.2028 09:15 Просмотров: 387",
        ]
    )
    assert (h.act_date, h.act_number) == (date(2028, 6, 13), "12/57")
    assert h.issuer == "Территориальная избирательная комиссия Сургутского района"
    assert h.publication_date is None  # the web page's own timestamp is no anchor


def test_voting_date_label() -> None:
    assert parse_header(["Дата голосования: 19 сентября 2021 г."]).voting_day == date(2021, 9, 19)


def test_voting_days_after_the_elections_they_belong_to() -> None:
    h = parse_header(
        [
            "Дни голосования на выборах депутатов Государственной Думы и депутатов",
            "Законодательного Собрания области – 18, 19 и 20 сентября 2026 года.",
        ]
    )
    assert (h.voting_day, h.voting_last_day) == (date(2026, 9, 18), date(2026, 9, 20))
    listed = parse_header(
        [
            "Дни голосования – 6, 7 и 8 сентября 2024 года",
            "Сокращения: Избирательная комиссия области (далее – Комиссия)",
        ]
    )
    assert (listed.voting_day, listed.voting_last_day) == (date(2024, 9, 6), date(2024, 9, 8))


def test_act_number_after_a_plain_n() -> None:
    h = parse_header(["КАЛЕНДАРНЫЙ ПЛАН", "Приложение к решению ТИК от 18.06.2029 N 14/73"])
    assert (h.act_date, h.act_number) == (date(2029, 6, 18), "14/73")
