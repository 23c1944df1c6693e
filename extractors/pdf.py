"""PDF with a text layer (method ``text_layer``), via pdfplumber.

Per page: tables from ruling lines (``find_tables``, line strategy); a page with no ruling
lines at all is laid out from its words by :mod:`extractors.layout` (the reading a scanned
page without rules gets too); text outside tables is one Paragraph per line, all ordered
top to bottom.
Cell lines are joined with ``\\n`` except hyphenated word breaks (``отдель-``/``ного``).

Across pages a table whose continuation starts the next page (same columns, same
x-positions) is merged into one Table: a repeated header row and a column-number row
("1 2 3 4") are dropped, and a row split by the page break (its № cell empty, its text
continuing) is merged into the previous row cell by cell.

Pages without a usable text layer (no characters but images, ``(cid:N)`` glyphs, mostly
non-letters) go to ``extractors.ocr.ocr_pdf_pages`` when that module exists.
Coordinates are pdfplumber's: points, origin top-left; pages are 1-based.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.util
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from extractors.base import Backend, ExtractionError
from extractors.layout import layout_page, lines_by_position
from extractors.pdfium_page import LOCK, PdfiumPage, PdfWord
from extractors.textutil import (
    Vocabulary,
    clean_cell_text,
    join_wrapped_lines,
    normalize_line,
    normalize_lines,
    normalize_ws,
)
from schemas import Block, Cell, Paragraph, RawDocument, Table
from schemas.raw import BBox

LINE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
TOL = 2.0  # points: coordinates closer than this are the same grid line
EDGE_TOL = 4.0  # points: column edges of two table parts that still match
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|(?:стр\.?|страница)\s*\d{1,4}(?:\s*из\s*\d{1,4})?)$", re.I
)
_CONTINUATION_START = re.compile(r"^[a-zа-яё,;:)\].\-–—]")


@dataclass
class _TableInfo:
    """A table as read from one page, with the geometry needed to join parts."""

    table: Table
    xs: list[float]  # left edges of the grid columns
    right: float
    top: float
    bottom: float


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, Paragraph | _TableInfo]] = field(default_factory=list)
    needs_ocr: str | None = None  # why the text layer is unusable
    has_content: bool = True


def _cluster(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _count_in(grid: list[float], lo: float, hi: float) -> int:
    """Grid lines in ``[lo, hi)`` with tolerance."""
    return bisect.bisect_left(grid, hi - TOL) - bisect.bisect_left(grid, lo - TOL)


def _index(grid: list[float], v: float) -> int:
    return max(0, bisect.bisect_left(grid, v - TOL))


_CID = re.compile(r"\(cid:\d+\)")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_LATIN1 = re.compile("[\u00c0-\u00ff]")
_PRIVATE = re.compile("[\ue000-\uf8ff]")


def text_layer_problem(texts: Iterable[str], has_images: bool) -> str | None:
    """Why a page's text layer (its characters' or words' texts) is unusable (``None``
    when it is fine)."""
    joined = _SPACE.sub("", "".join(texts))
    cids = len(_CID.findall(joined))
    if cids:
        joined = _CID.sub("", joined)
    n = len(joined) + cids  # an unmapped glyph is one character
    if not n:
        return "no text layer" if has_images else None
    if cids > 0.1 * n:
        return "unmapped glyphs (cid)"
    letters = len(_LETTER.findall(joined))
    digits = len(_DIGIT.findall(joined))
    if n >= 20 and letters < 0.4 * n and letters + digits < 0.7 * n:
        return "mostly non-letters"
    latin1 = len(_LATIN1.findall(joined))
    private = len(_PRIVATE.findall(joined))
    if n >= 20 and (latin1 > 0.3 * max(letters, 1) or private > 0.3 * n):
        return "garbled encoding"
    return None


def _inside(w: PdfWord, bbox: tuple[float, float, float, float]) -> bool:
    h = (w.x0 + w.x1) / 2
    v = (w.top + w.bottom) / 2
    return bbox[0] <= h < bbox[2] and bbox[1] <= v < bbox[3]


def _partition(
    words: list[PdfWord], boxes: list[tuple[float, float, float, float]]
) -> tuple[list[list[PdfWord]], list[PdfWord]]:
    """The words whose centre lies in each box (the first that holds it), and the rest."""
    inside: list[list[PdfWord]] = [[] for _ in boxes]
    rest: list[PdfWord] = []
    for w in words:
        h = (w.x0 + w.x1) / 2
        v = (w.top + w.bottom) / 2
        for k, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= h < x1 and top <= v < bottom:
                inside[k].append(w)
                break
        else:
            rest.append(w)
    return inside, rest


def _lines(words: list[PdfWord]) -> list[tuple[str, BBox]]:
    """Words as visual lines, top to bottom, each with its box."""
    out: list[tuple[str, BBox]] = []
    for line in lines_by_position(words):
        text = normalize_line(" ".join(w.text for w in line))
        if text:
            box = (
                min(w.left for w in line),
                min(w.top for w in line),
                max(w.right for w in line),
                max(w.bottom for w in line),
            )
            out.append((text, box))
    return out


def _words_text(words: list[PdfWord]) -> str:
    """Text of a cell's words, one line per visual line: whether a break is a wrap or a
    new paragraph is for the parsers to decide (they know the language)."""
    import pdfplumber.utils

    if not words:
        return ""
    if all(w.upright for w in words):
        return normalize_lines(
            "\n".join(" ".join(w.text for w in ln) for ln in lines_by_position(words))
        )
    # vertical writing: pdfplumber's layout engine knows its direction
    chars = [c for w in words for c in (w.chars or ())]
    text = pdfplumber.utils.extract_text(chars) if chars else ""
    return "\n".join(x for x in (normalize_line(t) for t in text.split("\n")) if x)


def _dedupe(words: list[PdfWord]) -> list[PdfWord]:
    """Words printed twice at (almost) the same place ("fake bold") once."""
    seen: dict[str, list[PdfWord]] = {}
    out: list[PdfWord] = []
    for w in words:
        twins = seen.setdefault(w.text, [])
        if any(abs(t.x0 - w.x0) <= 1 and abs(t.top - w.top) <= 1 for t in twins):
            continue
        twins.append(w)
        out.append(w)
    return out


def _table_from_cells(
    bboxes: list[tuple[float, float, float, float]], words: list[PdfWord], page: int
) -> _TableInfo | None:
    xs = _cluster(b[0] for b in bboxes)
    tops = _cluster(b[1] for b in bboxes)
    if len(xs) < 2:
        return None
    right = max(b[2] for b in bboxes)
    bottom = max(b[3] for b in bboxes)
    ordered_boxes = sorted(bboxes, key=lambda b: (round(b[1], 1), b[0]))
    # each grid position → the cell covering it; each character → the cell at its centre
    owner: dict[tuple[int, int], int] = {}
    spans: list[tuple[int, int, int, int]] = []
    for k, b in enumerate(ordered_boxes):
        r, c = _index(tops, b[1]), _index(xs, b[0])
        rowspan = max(1, _count_in(tops, b[1], b[3]))
        colspan = max(1, _count_in(xs, b[0], b[2]))
        spans.append((r, c, rowspan, colspan))
        for rr in range(r, r + rowspan):
            for cc in range(c, c + colspan):
                owner.setdefault((rr, cc), k)
    texts: list[list[PdfWord]] = [[] for _ in ordered_boxes]
    for w in words:
        h = (w.x0 + w.x1) / 2
        v = (w.top + w.bottom) / 2
        at = owner.get((bisect.bisect_right(tops, v + 0.01) - 1, bisect.bisect_right(xs, h) - 1))
        if at is not None and _inside(w, ordered_boxes[at]):
            texts[at].append(w)
    row_of = {r: i for i, r in enumerate(sorted({span[0] for span in spans}))}
    rows: dict[int, list[Cell]] = {}
    for b, (r, c, rowspan, colspan), mine in zip(ordered_boxes, spans, texts, strict=True):
        rows.setdefault(r, []).append(
            Cell(_words_text(mine), row_of[r], c, rowspan, colspan, page=page, bbox=b[:4])
        )
    ordered = [sorted(rows[r], key=lambda cell: cell.col) for r in sorted(rows)]
    table = Table(rows=ordered, n_cols=len(xs), page=page)
    top = min(b[1] for b in bboxes)
    return _TableInfo(table=table, xs=xs, right=right, top=top, bottom=bottom)


class PdfBackend(Backend):
    """PDF files with a text layer; scanned pages are handed to OCR."""

    formats = ("pdf",)
    extensions = (".pdf",)

    def is_valid(self) -> bool:
        return b"%PDF-" in self.data[:1024]

    # -- opening -------------------------------------------------------------------
    def _open(self) -> Any:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        from extractors.pdfium_page import open_document

        password = str(self.options.extra.get("pdf_password", ""))
        try:
            return open_document(self.data, password)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) in (
                pdfium_c.FPDF_ERR_PASSWORD,
                pdfium_c.FPDF_ERR_SECURITY,
            ):
                raise ExtractionError("the PDF is encrypted", detail=repr(exc)) from exc
            raise ExtractionError(
                f"the PDF is damaged: {_describe(exc)}", detail=repr(exc)
            ) from exc

    # -- conversion ----------------------------------------------------------------
    def convert(self) -> RawDocument:
        pdf = self._open()
        doc = RawDocument(source=self.name, format="pdf", method="text_layer")
        pages: list[_Page] = []
        try:
            n_pages = len(pdf)
            if n_pages > self.options.max_pages:
                raise ExtractionError(
                    f"the PDF has {n_pages} pages, more than the limit of {self.options.max_pages}",
                    detail=self.name,
                )
            doc.pages = n_pages
            for number in range(1, n_pages + 1):
                try:
                    pages.append(self._read_page(PdfiumPage(pdf, number - 1), number))
                except ExtractionError:
                    raise
                except Exception as exc:
                    doc.warnings.append(f"PAGE_UNREADABLE: page {number}: {_describe(exc)}")
        finally:
            with LOCK:
                pdf.close()
        if not pages and n_pages:
            raise ExtractionError("the PDF is damaged: no page could be read", detail=self.name)
        self._run_ocr(pages, doc)
        doc.blocks.extend(_finish_cells(_join_pages(pages)))
        return doc

    def _read_page(self, page: PdfiumPage, number: int) -> _Page:
        words = _dedupe(page.words)
        result = _Page(number=number, height=float(page.height))
        problem = text_layer_problem((w.text for w in words), bool(page.images))
        if problem:
            result.needs_ocr = problem
            return result
        if not words:
            result.has_content = False
            return result
        infos, outside = self._tables(page, words, number)
        fragments = _fragments(infos, outside)
        if not infos or fragments:  # no (whole) ruled grid: text aligned by position?
            columns = [*infos[0].xs, infos[0].right] if fragments else None
            laid = _laid_out(page, words, number, columns)
            if any(isinstance(b, Table) for b in laid):
                result.items = [(_top_of(b), _as_info(b) if isinstance(b, Table) else b)
                                for b in laid]  # fmt: skip
                return result
        for info in infos:
            result.items.append((info.top, info))
        for text, bbox in _lines(outside):
            in_margin = bbox[1] < 0.08 * result.height or bbox[3] > 0.92 * result.height
            if in_margin and _PAGE_NUMBER.match(text):
                continue  # running page numbers carry nothing
            result.items.append((bbox[1], Paragraph(text=text, page=number, bbox=bbox)))
        result.items.sort(key=lambda item: item[0])
        return result

    @staticmethod
    def _tables(
        page: PdfiumPage, words: list[PdfWord], number: int
    ) -> tuple[list[_TableInfo], list[PdfWord]]:
        """The page's ruled tables, and the words outside them."""
        out = []
        found_tables = page.find_tables(table_settings=LINE_SETTINGS)
        per_table, rest = _partition(words, [found.bbox for found in found_tables])
        for found, mine in zip(found_tables, per_table, strict=True):
            info = _table_from_cells(list(found.cells), mine, number)
            if info is not None and any(c.text for row in info.table.rows for c in row):
                out.append(info)
            else:
                rest.extend(mine)
        if out:
            rest = _open_last_row(max(out, key=lambda i: i.bottom), page, rest, number)
        return out, rest

    # -- OCR -----------------------------------------------------------------------
    def _run_ocr(self, pages: list[_Page], doc: RawDocument) -> None:
        wanted = [p.number for p in pages if p.needs_ocr]
        if not wanted:
            return
        content = [p for p in pages if p.has_content]
        ocr = _ocr_module()
        if ocr is None or not hasattr(ocr, "ocr_pdf_pages"):
            if len(wanted) == len(content):
                reasons = sorted({p.needs_ocr or "" for p in pages if p.needs_ocr})
                raise ExtractionError(
                    "the PDF has no text layer; OCR is not available",
                    detail=f"{self.name}: pages {wanted}: {', '.join(reasons)}",
                )
            doc.warnings.append(
                "PAGES_WITHOUT_TEXT_LAYER: " + ", ".join(map(str, wanted)) + " (OCR not available)"
            )
            return
        result = ocr.ocr_pdf_pages(self.data, wanted, self.options)
        by_page = _blocks_by_page(result, wanted)
        for p in pages:
            if p.number in by_page:
                p.items = [(0.0, b) for b in by_page[p.number]]  # type: ignore[misc]
        if 2 * len(wanted) >= len(content):
            doc.method = "ocr"
        else:
            doc.warnings.append("PAGES_OCR: " + ", ".join(map(str, wanted)))


