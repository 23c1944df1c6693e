"""HTML (method ``html``): the page's text and data tables, site chrome dropped.

Scripts, styles, forms, ``nav``/``aside``, page-level ``header``/``footer`` and elements
whose class/id/role say menu/navigation/footer are removed (unless they hold a data
table). Layout tables (a wrapper around another table, or one row/column) are read as
flowing text. Of the data tables, the one with the most rows is the plan; other tables
are kept unless they look like menus (mostly link text). Inside cells ``<br>``, ``<p>`` and
``<li>`` become line breaks; ``rowspan`` cells appear once. Items of numbered lists
(``<ol>``, ``start``/``value`` honoured) get the number a browser would show.

The tree is lxml's (libxml2's HTML parser, the one BeautifulSoup would use underneath):
walked directly, it costs a tenth of the time a soup does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias

import lxml.html
from lxml import etree

from extractors.base import Backend
from extractors.text import decode_text
from extractors.textutil import clean_cell_text, normalize_line, strip_markup
from schemas import Cell, Paragraph, RawDocument, Table

Element: TypeAlias = Any  # lxml.html.HtmlElement (lxml ships no type information)

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "form",
    "button", "select", "input", "textarea", "nav", "aside", "menu", "head", "map", "canvas",
)  # fmt: skip
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:menu|mainmenu|topmenu|nav|navbar|navigation|breadcrumbs?|footer|sidebar|"
    r"cookies?|social|share|search|topbar|toolbar|banner|copyright|pagination|pager)(?:$|[\s_-])",
    re.I,
)
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar", "search"}
_BLOCK = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
    "li", "dl", "dt", "dd", "blockquote", "pre", "address", "center", "figure", "figcaption",
    "header", "footer", "hr", "tr", "caption", "body", "html", "table", "td", "th",
}  # fmt: skip
_TABLE_PARTS = {"table", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html"}
_WS = re.compile(r"[ \t\r\n\f]+")


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, then valid UTF-8, then the meta charset, then the best guess."""
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "replace").lower() if m else None
    return decode_text(data, declared)


def _parse(text: str) -> Element | None:
    """The page's tree, or None for a page with no markup left to read."""
    text = _NOT_XML.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _tag(el: object) -> str:
    """An element's tag name; '' for comments, processing instructions and entities."""
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def _attached(el: Element, root: Element) -> bool:
    """Still in the page: not inside a subtree an earlier clean-up dropped."""
    top = el
    while (parent := top.getparent()) is not None:
        top = parent
    return top is root


