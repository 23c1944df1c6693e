"""Tables drawn with characters: box drawing (┌─┬─┐ │ ├─┼─┤ └─┴─┘, as legal databases
export them) or ASCII (+---+---+ | … |).

Border lines part rows; a content line's cells lie between its vertical bars, and the
lines of one row are joined cell by cell (a cell's text keeps its line breaks). A row with
fewer bars than the table (a section heading across the table) is a spanning row. A page
break inside the table (blank lines, "-------- стр. 2 --------", a page number) is stepped
over: the table, and the row, go on after it; any other text ends the table.
"""

from __future__ import annotations

import re

_BARS = "│┃║|"
_BORDER = re.compile(r"^[\s─━═┄┈┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬╒╕╘╛╞╡╤╧╪╓╖╙╜╟╢╥╨╫+\-=:|│┃║]+$")
_HORIZONTAL = re.compile(r"[─━═┄┈\-=]{3,}")
_BAR_SPLIT = re.compile(r"[│┃║|]")
_JUNCTION = re.compile(r"[-─]\+[-─]")
FURNITURE_GAP = 4  # lines of a page break a table may step over
_PAGE_MARK = re.compile(  # blank, a form feed, "-------- стр. 2 --------", "- 3 -", "Страница 4"
    r"^[\s\f]*(?:[-=_*\s]*(?:(?:стр\.?|страница)\s*\d+(?:\s*из\s*\d+)?|\d{1,4})[-=_*\s]*)?$",
    re.I,
)


def is_border(line: str) -> bool:
    """A line that only draws: ├────┼────┤, +----+----+."""
    s = line.strip()
    return bool(s) and bool(_BORDER.match(s)) and bool(_HORIZONTAL.search(s))


def is_content(line: str) -> bool:
    """A line of cells between bars: │ 1. │ Текст │, or "1 | Текст | …" as a database
    console prints a table (bars between the cells only)."""
    s = line.strip()
    if len(s) <= 2 or is_border(s):
        return False
    return (s[0] in _BARS and s[-1] in _BARS) or len(_BAR_SPLIT.findall(s)) >= 2


def draws_tables(lines: list[str]) -> bool:
    """The text draws tables: borders between rows, or a console's "----+----" rule."""
    borders = [ln for ln in lines if is_border(ln)]
    return len(borders) >= 2 or any(_JUNCTION.search(b) for b in borders)


def _framed(line: str) -> bool:
    s = line.strip()
    return s[0] in _BARS and s[-1] in _BARS


def _cells(line: str, framed: bool) -> list[str]:
    """The cells of a content line: between its bars; a framed table's outer bars are
    its frame, while in a console's table a line starting with a bar has an empty first
    cell."""
    parts = _BAR_SPLIT.split(line.strip() if framed else line.rstrip())
    if framed:
        parts = parts[1:-1]
    return [c.strip() for c in parts]


def is_ruled(line: str) -> bool:
    return is_border(line) or is_content(line)


def starts_table(lines: list[str], i: int) -> bool:
    """A border line followed (soon) by a content line, a content line followed by a
    border (a header over its rule) or by another content line."""
    if not is_ruled(lines[i]):
        return False
    following = [ln for ln in lines[i + 1 : i + 4] if ln.strip()]
    if not following:
        return False
    if is_content(lines[i]):  # a header over its rule, or two lines of cells
        return is_ruled(following[0])
    return is_content(following[0])


def read_table(lines: list[str], start: int) -> tuple[int, list[list[str] | str]]:
    """Rows of the table that starts at ``start``, and the index after its last line.
    A row is a list of cell texts, or a str for a row across the table.

    The lines between two borders are one row when borders part the rows; in a table with
    borders only around its header (markdown, or a box without row rules) a row starts
    at each line whose first cell has text."""
    runs: list[list[list[str]]] = [[]]  # content lines between borders, as cells
    i = end = start
    n = len(lines)
    first = next((ln for ln in lines[start:] if is_content(ln)), "")
    framed = bool(first) and _framed(first)
    while i < n:
        line = lines[i]
        if is_border(line):
            if runs[-1]:
                runs.append([])
            end = i = i + 1
            continue
        if is_content(line):
            cells = _cells(line, framed)
            if runs[-1] and len(runs[-1][-1]) != len(cells):
                runs.append([])  # another structure: a new row even without a border
            runs[-1].append(cells)
            end = i = i + 1
            continue
        j = i
        while j < n and j - i <= FURNITURE_GAP and _PAGE_MARK.match(lines[j]):
            j += 1
        if j == i or j >= n or not is_ruled(lines[j]):
            break
        i = j  # a page break inside the table: step over it
    runs = [r for r in runs if r]
    bordered = len(runs) >= 3 and any(len(r) > 1 for r in runs)
    groups: list[list[list[str]]] = []
    for run in runs:
        if bordered:
            groups.append(run)
            continue
        for cells in run:
            if groups and cells and not cells[0] and len(groups[-1][-1]) == len(cells):
                groups[-1].append(cells)  # a wrapped line: no text in the first cell
            else:
                groups.append([cells])
    width = max((len(g[0]) for g in groups), default=0)
    rows: list[list[str] | str] = []
    for group in groups:
        texts = ["\n".join(x for x in column if x) for column in zip(*group, strict=True)]
        if not any(texts):
            continue
        rows.append(texts[0] if len(texts) == 1 and width > 1 else texts)
    return end, rows