def _open_last_row(
    info: _TableInfo, page: PdfiumPage, words: list[PdfWord], number: int
) -> list[PdfWord]:
    """A row cut by the page break whose bottom rule was never drawn (browsers print it
    so): the table's column rules go on below its last row rule; the words between, in
    its columns, are one more row. Returns the words left outside."""
    walls = [
        e for e in page.edges
        if e["orientation"] == "v" and info.xs[0] - TOL <= e["x0"] <= info.right + TOL
        and e["top"] <= info.bottom + TOL and e["bottom"] > info.bottom + 2 * TOL
    ]  # fmt: skip
    if len(walls) < 2:
        return words
    low = min(e["bottom"] for e in walls)
    mine = [
        w for w in words
        if info.xs[0] <= (w.x0 + w.x1) / 2 <= info.right
        and info.bottom <= w.top and w.bottom <= low + TOL
    ]  # fmt: skip
    if not mine:
        return words
    cols: list[list[PdfWord]] = [[] for _ in info.xs]
    for w in mine:
        cols[max(0, bisect.bisect_right(info.xs, (w.x0 + w.x1) / 2) - 1)].append(w)
    r = len(info.table.rows)
    info.table.rows.append([Cell(_words_text(ws), r, c, page=number) for c, ws in enumerate(cols)])
    info.bottom = low
    taken = {id(w) for w in mine}
    return [w for w in words if id(w) not in taken]


