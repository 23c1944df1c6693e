"""Tables without ruling lines, from positioned words: a scanned page's OCR words, a PDF
page's text layer, or a text file whose columns are aligned with spaces (words placed by
character column and line).

Lines whose words leave gaps of a quarter inch or more are tabular; the run from the first
to the last of them is the table. Column edges are x-ranges that no word of the table covers
(a few lines may cross them: headings across the table); a row starts after a gap taller
than a line or when the first column gets text again; a lone run of text across column edges
is a section row (``colspan`` = the width). Other lines become paragraphs; running page
numbers in the margins are dropped.

Coordinates are whatever the words use (``units_per_inch``: the OCR image's dpi, 72 for PDF
points, or a character grid's); ``to_bbox`` turns a box in those units into PDF points.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from schemas import Block, Cell, Paragraph, Table

PAGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,4}[-–—\s]*$")
Box = tuple[float, float, float, float]


class Word(Protocol):
    """A positioned word (tesseract's, or one of a PDF's text layer)."""

    @property
    def text(self) -> str: ...
    @property
    def conf(self) -> float: ...
    @property
    def left(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def right(self) -> float: ...
    @property
    def bottom(self) -> float: ...
    @property
    def height(self) -> float: ...


@dataclass(frozen=True, slots=True)
class PlacedWord:
    """A word of a PDF's text layer (no confidence: ``conf`` = -1)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    conf: float = -1.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def mean_conf(words: Iterable[Word]) -> float | None:
    confs = [w.conf for w in words if w.conf >= 0]
    return round(sum(confs) / len(confs), 1) if confs else None


