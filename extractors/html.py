"""HTML (method ``html``): the page's text and data tables, site chrome dropped.

Scripts, styles, forms, ``nav``/``aside``, page-level ``header``/``footer`` and elements
whose class/id/role say menu/navigation/footer are removed (unless they hold a data
table). Layout tables (a wrapper around another table, or one row/column) are read as
flowing text. Of the data tables, the one with the most rows is the plan; other tables
are kept unless they look like menus (mostly link text). Inside cells ``<br>``, ``<p>`` and
``<li>`` become line breaks; ``rowspan`` cells appear once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from extractors.base import Backend
from extractors.text import decode_text
from extractors.textutil import clean_cell_text, normalize_line, strip_markup
from schemas import Cell, Paragraph, RawDocument, Table

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
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
    "header", "footer", "hr", "tr", "caption", "body", "html",
}  # fmt: skip
_WS = re.compile(r"[ \t\r\n\f]+")


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, then valid UTF-8, then the meta charset, then the best guess."""
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "replace").lower() if m else None
    return decode_text(data, declared)


def _gone(el: Tag) -> bool:
    """Removed by an earlier decompose (its tree detached). Not ``el.decomposed``: on a tag
    without the flag bs4 turns that attribute lookup into a search of the subtree."""
    return el.parent is None


def _own_rows(table: Tag) -> list[Tag]:
    """The ``tr`` of this table, not of tables nested in it."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            rows.append(tr)
    return rows


def _row_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _span(cell: Tag, attr: str, limit: int) -> int:
    raw = str(cell.get(attr) or "1").strip()
    digits = re.match(r"\d+", raw)
    value = int(digits.group()) if digits else 1
    return min(max(value, 1), limit)


def _is_string(node: Any) -> bool:
    return isinstance(node, NavigableString) and not isinstance(
        node, Comment | Declaration | Doctype | ProcessingInstruction
    )


def _cell_text(cell: Tag) -> str:
    parts: list[str] = []

    def rec(node: Tag) -> None:
        for child in node.children:
            if _is_string(child):
                parts.append(_WS.sub(" ", str(child)))
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    parts.append("\n")
                elif name in _BLOCK or name in ("table", "td", "th"):
                    parts.append("\n")
                    rec(child)
                    parts.append("\n")
                else:
                    rec(child)

    rec(cell)
    return clean_cell_text("".join(parts))


def _link_ratio(el: Tag) -> float:
    total = len(el.get_text(" ", strip=True))
    if not total:
        return 0.0
    linked = sum(len(a.get_text(" ", strip=True)) for a in el.find_all("a"))
    return linked / total


@dataclass
class _Pending:
    """A data table found during the walk, kept or dropped once all are known."""

    table: Table
    link_ratio: float
    text_lines: list[str]


class HtmlBackend(Backend):
    """Web pages and Word "save as HTML" files."""

    formats = ("html",)
    extensions = (".html", ".htm", ".xhtml")

    def is_valid(self) -> bool:
        return b"<" in self.data[:65536]

    def convert(self) -> RawDocument:
        text, _enc = decode_html(self.data)
        soup = BeautifulSoup(text, "lxml")
        self._drop_chrome(soup)
        self._items: list[Paragraph | _Pending] = []
        self._line: list[str] = []
        root = soup.body or soup
        self._walk(root)
        self._flush()
        doc = RawDocument(source=self.name, format="html", method="html")
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
    def _holds_data_table(el: Tag) -> bool:
        return any(len(_own_rows(t)) >= 3 for t in el.find_all("table"))

    def _drop_chrome(self, soup: BeautifulSoup) -> None:
        for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
            node.extract()
        for el in soup.find_all(_DROP_TAGS):
            if not _gone(el) and not (el.name in ("nav", "aside") and self._holds_data_table(el)):
                el.decompose()
        for el in soup.find_all(["header", "footer"]):
            if _gone(el) or el.find_parent(["article", "main"]) is not None:
                continue
            if not self._holds_data_table(el):
                el.decompose()
        for el in [d for d in soup.descendants if isinstance(d, Tag)]:
            if _gone(el) or el.name in ("table", "tr", "td", "th", "tbody", "thead", "body"):
                continue
            attrs = " ".join(
                [
                    " ".join(el.get("class") or []),
                    str(el.get("id") or ""),
                    str(el.get("role") or ""),
                ]
            )
            role = str(el.get("role") or "").lower()
            if (
                role in _CHROME_ROLES or _CHROME_WORDS.search(attrs)
            ) and not self._holds_data_table(el):
                el.decompose()
        # link lists without telling names: menus all the same. Count links per ancestor
        # once (linear), then look closer only at elements holding three or more.
        links: dict[int, int] = {}
        for a in soup.find_all("a"):
            for parent in a.parents:
                links[id(parent)] = links.get(id(parent), 0) + 1
        for el in soup.find_all(["ul", "ol", "div", "section", "p", "table"]):
            if links.get(id(el), 0) < 3 or _gone(el) or el.find("table") is not None:
                continue
            if _link_ratio(el) > 0.8:
                el.decompose()

    # -- walk ----------------------------------------------------------------------
    def _flush(self) -> None:
        text = normalize_line(strip_markup("".join(self._line)))
        self._line = []
        if text:
            for line in text.split("\n"):
                line = normalize_line(line)
                if line:
                    self._items.append(Paragraph(text=line))

    def _walk(self, node: Tag) -> None:
        for child in node.children:
            if _is_string(child):
                self._line.append(_WS.sub(" ", str(child)))
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    self._flush()
                elif name == "table":
                    self._flush()
                    self._table(child)
                elif name in _BLOCK or name in ("td", "th"):
                    self._flush()
                    self._walk(child)
                    self._flush()
                else:
                    self._walk(child)

    def _table(self, el: Tag) -> None:
        rows = _own_rows(el)
        nested = [t for t in el.find_all("table") if len(_own_rows(t)) >= 2]
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
        table = self._data_table(rows)
        lines = [c.text for row in table.rows for c in row if c.text]
        self._items.append(_Pending(table=table, link_ratio=_link_ratio(el), text_lines=lines))

    @staticmethod
    def _data_table(rows: list[Tag]) -> Table:
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
                if str(td.get("rowspan") or "").strip() == "0":
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