def _own_rows(table: Element) -> list[Element]:
    """The ``tr`` of this table, not of tables nested in it."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _row_cells(tr: Element) -> list[Element]:
    return [c for c in tr if _tag(c) in ("td", "th")]


def _span(cell: Element, attr: str, limit: int) -> int:
    digits = re.match(r"\d+", (cell.get(attr) or "1").strip())
    value = int(digits.group()) if digits else 1
    return min(max(value, 1), limit)


def _text(el: Element) -> str:
    return _WS.sub(" ", el.text_content()).strip()


def _cell_text(cell: Element) -> str:
    parts: list[str] = []

    def rec(node: Element) -> None:
        if node.text and _tag(node):
            parts.append(_WS.sub(" ", node.text))
        for child in node:
            name = _tag(child)
            if name == "br":
                parts.append("\n")
            elif name in _BLOCK:
                parts.append("\n")
                rec(child)
                parts.append("\n")
            elif name:
                rec(child)
            if child.tail:
                parts.append(_WS.sub(" ", child.tail))

    rec(cell)
    return clean_cell_text("".join(parts))


def _link_ratio(el: Element) -> float:
    total = len(_text(el))
    if not total:
        return 0.0
    return sum(len(_text(a)) for a in el.iter("a")) / total


@dataclass
class _Pending:
    """A data table found during the walk, kept or dropped once all are known."""

    table: Table
    link_ratio: float


class HtmlBackend(Backend):
    """Web pages and Word "save as HTML" files."""

    formats = ("html",)
    extensions = (".html", ".htm", ".xhtml")

    def is_valid(self) -> bool:
        return b"<" in self.data[:65536]

    def convert(self) -> RawDocument:
        text, _enc = decode_html(self.data)
        doc = RawDocument(source=self.name, format="html", method="html")
        root = _parse(text)
        if root is None:
            return doc
        self._drop_chrome(root)
        self._items: list[Paragraph | _Pending] = []
        self._line: list[str] = []
        self._label = ""  # the number of the list item whose first line comes next
        body = root.find("body")
        self._walk(body if body is not None else root)
        self._flush()
        pending = [x for x in self._items if isinstance(x, _Pending)]
        biggest = max(pending, key=lambda p: len(p.table.rows), default=None)
        for item in self._items:
            if isinstance(item, Paragraph):
                doc.blocks.append(item)
            elif item is biggest or item.link_ratio < 0.5:
                doc.blocks.append(item.table)
            else:
                doc.warnings.append(f"DROPPED_MENU_TABLE: {len(item.table.rows)} rows")
        return doc

    # -- clean-up ------------------------------------------------------------------
    @staticmethod
    def _holds_data_table(el: Element) -> bool:
        return any(len(_own_rows(t)) >= 3 for t in el.iter("table"))

    def _drop_chrome(self, root: Element) -> None:
        for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
            _drop(node)
        for el in list(root.iter(*_DROP_TAGS)):
            if _attached(el, root) and not (
                el.tag in ("nav", "aside") and self._holds_data_table(el)
            ):
                _drop(el)
        for el in list(root.iter("header", "footer")):
            in_content = next(el.iterancestors("article", "main"), None) is not None
            if in_content or not _attached(el, root):
                continue
            if not self._holds_data_table(el):
                _drop(el)
        for el in list(root.iter()):
            name = _tag(el)
            if not name or name in _TABLE_PARTS or not _attached(el, root):
                continue
            role = (el.get("role") or "").lower()
            attrs = " ".join([el.get("class") or "", el.get("id") or "", role])
            if (
                role in _CHROME_ROLES or _CHROME_WORDS.search(attrs)
            ) and not self._holds_data_table(el):
                _drop(el)
        # link lists without telling names: menus all the same. Count links per ancestor
        # once (linear), then look closer only at elements holding three or more.
        links: dict[Element, int] = {}
        for a in root.iter("a"):
            for parent in a.iterancestors():
                links[parent] = links.get(parent, 0) + 1
        for el in list(root.iter("ul", "ol", "div", "section", "p", "table")):
            if links.get(el, 0) < 3 or not _attached(el, root) or el.find(".//table") is not None:
                continue
            if _link_ratio(el) > 0.8:
                _drop(el)

    # -- walk ----------------------------------------------------------------------
    def _flush(self) -> None:
        text = normalize_line(strip_markup("".join(self._line)))
        self._line = []
        if text and self._label:
            text, self._label = f"{self._label} {text}", ""
        if text:
            for line in text.split("\n"):
                line = normalize_line(line)
                if line:
                    self._items.append(Paragraph(text=line))

    def _walk(self, node: Element) -> None:
        grid = _div_grid(node)
        if grid is not None:
            self._flush()
            self._items.append(_Pending(table=grid, link_ratio=_link_ratio(node)))
            return
        if node.text and _tag(node):
            self._line.append(_WS.sub(" ", node.text))
        for child in node:
            name = _tag(child)
            if name == "br":
                self._flush()
            elif name == "table":
                self._flush()
                self._table(child)
            elif name == "ol":
                self._flush()
                self._list(child)
                self._flush()
            elif name in _BLOCK:
                self._flush()
                self._walk(child)
                self._flush()
            elif name:
                self._walk(child)
            if child.tail:
                self._line.append(_WS.sub(" ", child.tail))

    def _list(self, ol: Element) -> None:
        """A numbered list as a browser shows it: each item's text after its number."""
        digits = re.match(r"\s*(\d+)", ol.get("start") or "")
        number = int(digits.group(1)) if digits else 1
        if ol.text and ol.text.strip():
            self._line.append(_WS.sub(" ", ol.text))
        for li in ol:
            if _tag(li) == "li":
                value = re.match(r"\s*(\d+)", li.get("value") or "")
                number = int(value.group(1)) if value else number
                self._flush()
                self._label = f"{number}."
                self._walk(li)
                self._flush()
                self._label = ""
                number += 1
            elif _tag(li):
                self._walk(li)
            if li.tail and li.tail.strip():
                self._line.append(_WS.sub(" ", li.tail))

    def _table(self, el: Element) -> None:
        rows = _own_rows(el)
        nested = [t for t in el.iter("table") if t is not el and len(_own_rows(t)) >= 2]
        widths = [sum(_span(c, "colspan", 1000) for c in _row_cells(tr)) for tr in rows]
        max_nested = max((len(_own_rows(t)) for t in nested), default=0)
        is_layout = (
            len(rows) < 2
            or max(widths, default=0) < 2
            or (nested and (max_nested >= len(rows) or len(rows) <= 3))
        )
        if is_layout:
            self._walk(el)
            return
        for caption in (c for c in el if _tag(c) == "caption"):  # a data table's title
            self._walk(caption)
            self._flush()
        self._items.append(_Pending(table=self._data_table(rows), link_ratio=_link_ratio(el)))

    @staticmethod
    def _data_table(rows: list[Element]) -> Table:
        occupied: set[tuple[int, int]] = set()
        out: list[list[Cell]] = []
        n_rows = len(rows)
        width = 0
        for r, tr in enumerate(rows):
            c = 0
            cells: list[Cell] = []
            for td in _row_cells(tr):
                while (r, c) in occupied:
                    c += 1
                colspan = _span(td, "colspan", 1000)
                rowspan = _span(td, "rowspan", max(1, n_rows - r))
                if (td.get("rowspan") or "").strip() == "0":
                    rowspan = n_rows - r
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, c + dc))
                cells.append(
                    Cell(text=_cell_text(td), row=r, col=c, rowspan=rowspan, colspan=colspan)
                )
                c += colspan
                width = max(width, c)
            out.append(cells)
        return Table(rows=out, n_cols=max(width, 1))