def _fragments(infos: list[_TableInfo], outside: list[PdfWord]) -> bool:
    """The ruled tables are pieces of one table whose other rows have no rules: shaded
    rows of a zebra-striped table, or a grid drawn around some rows only. Two or more
    parts with the same columns, and text between them in those columns."""
    if len(infos) < 2:
        return False
    first = infos[0]
    same = all(
        len(i.xs) == len(first.xs)
        and all(abs(a - b) <= EDGE_TOL for a, b in zip(i.xs, first.xs, strict=True))
        for i in infos[1:]
    )
    if not same:
        return False
    ordered = sorted(infos, key=lambda i: i.top)
    gaps = [(a.bottom, b.top) for a, b in itertools.pairwise(ordered)]
    between = sum(
        1
        for w in outside
        if first.xs[0] <= w.x0 <= first.right and any(lo <= w.top < hi for lo, hi in gaps)
    )
    return between >= len(gaps)


def _laid_out(
    page: PdfiumPage, words: list[PdfWord], number: int, columns: list[float] | None = None
) -> list[Block]:
    """A page without (whole) ruling, laid out from its words by gaps and line positions
    (:mod:`extractors.layout`, the same reading as a scanned page without rules); the
    column edges of rules drawn around some rows, if any, hold for all of them."""
    lines = lines_by_position(words)
    return layout_page(lines, number, 72.0, float(page.height), lambda box: box, columns=columns)


