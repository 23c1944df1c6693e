"""The plan parser composed: header anchors, items, re-anchoring a last-cycle plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors import extract
from parsers.plan import NotAPlan, parse_plan
from schemas import Anchors

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "004_55a8721802e65df6.txt"


@pytest.fixture(scope="module")
def raw():
    return extract(SAMPLE.name, SAMPLE.read_bytes())


def _by_no(plan, no):
    return next(i for i in plan.items if i["item_no"] == no)


def test_document_anchors_drive_relative_deadlines(raw):
    plan = parse_plan(raw)
    assert plan.anchors.voting_day == date(2019, 9, 8)
    item = _by_no(plan, "87")  # "не позднее чем за три дня до дня голосования … 04.09.2019"
    assert (item["deadline_kind"], item["deadline_end"]) == ("by", date(2019, 9, 4))
    assert item["date_source"] == "both"


def test_reanchoring_recomputes_rules_and_reports_old_dates(raw):
    plan = parse_plan(raw, Anchors(voting_day=date(2026, 9, 20), publication=date(2026, 6, 10)))
    item = _by_no(plan, "87")
    assert item["deadline_end"] == date(2026, 9, 16)  # V − 4
    assert item["date_source"] == "computed"
    assert any(w.startswith("REANCHORED: rule gives 2026-09-16") for w in item["warnings"])
    published = _by_no(plan, "11")  # "через 3 дня со дня официального опубликования"
    assert published["deadline_end"] == date(2026, 6, 13)
    assert not any(w.startswith("REANCHOR_PARTIAL") for w in plan.warnings)


def test_reanchoring_only_the_voting_day_says_what_it_kept(raw):
    plan = parse_plan(raw, Anchors(voting_day=date(2026, 9, 20)))
    assert any(w.startswith("REANCHOR_PARTIAL") for w in plan.warnings)
    assert plan.anchors.year == 2026


def test_text_without_items_is_not_a_plan():
    raw = extract("letter.txt", "Уважаемые коллеги!\nПросим принять участие.\n".encode())
    with pytest.raises(NotAPlan):
        parse_plan(raw)


def test_an_issuer_named_by_its_short_name_is_spelled_out() -> None:
    text = (
        "Территориальная избирательная комиссия города Вязьмы (далее - ТИК) РЕШИЛА:\n"
        "Приложение к решению ТИК от 18.06.2029 N 14/73\n"
        "КАЛЕНДАРНЫЙ ПЛАН\n"
        "№\tМероприятие\tСрок\tИсполнитель\n"
        "1.\tСоставление списков\tне позднее 20.08.2029\tТИК\n"
        "2.\tГолосование\t9 сентября 2029 года\tУИК\n"
    )
    plan = parse_plan(extract("plan.txt", text.encode("utf-8")))
    assert plan.header.issuer == "Территориальная избирательная комиссия города Вязьмы"
    assert plan.header.act_number == "14/73"


def test_anchors_stated_in_a_note_under_the_table() -> None:
    text = (
        "№\tМероприятие\tСрок\tИсполнитель\n"
        "1.\tОпубликование\tне позднее чем через 5 дней со дня официального опубликования "
        "решения о назначении выборов\tТИК\n"
        "2.\tСоставление списков\tне позднее чем за 11 дней до дня голосования\tТИК\n"
        "Примечание. Решение о назначении выборов официально опубликовано 10 июня 2041 года; "
        "день голосования – 8 сентября 2041 года.\n"
    )
    plan = parse_plan(extract("plan.txt", text.encode("utf-8")))
    assert (plan.header.publication_date, plan.header.voting_day) == (
        date(2041, 6, 10),
        date(2041, 9, 8),
    )
    assert plan.header.kind == "election_calendar"
    assert [i["deadline_end"] for i in plan.items] == [date(2041, 6, 15), date(2041, 8, 27)]


def test_a_plan_typed_with_tab_stops_in_a_docx() -> None:
    from tests.conftest_extractors import docx_bytes

    lines = [
        "КАЛЕНДАРНЫЙ ПЛАН",
        "№\tМероприятие\tСрок\tИсполнитель",
        "I. Избирательные участки",
        "1.\tОпубликование списков участков (п. 7 ст. 19\tне позднее чем за 40 дней\tГлава округа",
        "\tФедерального закона)\tдо дня голосования",
        "2.\tСоставление списков избирателей\tне позднее 28 августа 2040 года\tТИК",
    ]
    data = docx_bytes(lambda doc: [doc.add_paragraph(line) for line in lines])
    plan = parse_plan(extract("plan.docx", data))
    assert [(i["item_no"], i["section"], i["action"], i["deadline_text"]) for i in plan.items] == [
        (
            "1",
            "Избирательные участки",
            "Опубликование списков участков (п. 7 ст. 19 Федерального закона)",
            "не позднее чем за 40 дней до дня голосования",
        ),
        (
            "2",
            "Избирательные участки",
            "Составление списков избирателей",
            "не позднее 28 августа 2040 года",
        ),
    ]
