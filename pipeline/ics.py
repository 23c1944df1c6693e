"""Calendar export (RFC 5545): one event (or to-do) per dated plan item.

All-day items become all-day events (DTEND exclusive: the day after the last day). Items
with a stated time ("до 18 часов", "с 8 до 20 часов") get date-times in *floating* local
time — no time zone, so a calendar shows them at that clock time wherever it is, which is
what a plan means by "18 часов". Recurring items with a start date carry an RRULE (bounded
by ``deadline_end`` when the plan gives one). Undated items are skipped. UIDs are
``{doc_id}-{ordinal}@kalplan`` and DTSTAMP is the document's ``ingested_at``, so exporting
the same datasets twice gives byte-identical files and a calendar re-import updates events
instead of duplicating them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import fsspec
from icalendar import Calendar, Event, Todo, vRecur

from pipeline.store import DatasetStore

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 120
PRODID = "-//kalplan//election plans//RU"


@dataclass(frozen=True, slots=True)
class ExportStats:
    """What the last export wrote and skipped."""

    written: int
    undated: int
    filtered: int


last_stats = ExportStats(0, 0, 0)


def _norm(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Shorten at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def _at(day: date, hhmm: str) -> datetime:
    """A floating local date-time; "24:00" is midnight of the next day."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if hours == 24:
        return datetime.combine(day + timedelta(days=1), time(0, minutes))
    return datetime.combine(day, time(hours, minutes))


def _span(item: dict[str, Any]) -> tuple[date, date] | None:
    """First and last day (inclusive) of the item's calendar entry, or None if undated."""
    start, end = item["deadline_start"], item["deadline_end"]
    kind = item["deadline_kind"]
    if start is None and end is None:
        return None
    if kind == "recurring" or end is None:  # one occurrence / the opening day of a `from`
        return start or end, start or end
    if start is None:  # `by`: the deadline day
        return end, end
    return (start, end) if start <= end else (end, start)


def _times(item: dict[str, Any], first: date, last: date) -> tuple[Any, Any]:
    """DTSTART and DTEND values (DTEND None: a zero-length moment)."""
    t0, t1 = item["deadline_start_time"], item["deadline_end_time"]
    if item["deadline_kind"] == "recurring":
        last = first
    if not t0 and not t1:
        return first, last + timedelta(days=1)
    if item["deadline_kind"] == "by" or (first == last and not (t0 and t1)):
        return _at(last, t1 or t0), None  # "до 18 часов 5 июля": the moment of the deadline
    begin = _at(first, t0) if t0 else datetime.combine(first, time(0))
    finish = _at(last, t1) if t1 else datetime.combine(last + timedelta(days=1), time(0))
    return begin, (finish if finish > begin else None)


def _rrule(item: dict[str, Any], dtstart: date | datetime) -> vRecur | None:
    rule = item["recurrence"]
    if item["deadline_kind"] != "recurring" or not rule or item["deadline_start"] is None:
        return None
    try:
        recur = vRecur.from_ical(rule)
    except ValueError:
        log.warning(
            "item %s-%s: recurrence %r is not a valid RRULE", item["doc_id"], item["ordinal"], rule
        )
        return None
    end = item["deadline_end"]
    if end is not None and "UNTIL" not in recur and "COUNT" not in recur:
        recur["UNTIL"] = [end if not isinstance(dtstart, datetime) else _at(end, "23:59")]
    return recur


def _description(item: dict[str, Any], doc: dict[str, Any]) -> str:
    lines = [f"Срок: {item['deadline_text']}" if item["deadline_text"] else ""]
    if len(" ".join(item["action"].split())) > SUMMARY_LIMIT:
        lines.append(item["action"])
    who = item["executors_canonical"] or item["executors"]
    if who:
        lines.append("Исполнители: " + "; ".join(who))
    refs = [r["text"] for r in item["legal_refs"] or [] if r.get("text")]
    if refs:
        lines.append("Основание: " + "; ".join(refs))
    where = [f"пункт {item['item_no']}"] if item["item_no"] else []
    if doc.get("title"):
        where.append(doc["title"])
    where.append(doc["source"])
    lines.append("План: " + ", ".join(where))
    lines.extend(f"Внимание: {w}" for w in item["warnings"] or [])
    return "\n".join(x for x in lines if x)


def _matches_executor(item: dict[str, Any], needle: str) -> bool:
    pool = [*(item["executors"] or []), *(item["executors_canonical"] or [])]
    return any(_norm(needle) in _norm(name) for name in pool)