def _top_of(block: Block) -> float:
    if isinstance(block, Table):
        tops = [c.bbox[1] for row in block.rows for c in row if c.bbox]
        return min(tops, default=0.0)
    return block.bbox[1] if block.bbox else 0.0


def _as_info(table: Table) -> _TableInfo:
    """A laid-out table with the geometry that joining page parts needs."""
    boxes = [c.bbox for row in table.rows for c in row if c.bbox and c.colspan == 1]
    xs: list[float] = []
    for col in range(table.n_cols):
        lefts = [c.bbox[0] for row in table.rows for c in row if c.col == col and c.bbox]
        xs.append(min(lefts) if lefts else (xs[-1] + 1 if xs else 0.0))
    right = max((b[2] for b in boxes), default=xs[-1] + 1)
    top = min((b[1] for b in boxes), default=0.0)
    bottom = max((b[3] for b in boxes), default=top)
    return _TableInfo(table=table, xs=xs, right=right, top=top, bottom=bottom)


def _ocr_module() -> Any:
    try:
        if importlib.util.find_spec("extractors.ocr") is None:
            return None
    except (ImportError, ValueError):
        return None
    return importlib.import_module("extractors.ocr")


def _blocks_by_page(result: Any, wanted: list[int]) -> dict[int, list[Block]]:
    """Normalise what the OCR hook returns: a RawDocument, {page: blocks} or blocks."""
    if isinstance(result, RawDocument):
        result = result.blocks
    if isinstance(result, Mapping):
        return {int(k): list(v) for k, v in result.items()}
    out: dict[int, list[Block]] = {}
    for block in result or []:
        page = getattr(block, "page", None) or wanted[0]
        out.setdefault(int(page), []).append(block)
    return out


