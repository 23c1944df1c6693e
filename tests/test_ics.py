"""Calendar export, parsed back by icalendar, ics (ics-py) and recurring-ical-events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from pipeline import ics as ics_module
from pipeline.ics import export_ics
from tests.datasets import CAL_ID, WORK_ID, Expected, build_output, calendar_items, work_items


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_output(tmp_path_factory.mktemp("ics")))


def _export(out: str, tmp_path: Path, name: str = "plan.ics", **kw: Any) -> tuple[int, str]:
    path = tmp_path / name
    n = export_ics(out, str(path), **kw)
    return n, path.read_bytes().decode("utf-8")  # keep the CRLF line ends


def _dated() -> dict[str, Any]:
    items = [*calendar_items(), *work_items()]
    return {
        f"{i.doc_id}-{i.ordinal}@kalplan": i
        for i in items
        if i.deadline_start is not None or i.deadline_end is not None
    }


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_every_dated_item_once_with_its_dates(out: str, tmp_path: Path) -> None:
    n, text = _export(out, tmp_path)
    expected = _dated()
    assert n == Expected().dated == len(expected)
    cal = Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    uids = [str(e["UID"]) for e in events]
    assert sorted(uids) == sorted(expected) and len(set(uids)) == len(uids)
    for event in events:
        item = expected[str(event["UID"])]
        start = event.decoded("DTSTART")
        first = item.deadline_start or item.deadline_end
        last = item.deadline_end or item.deadline_start
        if item.deadline_kind in ("recurring", "from"):
            last = first
        assert _as_date(start) == first, item.ordinal
        if "DTEND" in event:
            end = event.decoded("DTEND")
            if isinstance(end, datetime):
                assert end.date() == last
            else:
                assert end == last + timedelta(days=1)  # all-day DTEND is exclusive
        assert str(event["SUMMARY"]).startswith(item.action[:40])
        assert event.decoded("DTSTAMP").tzinfo is not None


def test_times_are_floating_local(out: str, tmp_path: Path) -> None:
    _, text = _export(out, tmp_path)
    events = {str(e["UID"]): e for e in Calendar.from_ical(text).walk("VEVENT")}
    voting = events[f"{CAL_ID}-7@kalplan"]
    assert voting.decoded("DTSTART") == datetime(2026, 9, 20, 8, 0)
    assert voting.decoded("DTEND") == datetime(2026, 9, 20, 20, 0)
    assert voting.decoded("DTSTART").tzinfo is None
    assert "DTSTART:20260920T080000\r\n" in text  # no Z, no TZID
    intake = events[f"{CAL_ID}-3@kalplan"]
    assert intake.decoded("DTEND") == datetime(2026, 8, 5, 18, 0)


def test_description_and_categories(out: str, tmp_path: Path) -> None:
    _, text = _export(out, tmp_path)
    events = {str(e["UID"]): e for e in Calendar.from_ical(text).walk("VEVENT")}
    intake = events[f"{CAL_ID}-3@kalplan"]
    desc = str(intake["DESCRIPTION"])
    assert "с 15 июля по 5 августа 2026 года до 18 часов" in desc
    assert "Избирательная комиссия Энской области" in desc  # canonical executor
    assert "ст. 34 ч. 1; ст. 35" in desc  # legal_refs text
    cats: Any = intake["CATEGORIES"]
    assert [str(c) for c in cats.cats] == ["Выдвижение и регистрация кандидатов"]
    long_one = events[f"{CAL_ID}-2@kalplan"]
    assert len(str(long_one["SUMMARY"])) <= ics_module.SUMMARY_LIMIT
    assert str(long_one["SUMMARY"]).endswith("…")
    assert "помещений для голосования" in str(long_one["DESCRIPTION"])  # full action kept


def test_second_consumer_ics_py(out: str, tmp_path: Path) -> None:
    ics = pytest.importorskip("ics")
    _, text = _export(out, tmp_path)
    cal = ics.Calendar(text)
    expected = _dated()
    assert {e.uid for e in cal.events} == set(expected)
    for event in cal.events:
        item = expected[event.uid]
        first = item.deadline_start or item.deadline_end
        assert event.begin.date() == first
        if item.deadline_kind in ("range", "date") and not item.deadline_end_time:
            assert event.all_day
            assert event.end.date() == item.deadline_end + timedelta(days=1)


def test_recurring_expands_as_stated(out: str, tmp_path: Path) -> None:
    rie = pytest.importorskip("recurring_ical_events")
    _, text = _export(out, tmp_path)
    cal = Calendar.from_ical(text)
    found = rie.of(cal).between(date(2026, 1, 1), date(2027, 1, 1))
    monthly = sorted(e.decoded("DTSTART") for e in found if str(e["UID"]) == f"{CAL_ID}-6@kalplan")
    assert monthly == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    others = [e for e in found if str(e["UID"]) != f"{CAL_ID}-6@kalplan"]
    assert len(others) == Expected().dated - 1  # everything else occurs once


def test_reexport_is_byte_identical(out: str, tmp_path: Path) -> None:
    _, first = _export(out, tmp_path, "a.ics")
    _export(out, tmp_path, "b.ics")
    assert (tmp_path / "a.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()
    assert "DTSTAMP:20260504T103000Z\r\n" in first  # the document's ingested_at, not now()
    assert all(line.endswith("\r") or not line for line in first.split("\n"))  # CRLF


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (
            {"executor": "территориальная"},
            {(CAL_ID, 3), (WORK_ID, 1), (WORK_ID, 2), (WORK_ID, 3), (WORK_ID, 4)},
        ),
        ({"executor": "уик"}, {(CAL_ID, 7)}),  # written short name
        ({"doc_ids": [WORK_ID[:10]]}, {(WORK_ID, 1), (WORK_ID, 2), (WORK_ID, 3), (WORK_ID, 4)}),
        ({"doc_ids": ["plans/work_plan.pdf"]}, {(WORK_ID, o) for o in (1, 2, 3, 4)}),
        (
            {"start": date(2026, 9, 1), "end": date(2026, 9, 30)},
            {(CAL_ID, 6), (CAL_ID, 7), (CAL_ID, 10)},
        ),
        ({"end": date(2026, 6, 12)}, {(CAL_ID, 1), (WORK_ID, 1)}),
    ],
)
def test_filters(out: str, tmp_path: Path, kw: dict[str, Any], expected: set[Any]) -> None:
    n, text = _export(out, tmp_path, **kw)
    got = set()
    for event in Calendar.from_ical(text).walk("VEVENT"):
        doc_id, ordinal = str(event["UID"]).removesuffix("@kalplan").rsplit("-", 1)
        got.add((doc_id, int(ordinal)))
    assert got == expected and n == len(expected)


def test_undated_items_are_counted(out: str, tmp_path: Path) -> None:
    _export(out, tmp_path)
    stats = ics_module.last_stats
    assert stats.undated == Expected().items - Expected().dated
    assert stats.written == Expected().dated


def test_todo_mode(out: str, tmp_path: Path) -> None:
    n, text = _export(out, tmp_path, todo=True)
    cal = Calendar.from_ical(text)
    assert not list(cal.walk("VEVENT"))
    todos = {str(t["UID"]): t for t in cal.walk("VTODO")}
    assert len(todos) == n == Expected().dated
    deadline = todos[f"{CAL_ID}-2@kalplan"]
    assert deadline.decoded("DUE") == date(2026, 8, 10) and "DTSTART" not in deadline
    window = todos[f"{WORK_ID}-1@kalplan"]
    assert window.decoded("DTSTART") == date(2026, 3, 1)
    assert window.decoded("DUE") == date(2026, 6, 30)
    timed = todos[f"{CAL_ID}-3@kalplan"]
    assert timed.decoded("DUE") == datetime(2026, 8, 5, 18, 0)
    series = todos[f"{CAL_ID}-6@kalplan"]
    assert "RRULE" in series and series.decoded("DTSTART") == date(2026, 7, 1)
    ics = pytest.importorskip("ics")
    assert len(ics.Calendar(text).todos) == n


def test_empty_output_gives_a_valid_empty_calendar(tmp_path: Path) -> None:
    n, text = _export(str(tmp_path / "nothing"), tmp_path)
    assert n == 0
    cal = Calendar.from_ical(text)
    assert cal["VERSION"] == "2.0" and not list(cal.walk("VEVENT"))


def _raw(**fields: Any) -> dict[str, Any]:
    base = {
        "doc_id": "d" * 64,
        "ordinal": 1,
        "deadline_kind": "date",
        "deadline_start": None,
        "deadline_end": None,
        "deadline_start_time": None,
        "deadline_end_time": None,
        "recurrence": None,
    }
    return base | fields


@pytest.mark.parametrize(
    ("fields", "dtstart", "dtend"),
    [
        (
            {"deadline_start": date(2026, 7, 5), "deadline_end": date(2026, 7, 5)},
            date(2026, 7, 5),
            date(2026, 7, 6),
        ),
        (
            {
                "deadline_start": date(2026, 7, 5),
                "deadline_end": date(2026, 7, 5),
                "deadline_start_time": "10:00",
            },
            datetime(2026, 7, 5, 10),
            None,
        ),
        (
            {"deadline_kind": "by", "deadline_end": date(2026, 7, 5), "deadline_end_time": "24:00"},
            datetime(2026, 7, 6, 0, 0),
            None,
        ),
        (
            {
                "deadline_kind": "range",
                "deadline_start": date(2026, 7, 1),
                "deadline_end": date(2026, 7, 3),
                "deadline_start_time": "09:00",
            },
            datetime(2026, 7, 1, 9),
            datetime(2026, 7, 4),
        ),
    ],
)
def test_event_times(fields: dict[str, Any], dtstart: Any, dtend: Any) -> None:
    item = _raw(**fields)
    span = ics_module._span(item)
    assert span is not None
    assert ics_module._times(item, *span) == (dtstart, dtend)


def test_invalid_recurrence_gives_a_single_event() -> None:
    item = _raw(
        deadline_kind="recurring", deadline_start=date(2026, 7, 1), recurrence="FREQ=SOMETIMES"
    )
    assert ics_module._rrule(item, date(2026, 7, 1)) is None
