"""kalplan's data model: raw tables (extractor → parser) and output records."""

from schemas.anchors import Anchors
from schemas.arrow import DATASETS, schema_of
from schemas.raw import Block, Cell, Format, Method, Paragraph, RawDocument, Table
from schemas.records import (
    DeadlineKind,
    Definition,
    DocumentRecord,
    FailureRecord,
    ItemRecord,
    LegalRef,
)

__all__ = [
    "DATASETS",
    "Anchors",
    "Block",
    "Cell",
    "DeadlineKind",
    "Definition",
    "DocumentRecord",
    "FailureRecord",
    "Format",
    "ItemRecord",
    "LegalRef",
    "Method",
    "Paragraph",
    "RawDocument",
    "Table",
    "schema_of",
]
