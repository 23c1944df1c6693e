"""One document through the stages: read → extract → parse → validate.

A pure function of its input (no Prefect, no I/O but reading the file), so it runs the
same in a thread, a process or on a Dask worker. Every failure becomes a
:class:`FailureRecord` naming the stage and a reason a user understands.
"""

from __future__ import annotations

import gc
import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pipeline.discover import InputError, InputFile
from pipeline.version import PIPELINE_VERSION
from schemas import Anchors, DocumentRecord, FailureRecord, ItemRecord

if TYPE_CHECKING:  # the extractors and parsers load on first use: the flow's parent
    from parsers.plan import ParsedPlan  # process never needs them


@dataclass(slots=True)
class Outcome:
    """What one input produced: a document with items, or a failure."""

    source: str
    doc_id: str | None = None
    document: DocumentRecord | None = None
    items: list[ItemRecord] = field(default_factory=list)
    failure: FailureRecord | None = None
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Per-run settings shipped to every task."""

    overrides: Anchors | None = None
    timeout: float = 120.0  # seconds per document; past it the document is a failure
    max_pages: int | None = None  # None: the extractors' default
    isolate: bool = True  # run each document in a killable worker process
    processor: str = "pipeline.process:process"  # the per-document function (tests swap it)


def warm_up() -> None:
    """Load the extractors and parsers now (a worker does it before taking jobs).

    Imports every backend and reads a two-line plan, so that the parsers' lazy tables
    are built before the first real document starts its clock.
    """
    from extractors import backend_class, extract
    from parsers.plan import parse_plan

    for fmt in ("pdf", "docx", "doc", "html", "txt"):
        try:
            backend_class(fmt)  # type: ignore[arg-type]
        except Exception:  # a missing optional backend is reported per document
            continue
    text = "1.\tПроведение заседания комиссии\tне позднее 1 марта\tКомиссия\n"
    text += "2.\tОпубликование решения\tв течение 5 дней\tКомиссия\n"
    try:
        parse_plan(extract("warm-up.txt", text.encode()))
    except Exception:
        return
    # What is loaded now (dictionaries, grammars, modules) lives as long as the process:
    # keep it out of the cyclic collector's scans (and of copy-on-write after fork).
    gc.collect()
    gc.freeze()


def run_version(options: RunOptions) -> str:
    """The version a run stamps on its records: the pipeline's, plus the anchors the user
    gave ("0.1.0+voting_day=2026-09-20"), so a re-anchored run is not skipped as done."""
    given = options.overrides
    if given is None:
        return PIPELINE_VERSION
    parts = [
        f"{name}={value.isoformat() if hasattr(value, 'isoformat') else value}"
        for name in ("publication", "voting_day", "year")
        if (value := getattr(given, name)) is not None
    ]
    return "+".join([PIPELINE_VERSION, ",".join(parts)]) if parts else PIPELINE_VERSION


def stamped(outcome: Outcome, version: str) -> Outcome:
    """The outcome with its records carrying ``version``."""
    if outcome.document is not None:
        outcome.document = outcome.document.model_copy(update={"pipeline_version": version})
    if outcome.failure is not None:
        outcome.failure = outcome.failure.model_copy(update={"pipeline_version": version})
    return outcome


def doc_id_of(data: bytes) -> str:
    """The document key: sha256 hex of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def fail_outcome(
    inp: InputFile,
    stage: str,
    error: str,
    *,
    doc_id: str | None = None,
    fmt: str | None = None,
    detail: str | None = None,
) -> Outcome:
    """An outcome recording why an input produced no plan."""
    record = FailureRecord(
        source=inp.source,
        doc_id=doc_id,
        format=fmt,
        stage=stage,  # type: ignore[arg-type]
        error=error,
        detail=detail,
        ingested_at=datetime.now(UTC),
    )
    return Outcome(source=inp.source, doc_id=doc_id, failure=record)


def process(
    inp: InputFile,
    options: RunOptions,
    data: bytes | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> Outcome:
    """Run one input through every stage; never raises.

    ``on_stage`` is told the name of each stage as it starts (the worker supervisor uses
    it to say where a document that timed out was stuck).
    """
    started = datetime.now(UTC)
    stage = _StageTracker(on_stage)
    try:
        outcome = _process(inp, options, data, stage)
    except MemoryError:
        outcome = fail_outcome(
            inp,
            stage.current,
            "the file needs more memory than a worker may use",
            detail=traceback.format_exc(limit=8),
        )
    except Exception as err:  # a bug must not stop the batch: record it
        outcome = fail_outcome(
            inp,
            stage.current if stage.current != "read" else "parse",
            f"internal error while reading the plan: {err}",
            detail=traceback.format_exc(limit=8),
        )
    outcome.seconds = (datetime.now(UTC) - started).total_seconds()
    return outcome


class _StageTracker:
    def __init__(self, listener: Callable[[str], None] | None) -> None:
        self.listener = listener
        self.current = "read"

    def __call__(self, stage: str) -> None:
        self.current = stage
        if self.listener is not None:
            self.listener(stage)


def _process(
    inp: InputFile, options: RunOptions, data: bytes | None, stage: _StageTracker
) -> Outcome:
    from pydantic import ValidationError

    from extractors import ExtractionError, extract
    from extractors.base import ExtractOptions
    from parsers.plan import NotAPlan, parse_plan

    stage("read")
    if data is None:
        try:
            data = inp.read()
        except InputError as err:
            return fail_outcome(inp, "read", str(err))
    doc_id = doc_id_of(data)
    if not data.strip():
        return fail_outcome(inp, "read", "the file is empty", doc_id=doc_id)
    stage("extract")
    extract_options = ExtractOptions(timeout=options.timeout)
    if options.max_pages is not None:
        extract_options.max_pages = options.max_pages
    try:
        raw = extract(inp.name, data, extract_options)
    except ExtractionError as err:
        return fail_outcome(
            inp,
            err.stage if err.stage in ("read", "extract") else "extract",
            str(err),
            doc_id=doc_id,
            detail=err.detail,
        )
    raw.source = inp.source
    stage("parse")
    try:
        plan = parse_plan(raw, options.overrides)
    except NotAPlan as err:
        return fail_outcome(inp, "parse", f"not a plan: {err}", doc_id=doc_id, fmt=raw.format)
    stage("validate")
    try:
        document, items = _records(doc_id, raw.source, raw.format, raw.method, plan)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return fail_outcome(
            inp,
            "validate",
            f"a record failed validation ({where}: {first['msg']})",
            doc_id=doc_id,
            fmt=raw.format,
            detail=str(err),
        )
    return Outcome(source=inp.source, doc_id=doc_id, document=document, items=items)


def _records(
    doc_id: str, source: str, fmt: str, method: str, plan: ParsedPlan
) -> tuple[DocumentRecord, list[ItemRecord]]:
    now = datetime.now(UTC)
    items = [ItemRecord(doc_id=doc_id, **item) for item in plan.items]
    h = plan.header
    document = DocumentRecord(
        doc_id=doc_id,
        source=source,
        format=fmt,
        method=method,  # type: ignore[arg-type]
        title=h.title,
        kind=h.kind,
        issuer=h.issuer,
        act_date=h.act_date,
        act_number=h.act_number,
        approved_by=h.approved_by,
        publication_date=plan.anchors.publication,
        voting_day=plan.anchors.voting_day,
        year=plan.anchors.default_year,
        definitions=plan.definitions,
        items=len(items),
        warnings=plan.warnings,
        pipeline_version=PIPELINE_VERSION,
        ingested_at=now,
    )
    return document, items
