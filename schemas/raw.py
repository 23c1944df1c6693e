"""Raw table model: what extractors produce and parsers consume.

Extractors turn a file into a :class:`RawDocument` — its blocks in reading order,
each either a :class:`Paragraph` of free text or a :class:`Table` of cells with
page/position provenance. Parsers never see file formats, only this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["pdf", "image", "docx", "doc", "rtf", "odt", "html", "txt"]
Method = Literal["text_layer", "ocr", "docx", "html", "text", "converted"]

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell. A merged cell appears once, with its span."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None  # OCR mean word confidence, 0..100

    def with_text(self, text: str) -> Cell:
        """The same cell with other text (cheaper than ``dataclasses.replace``)."""
        return Cell(
            text, self.row, self.col, self.rowspan, self.colspan, self.page, self.bbox,
            self.confidence,
        )  # fmt: skip


@dataclass(slots=True)
class Table:
    """A table: rows of cells in reading order; ``n_cols`` is the grid width."""

    rows: list[list[Cell]]
    n_cols: int
    page: int | None = None

    def texts(self) -> list[list[str]]:
        """Cell texts row by row (merged cells once)."""
        return [[c.text for c in row] for row in self.rows]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of free text outside tables: one line or paragraph of the source."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None


Block = Paragraph | Table


@dataclass(slots=True)
class RawDocument:
    """Everything an extractor read from one file, formats erased."""

    source: str
    format: Format
    method: Method
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]