def lines_by_position(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines by their vertical centres, top to bottom, left to right."""
    out: list[list[Word]] = []
    centres: list[float] = []  # the last line's word centres, sorted
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.left)):
        centre = (w.top + w.bottom) / 2
        if out:
            last = out[-1]
            n = len(centres)
            median = centres[n // 2] if n % 2 else (centres[n // 2 - 1] + centres[n // 2]) / 2
            if abs(centre - median) <= 0.5 * max(w.height, last[0].height):
                last.append(w)
                bisect.insort(centres, centre)
                continue
        out.append([w])
        centres = [centre]
    return [sorted(line, key=lambda w: w.left) for line in out]


def layout_page(
    page_lines: Sequence[Sequence[Word]],
    number: int,
    units_per_inch: float,
    page_height: float,
    to_bbox: Callable[[Box], Box],
    block_gap: float | None = None,
    columns: Sequence[float] | None = None,
) -> list[Block]:
    """A page's lines (top to bottom) as blocks: one table where lines are tabular, the
    rest paragraphs. With ``block_gap`` (in line heights; for text whose blank lines are
    exact) blank space that high parts blocks, and the table is the block with the most
    tabular lines. ``columns`` are column edges known from elsewhere (rules drawn around
    some rows), left to right, the table's right edge last."""
    lines: list[list[Word]] = [sorted(ln, key=lambda w: w.left) for ln in page_lines if ln]
    gap = units_per_inch * 0.25
    tabular = [i for i, ln in enumerate(lines) if _max_gap(ln) >= gap]
    if block_gap is not None:
        tabular = _densest_block(tabular, lines, block_gap)
    items: list[tuple[float, Block]] = []
    first = last = -1
    if len(tabular) >= 2:
        first, last = tabular[0], tabular[-1]
        table_lines = lines[first : last + 1]
        edges = list(columns) if columns else _columns(table_lines, units_per_inch)
        # Lines right below the table that sit inside one column continue its last row.
        while last + 1 < len(lines) and len(edges) > 2:
            nxt = lines[last + 1]
            prev_bottom = max(w.bottom for w in lines[last])
            height = statistics.median(w.height for w in nxt)
            if min(w.top for w in nxt) - prev_bottom > 2.5 * height:
                break
            cols = {_column_of(w, edges) for w in nxt}
            if len(cols) != 1 or 0 in cols:
                break
            last += 1
            table_lines.append(nxt)
        if len(edges) > 2:
            table = _table_from_lines(
                table_lines, edges, number, units_per_inch, to_bbox, ruled=bool(columns)
            )
            items.append((float(min(w.top for w in table_lines[0])), table))
        else:
            first = last = -1
    for i, ln in enumerate(lines):
        if first <= i <= last:
            continue
        text = " ".join(w.text for w in ln)
        top = min(w.top for w in ln)
        bottom = max(w.bottom for w in ln)
        if (top < 0.08 * page_height or bottom > 0.92 * page_height) and PAGE_NUMBER.match(text):
            continue
        box = (min(w.left for w in ln), top, max(w.right for w in ln), bottom)
        items.append(
            (
                float(top),
                Paragraph(text=text, page=number, bbox=to_bbox(box), confidence=mean_conf(ln)),
            )
        )
    items.sort(key=lambda it: it[0])
    return [b for _, b in items]


def _densest_block(tabular: list[int], lines: list[list[Word]], block_gap: float) -> list[int]:
    """The tabular lines of the block that has most of them: blocks are parted by blank
    space ``block_gap`` line heights high (signatures below a table are not part of it)."""
    if len(tabular) < 2:
        return tabular
    height = statistics.median(w.height for ln in lines for w in ln)
    block_of, block = [], 0
    for i, ln in enumerate(lines):
        if i and min(w.top for w in ln) - max(w.bottom for w in lines[i - 1]) > block_gap * height:
            block += 1
        block_of.append(block)
    runs: dict[int, list[int]] = {}
    for i in tabular:
        runs.setdefault(block_of[i], []).append(i)
    return max(runs.values(), key=len)


def _max_gap(line: list[Word]) -> float:
    return max((b.left - a.right for a, b in pairwise(line)), default=0)


def _columns(lines: list[list[Word]], units_per_inch: float) -> list[float]:
    """Column edges (x) from the gaps that no word of the table lines covers."""
    left = int(min(w.left for ln in lines for w in ln))
    right = int(max(w.right for ln in lines for w in ln)) + 1
    cover = [0] * (right - left + 1)
    for ln in lines:
        for w in ln:
            for x in range(int(w.left) - left, int(w.right) - left + 1):
                cover[x] += 1
    # A gap may be crossed by a few lines (section headings spanning the table).
    limit = max(1, len(lines) // 10)
    min_gap = max(4, int(units_per_inch * 0.1))
    edges: list[float] = [left]
    run_start = None
    for x, n in enumerate(cover):
        if n <= limit and run_start is None:
            run_start = x
        elif n > limit and run_start is not None:
            if x - run_start >= min_gap:
                edges.append(left + (run_start + x) // 2)
            run_start = None
    edges.append(right + 1)
    return edges


def _column_of(word: Word, edges: list[float]) -> int:
    centre = (word.left + word.right) / 2
    for i in range(len(edges) - 1):
        if centre < edges[i + 1]:
            return i
    return len(edges) - 2


def _table_from_lines(
    lines: list[list[Word]],
    edges: list[float],
    number: int,
    units_per_inch: float,
    to_bbox: Callable[[Box], Box],
    ruled: bool = False,
) -> Table:
    """Rows from line positions: a row starts after a taller gap or when the first column
    gets text again; cells are the row's words per column. A line that runs across a
    column edge is a heading: spacing under a quarter inch there (edges found from gaps),
    or a word space at a ``ruled`` edge (tables packed tighter than that)."""
    n_cols = len(edges) - 1
    heights = [w.height for ln in lines for w in ln]
    line_h = statistics.median(heights) if heights else units_per_inch * 0.15
    rows: list[list[list[list[Word]]]] = []  # row -> col -> lines -> words
    whole: list[list[list[Word]]] = []  # row -> its lines as read
    prev_bottom: float | None = None
    prev_heading = False
    for ln in lines:
        top = min(w.top for w in ln)
        per_col: list[list[Word]] = [[] for _ in range(n_cols)]
        for w in ln:
            per_col[_column_of(w, edges)].append(w)
        # one run of ordinary spacing across a column edge: a heading, a row of its own
        heading = _runs_across(ln, edges, units_per_inch, line_h if ruled else None)
        new_row = (
            not rows
            or heading
            or prev_heading
            or (prev_bottom is not None and top - prev_bottom > 0.9 * line_h)
            or (bool(per_col[0]) and any(rows[-1][0]))
        )
        prev_heading = heading
        if new_row:
            rows.append([[] for _ in range(n_cols)])
            whole.append([])
        whole[-1].append(ln)
        for c in range(n_cols):
            if per_col[c]:
                rows[-1][c].append(per_col[c])
        prev_bottom = max(w.bottom for w in ln)
    out_rows: list[list[Cell]] = []
    for r, row in enumerate(rows):
        filled = [c for c in range(n_cols) if row[c]]
        # one line of ordinary spacing across column edges ("II. ИЗБИРАТЕЛЬНЫЕ КОМИССИИ")
        heading_line = (
            len(whole[r]) == 1
            and len(filled) > 1
            and _runs_across(whole[r][0], edges, units_per_inch, line_h if ruled else None)
        )
        if len(filled) == 1 or heading_line:
            ws = [w for ln in whole[r] for w in ln]
            left, right = min(w.left for w in ws), max(w.right for w in ws)
            if sum(1 for e in edges[1:-1] if left < e < right):
                # One run of text across column edges: a section heading spanning the table.
                text = "\n".join(" ".join(w.text for w in ln) for ln in whole[r])
                out_rows.append(
                    [
                        Cell(text, r, 0, colspan=n_cols, page=number,
                             bbox=_words_bbox(ws, to_bbox), confidence=mean_conf(ws))
                    ]
                )  # fmt: skip
                continue
        cells = []
        for c in range(n_cols):
            ws = [w for ln in row[c] for w in ln]
            text = "\n".join(" ".join(w.text for w in ln) for ln in row[c])
            cells.append(Cell(text=text, row=r, col=c, page=number,
                              bbox=_words_bbox(ws, to_bbox), confidence=mean_conf(ws)))  # fmt: skip
        out_rows.append(cells)
    return Table(rows=out_rows, n_cols=n_cols, page=number)


def _runs_across(
    line: list[Word], edges: list[float], units_per_inch: float, ruled_line_h: float | None
) -> bool:
    """One run of text across an inner column edge (``line`` sorted left to right)."""
    inner = edges[1:-1]
    if ruled_line_h is None:
        left, right = line[0].left, max(w.right for w in line)
        return _max_gap(line) < units_per_inch / 4 and any(left < e < right for e in inner)
    for e in inner:
        if any(w.left < e < w.right for w in line):
            return True
        before = [w for w in line if w.right <= e]
        after = [w for w in line if w.left >= e]
        if before and after and after[0].left - before[-1].right < 0.4 * ruled_line_h:
            return True
    return False


def _words_bbox(ws: list[Word], to_bbox: Callable[[Box], Box]) -> Box | None:
    if not ws:
        return None
    box = (min(w.left for w in ws), min(w.top for w in ws),
           max(w.right for w in ws), max(w.bottom for w in ws))  # fmt: skip
    return to_bbox(box)