_GRID_ROW_TAGS = frozenset({"div", "section", "li", "article"})
MIN_GRID_ROWS = 3


def _div_grid(node: Element) -> Table | None:
    """A table drawn with blocks instead of <table> (a CSS grid: "row" blocks whose child
    blocks are the cells): most child blocks hold the same number (3 or more) of cell
    blocks; a block with one cell is a row across the table (a section heading)."""
    rows = [c for c in node if _tag(c) in _GRID_ROW_TAGS]
    if len(rows) < MIN_GRID_ROWS or len(rows) < 0.8 * sum(1 for c in node if _tag(c)):
        return None
    cells = [[c for c in row if _tag(c) in _BLOCK] for row in rows]
    widths = [len(cs) for cs in cells]
    width = max(set(widths), key=widths.count)
    if width < 3 or widths.count(width) < max(MIN_GRID_ROWS, 0.6 * len(rows)):
        return None
    if any(n not in (1, width) for n in widths):
        return None
    if any(cell.find(".//table") is not None or _div_grid(cell) for cs in cells for cell in cs):
        return None  # a page layout holding a table, not a table itself
    out: list[list[Cell]] = []
    for r, cs in enumerate(cells):
        if len(cs) == 1:
            out.append([Cell(text=_cell_text(cs[0]), row=r, col=0, colspan=width)])
        else:
            out.append([Cell(text=_cell_text(cell), row=r, col=c) for c, cell in enumerate(cs)])
    return Table(rows=out, n_cols=width)


def _drop(el: object) -> None:
    """Remove an element (or comment) from the tree, keeping the text that follows it."""
    parent = el.getparent()  # type: ignore[attr-defined]
    if parent is None:
        return
    tail = el.tail  # type: ignore[attr-defined]
    if tail:
        prev = el.getprevious()  # type: ignore[attr-defined]
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