def _matches_doc(doc: dict[str, Any], wanted: Iterable[str]) -> bool:
    return any(w and (doc["doc_id"].startswith(w.lower()) or doc["source"] == w) for w in wanted)


def _in_range(
    item: dict[str, Any], span: tuple[date, date], lo: date | None, hi: date | None
) -> bool:
    first, last = span
    if item["deadline_kind"] == "recurring":  # the whole series counts
        last = item["deadline_end"] or date.max
    return (hi is None or first <= hi) and (lo is None or last >= lo)


def _component(item: dict[str, Any], doc: dict[str, Any], todo: bool) -> Event | Todo | None:
    span = _span(item)
    if span is None:
        return None
    first, last = span
    begin, finish = _times(item, first, last)
    recur = _rrule(item, begin)
    comp: Event | Todo = Todo() if todo else Event()
    comp.add("uid", f"{item['doc_id']}-{item['ordinal']}@kalplan")
    comp.add("dtstamp", doc["ingested_at"])
    comp.add("summary", _truncate(item["action"] or item["deadline_text"]))
    if todo:
        recurring = recur is not None
        if recurring or item["deadline_kind"] == "from" or (finish is not None and first < last):
            comp.add("dtstart", begin)
        if not recurring and item["deadline_kind"] != "from":
            # DUE is the day (or moment) the task is due; with a window it follows DTSTART.
            due = (
                begin
                if finish is None
                else (finish - timedelta(days=1) if _is_day(finish) else finish)
            )
            comp.add("due", due)
    else:
        comp.add("dtstart", begin)
        if finish is not None:
            comp.add("dtend", finish)
    if recur is not None:
        comp.add("rrule", recur)
    comp.add("description", _description(item, doc))
    if item["section"]:
        comp.add("categories", [item["section"]])
    if not todo:
        comp.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return comp


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def build_calendar(
    out: str,
    *,
    doc_ids: list[str] | None = None,
    executor: str | None = None,
    start: date | None = None,
    end: date | None = None,
    todo: bool = False,
) -> tuple[Calendar, ExportStats]:
    """The calendar for the datasets under ``out`` and what went into it."""
    store = DatasetStore(out)
    docs = {d["doc_id"]: d for d in store.read("documents").to_pylist()}
    items = sorted(
        store.read("items").to_pylist(),
        key=lambda i: (docs.get(i["doc_id"], {}).get("source", ""), i["doc_id"], i["ordinal"]),
    )
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    chosen = [d for d in docs.values() if not doc_ids or _matches_doc(d, doc_ids)]
    name = chosen[0]["title"] if len(chosen) == 1 and chosen[0]["title"] else "kalplan"
    cal.add("x-wr-calname", _truncate(name, 80))
    written = undated = filtered = 0
    for item in items:
        doc = docs.get(item["doc_id"])
        if doc is None or (doc_ids and not _matches_doc(doc, doc_ids)):
            continue
        if executor and not _matches_executor(item, executor):
            continue
        span = _span(item)
        if span is None:
            undated += 1
            continue
        if not _in_range(item, span, start, end):
            filtered += 1
            continue
        comp = _component(item, doc, todo)
        if comp is not None:
            cal.add_component(comp)
            written += 1
    return cal, ExportStats(written, undated, filtered)


def export_ics(
    out: str,
    to: str,
    *,
    doc_ids: list[str] | None = None,
    executor: str | None = None,
    start: date | None = None,
    end: date | None = None,
    todo: bool = False,
) -> int:
    """Write the items of ``out`` as an .ics file to ``to``; returns the events written.

    Filters: ``doc_ids`` (doc_id, a doc_id prefix, or the source path), ``executor``
    (case-insensitive substring of a written or canonical executor), ``start``/``end``
    (the item's window touches the range). ``todo`` writes VTODO with DUE instead of VEVENT.
    """
    global last_stats
    cal, stats = build_calendar(
        out, doc_ids=doc_ids, executor=executor, start=start, end=end, todo=todo
    )
    last_stats = stats
    if stats.undated:
        log.info("skipped %d items without a date", stats.undated)
    fs, path = fsspec.core.url_to_fs(to)
    parent = str(Path(path).parent)
    if parent not in ("", "."):
        fs.makedirs(parent, exist_ok=True)
    with fs.open(path, "wb") as fh:
        fh.write(cal.to_ical())
    return stats.written
