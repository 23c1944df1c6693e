"""The output records: the one definition of ``documents``, ``items`` and ``failures``.

Validation (pydantic) and the Parquet schema (:mod:`schemas.arrow`) both derive
from these classes; see CONTRACT in the README.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), "int32"]

DeadlineKind = Literal[
    "date", "by", "from", "range", "recurring", "ongoing", "on_event", "separate_plan", "none"
]
DocKind = Literal["election_calendar", "work_plan", "other"]
DateSource = Literal["stated", "computed", "both"]
Stage = Literal["read", "extract", "parse", "validate", "write"]

_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Record(BaseModel):
    """Base: strict field set, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Definition(Record):
    """A short name the document defines: "(далее – term)"."""

    term: str
    meaning: str


class LegalRef(Record):
    """One cited provision."""

    act: str
    article: str | None = None
    part: str | None = None
    point: str | None = None
    subpoint: str | None = None
    text: str


class DocumentRecord(Record):
    """One input file read as a plan."""

    doc_id: str
    source: str
    format: Literal["pdf", "image", "docx", "doc", "rtf", "odt", "html", "txt"]
    method: Literal["text_layer", "ocr", "docx", "html", "text", "converted"]
    title: str | None = None
    kind: DocKind = "other"
    issuer: str | None = None
    act_date: date | None = None
    act_number: str | None = None
    approved_by: str | None = None
    publication_date: date | None = None
    voting_day: date | None = None
    year: Int32 | None = None
    definitions: list[Definition] = []
    items: Int32 = 0
    warnings: list[str] = []
    pipeline_version: str  # "0.1.0", or "0.1.0+voting_day=2026-09-20" when anchors were given
    ingested_at: datetime

    @field_validator("doc_id")
    @classmethod
    def _sha(cls, v: str) -> str:
        if not _SHA256.match(v):
            raise ValueError("doc_id must be a sha256 hex digest")
        return v


class ItemRecord(Record):
    """One plan item (table row)."""

    doc_id: str
    ordinal: Int32 = Field(ge=1)
    item_no: str | None = None
    section: str | None = None
    action: str
    deadline_text: str = ""
    deadline_kind: DeadlineKind = "none"
    deadline_start: date | None = None
    deadline_end: date | None = None
    deadline_start_time: str | None = None
    deadline_end_time: str | None = None
    anchor: str | None = None
    offset_days: Int32 | None = None
    recurrence: str | None = None
    date_source: DateSource | None = None
    executors: list[str] = []
    executors_canonical: list[str] = []
    legal_refs: list[LegalRef] = []
    warnings: list[str] = []
    page: Int32 | None = None
    confidence: float | None = None  # extra column: OCR confidence of the row, 0..100

    @field_validator("deadline_start_time", "deadline_end_time")
    @classmethod
    def _hhmm(cls, v: str | None) -> str | None:
        if v is not None and not _TIME.match(v):
            raise ValueError(f"time {v!r} is not HH:MM")
        return v

    @model_validator(mode="after")
    def _window(self) -> ItemRecord:
        if not self.action.strip() and not self.deadline_text.strip():
            raise ValueError("item has neither action nor deadline text")
        if self.recurrence is not None and not self.recurrence.startswith("FREQ="):
            raise ValueError(f"recurrence {self.recurrence!r} is not an RRULE value")
        if self.deadline_kind == "date" and self.deadline_start != self.deadline_end:
            raise ValueError("a one-day deadline must have start == end")
        if self.deadline_kind == "by" and self.deadline_start is not None:
            raise ValueError("a 'by' deadline has no start")
        if self.deadline_kind == "from" and self.deadline_end is not None:
            raise ValueError("a 'from' deadline has no end")
        return self


class FailureRecord(Record):
    """One input that produced no plan, with the reason."""

    source: str
    doc_id: str | None = None
    format: str | None = None
    stage: Stage
    error: str
    detail: str | None = None
    ingested_at: datetime
    pipeline_version: str | None = None  # extra column: a newer pipeline retries the file