def _describe(exc: BaseException) -> str:
    text = normalize_ws(str(exc)) or type(exc).__name__
    return text[:200]


# --- joining table parts across pages ----------------------------------------------


def _texts(row: list[Cell]) -> tuple[str, ...]:
    return tuple(normalize_ws(c.text).lower() for c in row)


def _is_column_numbers(row: list[Cell]) -> bool:
    texts = [normalize_ws(c.text).rstrip(".") for c in row]
    return len(texts) >= 2 and texts == [str(i) for i in range(1, len(texts) + 1)]


def _regrid(cont: _TableInfo, base: _TableInfo) -> list[list[Cell]] | None:
    """The continuation's cells on the base table's column grid (``None`` if they differ)."""
    if abs(cont.xs[0] - base.xs[0]) > EDGE_TOL or abs(cont.right - base.right) > EDGE_TOL:
        return None
    for x in cont.xs:
        if min(abs(x - b) for b in base.xs) > EDGE_TOL:
            return None
    rows = []
    for row in cont.table.rows:
        new_row = []
        for c in row:
            if c.bbox is None:
                return None
            x0, _, x1, _ = c.bbox
            col = min(range(len(base.xs)), key=lambda i: abs(base.xs[i] - x0))
            edges = [*base.xs, base.right]
            span = sum(1 for e in edges[col + 1 :] if e <= x1 + EDGE_TOL)
            new_row.append(replace(c, col=col, colspan=max(1, span)))
        rows.append(new_row)
    return rows


