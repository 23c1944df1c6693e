"""A RawDocument to a parsed plan: header, definitions, and typed items.

This is the one place that composes the fact parsers; each of them stays ignorant of
the others and of file formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from parsers import morph
from parsers.deadlines import parse_deadline
from parsers.definitions import Glossary, find_definitions, list_definitions
from parsers.executors import canonical_executors, split_executors
from parsers.header import Header, parse_header
from parsers.legal_refs import parse_legal_refs
from parsers.ocr_fix import fix_ocr_text
from parsers.row import PlanRow
from parsers.rows import read_plan_rows
from schemas import Anchors, Definition, RawDocument

_WS = re.compile(r"\s+")
LOW_CONFIDENCE = 60.0


class NotAPlan(ValueError):
    """The document has no plan table or numbered items."""


@dataclass(slots=True)
class ParsedPlan:
    """Document-level fields and item dicts, ready to become records."""

    header: Header
    anchors: Anchors
    definitions: list[Definition]
    items: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Collapse whitespace (line breaks included) to single spaces."""
    return _WS.sub(" ", text).strip()


def parse_plan(raw: RawDocument, overrides: Anchors | None = None) -> ParsedPlan:
    """Parse one document; ``overrides`` replaces the anchors found in it."""
    layout = read_plan_rows(raw)
    if not layout.rows:
        raise NotAPlan("no plan table or numbered plan items were found in the document")
    header_lines = layout.header
    if raw.method == "ocr":
        header_lines = [fix_ocr_text(line, "text") for line in header_lines]
    header = parse_header(header_lines)
    if layout.footer and not (header.publication_date and header.voting_day):
        _anchors_from_note(header, layout.footer)
    anchors = Anchors(
        publication=header.publication_date,
        voting_day=header.voting_day,
        voting_last_day=header.voting_last_day,
        approval=header.act_date,
        year=header.year,
    )
    if overrides is not None:
        anchors = reanchor(anchors, overrides)
    definitions = _definitions(layout.header, layout.rows, layout.footer)
    glossary = Glossary(definitions)
    header.issuer = _spelled_out(header.issuer, glossary)
    items = [_item(i, row, anchors, glossary) for i, row in enumerate(layout.rows, start=1)]
    warnings = list(raw.warnings)
    if (
        anchors.rules_win
        and header.publication_date
        and anchors.publication == header.publication_date
    ):
        warnings.append(
            f"REANCHOR_PARTIAL: the publication date {header.publication_date.isoformat()} is "
            "the document's own; deadlines counted from it were not moved"
        )
    if header.kind == "election_calendar" and anchors.voting_day is None:
        warnings.append("NO_VOTING_DAY: the plan states no voting day; relative dates stay open")
    return ParsedPlan(header, anchors, definitions, items, warnings)


def _anchors_from_note(header: Header, footer: list[str]) -> None:
    """Dates the header lacks, from a note under the table ("Примечание. Решение о
    назначении выборов опубликовано 10 июня …; день голосования – 8 сентября …")."""
    note = parse_header(footer)
    for name in ("publication_date", "voting_day", "voting_last_day"):
        if getattr(header, name) is None:
            setattr(header, name, getattr(note, name))
    header.year = header.year or note.year
    if header.kind == "other" and header.voting_day is not None:
        header.kind = "election_calendar"  # no title, but a plan counted to a voting day


def _spelled_out(name: str | None, glossary: Glossary) -> str | None:
    """A short name the document defines ("ТИК") as its meaning, capitalised as a name."""
    meaning = glossary.meaning_of(name) if name else None
    if not meaning:
        return name
    meaning = morph.to_nominative(meaning, "sing")
    return meaning[:1].upper() + meaning[1:]


def reanchor(found: Anchors, overrides: Anchors) -> Anchors:
    """The document's anchors with the user's overrides applied.

    A new voting day also moves the plan to its year and drops the old last voting day;
    when an anchor moves, every relative deadline is recomputed from it and the dates the
    old plan stated beside its rules give way (each in a ``REANCHORED`` warning).
    """
    if overrides.voting_day is not None:
        found = replace(found, voting_last_day=None, year=overrides.voting_day.year)
    moved = any(
        getattr(overrides, k) not in (None, getattr(found, k))
        for k in ("voting_day", "publication")
    )
    return replace(found.overridden(overrides), rules_win=moved or None)


def _definitions(header: list[str], rows: list[PlanRow], footer: list[str]) -> list[Definition]:
    texts = [  # header and footer lines read as running text: a definition may wrap
        "\n".join(header),
        *(f"{r.action}\n{r.deadline}\n{r.executor}\n{r.basis}" for r in rows),
        "\n".join(footer),
    ]
    seen: dict[str, Definition] = {}
    for text in texts:
        if "далее" not in text.lower():
            continue
        for d in find_definitions(normalise(text)):
            seen.setdefault(d.term.lower(), d)
    for d in list_definitions([*header, *footer]):  # "Сокращения: ТИК – …"
        seen.setdefault(d.term.lower(), d)
    return list(seen.values())


def _item(ordinal: int, row: PlanRow, anchors: Anchors, glossary: Glossary) -> dict[str, Any]:
    action, deadline_cell, executor_cell = row.action, row.deadline, row.executor
    if row.confidence is not None:
        action = fix_ocr_text(action, "action")
        deadline_cell = fix_ocr_text(deadline_cell, "deadline")
        executor_cell = fix_ocr_text(executor_cell, "executor")
    action, deadline_text = normalise(action), normalise(deadline_cell)
    deadline = parse_deadline(deadline_text, anchors)
    executors = split_executors(executor_cell)
    warnings = list(deadline.warnings)
    if row.confidence is not None and row.confidence < LOW_CONFIDENCE:
        warnings.append(f"LOW_OCR_CONFIDENCE: {row.confidence:.0f}")
    basis = normalise(fix_ocr_text(row.basis, "text") if row.confidence else row.basis)
    refs = parse_legal_refs(" ".join(x for x in (action, deadline_text) if x), glossary)
    refs += parse_legal_refs(basis, glossary, basis=True)
    return {
        "ordinal": ordinal,
        "item_no": row.item_no,
        "section": normalise(
            fix_ocr_text(row.section, "section") if row.confidence else row.section
        )
        if row.section
        else None,
        "action": action,
        "deadline_text": deadline_text,
        "deadline_kind": deadline.kind,
        "deadline_start": deadline.start,
        "deadline_end": deadline.end,
        "deadline_start_time": deadline.start_time,
        "deadline_end_time": deadline.end_time,
        "anchor": deadline.anchor,
        "offset_days": deadline.offset_days,
        "recurrence": deadline.recurrence,
        "date_source": deadline.date_source,
        "executors": executors,
        "executors_canonical": canonical_executors(executors, glossary),
        "legal_refs": refs,
        "warnings": warnings,
        "page": row.page,
        "confidence": row.confidence,
    }