def _join_text(a: str, b: str) -> str:
    return f"{a}\n{b}" if a and b else a or b


def _finish_cells(blocks: list[Block]) -> list[Block]:
    """Cell lines are kept raw while pages are joined; now undo hyphenation (checked
    against the document's own words) and clean each cell."""
    vocabulary = Vocabulary()
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for c in row:
                    vocabulary.add(c.text)
        else:
            vocabulary.add(block.text)
    for block in blocks:
        if isinstance(block, Table):
            block.rows = [
                [
                    c.with_text(clean_cell_text(join_wrapped_lines(c.text.split("\n"), vocabulary)))
                    for c in row
                ]
                for row in block.rows
            ]
    return blocks


_OPEN_END = re.compile(
    r"(?:[-,(«\u2010]|\b(?:в|во|и|с|со|по|на|о|об|для|от|к|за|из|при|до|или|а|не|что|"
    r"чем|том|числе))$",
    re.IGNORECASE,
)


def _row_continues(prev: list[Cell], cont: list[Cell], main_col: int) -> bool:
    """Is ``cont`` (first row on the new page) the rest of ``prev`` cut by the page break?

    Its № cell must be empty while ``prev`` has a number. Then the main (widest) column
    decides: continued text starts in lower case or with punctuation, or the previous
    part stopped mid-phrase; an empty main cell means that part ended on the last page.
    """
    prev_by_col = {c.col: c for c in prev}
    cont_by_col = {c.col: c for c in cont}
    first, prev_first = cont_by_col.get(0), prev_by_col.get(0)
    if first is None or first.text or prev_first is None or not prev_first.text:
        return False
    if len(prev) < 2 or len(cont) < 2:
        return False  # a heading row merged across the table is complete
    main, prev_main = cont_by_col.get(main_col), prev_by_col.get(main_col)
    if main is None or prev_main is None:
        return False
    if not main.text:
        return bool(prev_main.text) or not any(c.text for c in cont)
    if _CONTINUATION_START.match(main.text):
        return True
    return bool(_OPEN_END.search(prev_main.text.split("\n")[-1].strip()))


def _merge_parts(base: _TableInfo, cont: _TableInfo, rows: list[list[Cell]]) -> None:
    table = base.table
    header_rows = {_texts(r) for r in table.rows[:3]}
    while rows and (_texts(rows[0]) in header_rows or _is_column_numbers(rows[0])):
        rows.pop(0)
    widths = [b - a for a, b in zip(base.xs, [*base.xs[1:], base.right], strict=True)]
    main_col = max(range(len(widths)), key=lambda i: widths[i])
    if rows and table.rows and _row_continues(table.rows[-1], rows[0], main_col):
        last = table.rows[-1]
        by_col = {c.col: i for i, c in enumerate(last)}
        for c in rows.pop(0):
            if c.col in by_col:
                i = by_col[c.col]
                last[i] = replace(last[i], text=_join_text(last[i].text, c.text))
            elif c.text:
                last.append(replace(c, row=len(table.rows) - 1))
        last.sort(key=lambda c: c.col)
    start = len(table.rows)
    for i, row in enumerate(rows):
        table.rows.append([replace(c, row=start + i) for c in row])
    base.bottom = cont.bottom


def _join_pages(pages: list[_Page]) -> list[Block]:
    """Blocks of all pages in order, table parts across page breaks joined."""
    blocks: list[Block] = []
    infos: dict[int, _TableInfo] = {}  # id(Table) → geometry of its first part
    for page in pages:
        for k, (_top, item) in enumerate(page.items):
            if isinstance(item, _TableInfo):
                base = infos.get(id(blocks[-1])) if blocks and k == 0 else None
                rows = _regrid(item, base) if base is not None else None
                if base is not None and rows is not None:
                    _merge_parts(base, item, rows)
                    continue
                infos[id(item.table)] = item
                blocks.append(item.table)
            else:
                blocks.append(item)
    return blocks
