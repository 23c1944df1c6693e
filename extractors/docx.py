"""DOCX (method ``docx``): body paragraphs and tables in document order.

python-docx opens the package; the body XML is walked directly so that order, merged
cells (``gridSpan``/``vMerge``), nested tables, text boxes and automatic list numbers
are all seen. A horizontally merged cell is one Cell with ``colspan``; vertically merged
continuation cells are omitted and counted in the first cell's ``rowspan``. Several
tables stay several Tables (the parser joins a plan split over them).
"""

from __future__ import annotations

import contextlib
import functools
import io
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from extractors.base import Backend, ExtractionError
from extractors.textutil import clean_cell_text, normalize_keeping_tabs, strip_markup
from schemas import Cell, Paragraph, RawDocument, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W_NS}}}"

MAX_MEMBER_BYTES = 100 * 2**20  # one uncompressed zip member
MAX_RATIO = 200  # uncompressed/compressed, for members above 1 MB (zip bombs)
_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
PROLOG_BYTES = 65536  # read this much of each XML part to look for a DOCTYPE (python-docx
# parses with resolve_entities=False anyway: this check makes the refusal explicit)

_SKIP = {
    f"{_W}pPr",
    f"{_W}rPr",
    f"{_W}tblPr",
    f"{_W}trPr",
    f"{_W}tcPr",
    f"{_W}sectPr",
    f"{_W}del",
    f"{_W}moveFrom",
    f"{_W}instrText",
    f"{_W}delText",
    f"{_W}footnoteReference",
    f"{_W}endnoteReference",
    f"{_W}commentReference",
    f"{{{MC_NS}}}Fallback",
}


class _QNames(dict[str, str]):
    """WordprocessingML names qualified once: ``_q("p")`` is a dict lookup."""

    def __missing__(self, tag: str) -> str:
        self[tag] = _W + tag
        return self[tag]


_q = _QNames().__getitem__


def _val(el: Any, tag: str) -> str | None:
    """``w:val`` of the child ``tag`` of ``el`` (``""`` when the child has no value)."""
    if el is None:
        return None
    child = el.find(_q(tag))
    if child is None:
        return None
    return str(child.get(_q("val"), ""))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


# --- automatic numbering ------------------------------------------------------------


def _roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int, alphabet: str) -> str:
    n = max(n, 1)
    return alphabet[(n - 1) % len(alphabet)] * ((n - 1) // len(alphabet) + 1)


_RU_LOWER = "абвгдежзиклмнопрстуфхцчшщэюя"


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt in ("upperLetter",):
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("russianLower",):
        return _letters(n, _RU_LOWER)
    if fmt in ("russianUpper",):
        return _letters(n, _RU_LOWER.upper())
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """Renders the labels Word draws for numbered paragraphs ("1.", "2.1", "-")."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    num_to_abstract: dict[str, str] = field(default_factory=dict)
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)
    counters: dict[str, list[int]] = field(default_factory=dict)
    styles: Callable[[], Any] | None = None  # the styles part, read when a style is used

    @classmethod
    def from_parts(cls, numbering_el: Any, styles: Callable[[], Any] | None) -> Numbering:
        nb = cls(styles=styles)
        if numbering_el is not None:
            for absn in numbering_el.iterchildren(_q("abstractNum")):
                levels: dict[int, _Level] = {}
                for lvl in absn.iterchildren(_q("lvl")):
                    levels[_int(lvl.get(_q("ilvl")), 0)] = _Level(
                        fmt=_val(lvl, "numFmt") or "decimal",
                        text=_val(lvl, "lvlText") or "",
                        start=_int(_val(lvl, "start"), 1),
                    )
                nb.abstract[str(absn.get(_q("abstractNumId")))] = levels
            for num in numbering_el.iterchildren(_q("num")):
                num_id = str(num.get(_q("numId")))
                nb.num_to_abstract[num_id] = _val(num, "abstractNumId") or ""
                for ov in num.iterchildren(_q("lvlOverride")):
                    start = _val(ov, "startOverride")
                    if start is not None:
                        nb.overrides[(num_id, _int(ov.get(_q("ilvl")), 0))] = _int(start, 1)
        return nb

    def _numbered_styles(self) -> dict[str, tuple[str, int]]:
        """Styles that number their paragraphs (the styles part is read on first use)."""
        if self.styles is not None:
            styles_el, self.styles = self.styles(), None
            for style in styles_el.iterchildren(_q("style")) if styles_el is not None else ():
                ppr = style.find(_q("pPr"))
                num_pr = ppr.find(_q("numPr")) if ppr is not None else None
                if num_pr is not None and _val(num_pr, "numId"):
                    self.style_num[str(style.get(_q("styleId")))] = (
                        _val(num_pr, "numId") or "",
                        _int(_val(num_pr, "ilvl"), 0),
                    )
        return self.style_num

    def label(self, p: Any) -> str | None:
        """The label of paragraph ``p`` (advancing the counters), or ``None``."""
        ppr = p.find(_q("pPr"))
        if ppr is None:
            return None
        num_pr = ppr.find(_q("numPr"))
        style = _val(ppr, "pStyle")
        if num_pr is None and (style is None or style not in self._numbered_styles()):
            return None  # no list of its own and no style that numbers
        num_id: str | None = None
        ilvl = 0
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            ilvl = _int(_val(num_pr, "ilvl"), 0)
        if not num_id and style is not None and style in self._numbered_styles():
            num_id, style_lvl = self.style_num[style]
            ilvl = ilvl if num_pr is not None and _val(num_pr, "ilvl") else style_lvl
        if not num_id or num_id == "0":
            return None
        levels = self.abstract.get(self.num_to_abstract.get(num_id, ""), {})
        level = levels.get(ilvl)
        if level is None:
            return None
        if level.fmt == "bullet":
            return "-"
        if level.fmt == "none":
            return None
        counters = self.counters.setdefault(num_id, [0] * 10)
        ilvl = min(ilvl, 9)
        if counters[ilvl] == 0:
            counters[ilvl] = self.overrides.get((num_id, ilvl), level.start)
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        text = level.text
        for k in range(ilvl, -1, -1):
            lv = levels.get(k, _Level())
            value = counters[k] or self.overrides.get((num_id, k), lv.start)
            text = text.replace(f"%{k + 1}", _format_number(value, lv.fmt))
        return text.strip() or None


# --- text ---------------------------------------------------------------------------


_T, _P, _SYM, _CHAR = _q("t"), _q("p"), _q("sym"), _q("char")
_PLAIN = {_q("tab"): "\t", _q("ptab"): "\t", _q("br"): "\n", _q("cr"): "\n",
          _q("noBreakHyphen"): "-", _q("softHyphen"): ""}  # fmt: skip
_ALTERNATE, _CHOICE = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"


def _collect_text(el: Any, out: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag in _PLAIN:
            out.append(_PLAIN[tag])
        elif tag == _SYM:
            code = _int_hex(child.get(_CHAR))
            if code and not 0xF000 <= code <= 0xF0FF:
                out.append(chr(code))
        elif tag == _P:  # paragraphs of a text box inside this one
            out.append("\n")
            _collect_text(child, out)
            out.append("\n")
        elif tag == _ALTERNATE:
            choice = child.find(_CHOICE)
            if choice is not None:
                _collect_text(choice, out)
        else:
            _collect_text(child, out)


def _int_hex(value: str | None) -> int:
    try:
        return int(value or "", 16)
    except ValueError:
        return 0


def _children(el: Any, tag: str) -> Iterator[Any]:
    """Children named ``tag``, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag == _q(tag):
            yield child
        elif child.tag in (_q("sdt"), _q("customXml")):
            content = child.find(_q("sdtContent")) if child.tag == _q("sdt") else child
            if content is not None:
                yield from _children(content, tag)


class DocxBackend(Backend):
    """Word 2007+ documents."""

    formats = ("docx",)
    extensions = (".docx", ".docm", ".dotx")

    def is_valid(self) -> bool:
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                return "word/document.xml" in zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False

    # -- guards --------------------------------------------------------------------
    def _check_package(self) -> None:
        limit = int(str(self.options.extra.get("docx_max_member_bytes", MAX_MEMBER_BYTES)))
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                for info in zf.infolist():
                    ratio = info.file_size / max(1, info.compress_size)
                    if info.file_size > limit or (info.file_size > 2**20 and ratio > MAX_RATIO):
                        raise ExtractionError(
                            "the DOCX contains a part that is too large to read safely",
                            detail=f"{info.filename}: {info.file_size} bytes (ratio {ratio:.0f})",
                        )
                    name = info.filename.lower()
                    if name.endswith((".xml", ".rels")):
                        with zf.open(info) as fh:  # a DOCTYPE can only precede the root
                            content = fh.read(PROLOG_BYTES)
                        if any(marker in content for marker in _FORBIDDEN_XML):
                            raise ExtractionError(
                                "the DOCX contains XML with a DOCTYPE or entity declarations, "
                                "which is refused for safety",
                                detail=info.filename,
                            )
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ExtractionError("the DOCX file is damaged", detail=repr(exc)) from exc

    def _open(self) -> Any:
        import docx

        _keep_unread_parts_as_bytes()
        _READING.lazy = True
        try:
            return docx.Document(io.BytesIO(self.data))
        except ValueError as exc:  # macro-enabled / template content types
            if "content type" not in str(exc):
                raise ExtractionError("the DOCX file is damaged", detail=repr(exc)) from exc
            return docx.Document(io.BytesIO(_as_plain_docx(self.data)))
        except Exception as exc:
            raise ExtractionError("the DOCX file is damaged", detail=repr(exc)) from exc
        finally:
            _READING.lazy = False

    # -- conversion ----------------------------------------------------------------
    def convert(self) -> RawDocument:
        self._check_package()
        document = self._open()
        numbering_el = None
        with contextlib.suppress(KeyError, NotImplementedError, AttributeError):
            numbering_el = document.part.numbering_part.element
        styles = None
        if numbering_el is not None:  # styles matter only for styles that number
            styles = functools.partial(_styles_with_numbering, document.part)
        self.numbering = Numbering.from_parts(numbering_el, styles)
        doc = RawDocument(source=self.name, format="docx", method="docx")
        doc.blocks.extend(self._walk(document.element.body))
        return doc

    def _walk(self, container: Any) -> Iterator[Paragraph | Table]:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _q("p"):  # tabs kept: columns typed with tab stops
                text = normalize_keeping_tabs(strip_markup(self._paragraph_text(child)))
                if text:
                    yield Paragraph(text=text)
            elif tag == _q("tbl"):
                frame = _frame_cell(child)
                if frame is not None:  # a one-cell table laying out the page: its content
                    yield from self._walk(frame)
                    continue
                table = self._table(child)
                if table.rows:
                    yield table
            elif tag == _q("sdt"):
                content = child.find(_q("sdtContent"))
                if content is not None:
                    yield from self._walk(content)
            elif tag == _q("customXml"):
                yield from self._walk(child)

    def _paragraph_text(self, p: Any) -> str:
        out: list[str] = []
        _collect_text(p, out)
        text = "".join(out)
        label = self.numbering.label(p)
        if label:
            text = f"{label} {text.lstrip()}" if text.strip() else label
        return text

    def _cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return clean_cell_text("\n".join(lines))

    def _cell_lines(self, container: Any, lines: list[str]) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _q("p"):
                lines.append(self._paragraph_text(child))
            elif tag == _q("tbl"):  # nested table: its cells' text, row by row
                for tr in _children(child, "tr"):
                    for tc in _children(tr, "tc"):
                        self._cell_lines(tc, lines)
            elif tag == _q("sdt"):
                content = child.find(_q("sdtContent"))
                if content is not None:
                    self._cell_lines(content, lines)
            elif tag == _q("customXml"):
                self._cell_lines(child, lines)

    def _table(self, tbl: Any) -> Table:
        grid = tbl.find(_q("tblGrid"))
        n_grid = len(grid.findall(_q("gridCol"))) if grid is not None else 0
        # Each entry: [text, row, col, rowspan, colspan]
        rows: list[list[list[Any]]] = []
        open_cells: dict[int, list[Any]] = {}  # grid column → restarted vMerge cell
        width = 0
        for tr in _children(tbl, "tr"):
            tr_pr = tr.find(_q("trPr"))
            col = _int(_val(tr_pr, "gridBefore"), 0)
            r = len(rows)
            row: list[list[Any]] = []
            for tc in _children(tr, "tc"):
                tc_pr = tc.find(_q("tcPr"))
                span = max(1, _int(_val(tc_pr, "gridSpan"), 1))
                vmerge = _val(tc_pr, "vMerge")
                if vmerge is not None and vmerge != "restart" and col in open_cells:
                    open_cells[col][3] = r - open_cells[col][1] + 1
                    col += span
                    continue
                entry = [self._cell_text(tc), r, col, 1, span]
                for k in range(col, col + span):
                    open_cells.pop(k, None)
                if vmerge == "restart":
                    open_cells[col] = entry
                row.append(entry)
                col += span
            width = max(width, col)
            rows.append(row)
        n_cols = max(n_grid, width, 1)
        cells = [
            [Cell(text=t, row=r, col=c, rowspan=rs, colspan=cs) for t, r, c, rs, cs in row]
            for row in rows
        ]
        return Table(rows=cells, n_cols=n_cols)


def _frame_cell(tbl: Any) -> Any:
    """The cell of a one-cell table that holds a table of its own (documents converted from
    HTML put the whole page in one), else None."""
    rows = list(_children(tbl, "tr"))
    if len(rows) != 1:
        return None
    cells = list(_children(rows[0], "tc"))
    if len(cells) != 1 or cells[0].find(_q("tbl")) is None:
        return None
    return cells[0]


_READING = threading.local()  # .lazy: this thread is opening a DOCX for reading


@functools.cache
def _keep_unread_parts_as_bytes() -> None:
    """While kalplan opens a DOCX, python-docx keeps the parts it never reads (styles:
    often 300 KB of XML; headers, footers, comments) as bytes instead of parsing them.
    Other users of python-docx in this process are not affected."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import Part, PartFactory

    unread = {CT.WML_STYLES, CT.WML_HEADER, CT.WML_FOOTER, CT.WML_COMMENTS}
    selector = PartFactory.part_class_selector

    def select(content_type: str, reltype: str) -> type[Part] | None:
        if getattr(_READING, "lazy", False) and content_type in unread:
            return Part
        return selector(content_type, reltype) if selector else None

    PartFactory.part_class_selector = select


def _styles_with_numbering(document_part: Any) -> Any:
    """The styles part, parsed, if any style numbers its paragraphs; else None."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    try:
        blob = document_part.part_related_by(RT.STYLES).blob
    except (KeyError, AttributeError):
        return None
    return parse_xml(blob) if b"numPr" in blob else None


_OTHER_MAIN_TYPES = (
    b"ms-word.document.macroEnabled.main",
    b"ms-word.template.macroEnabledTemplate.main",
    b"openxmlformats-officedocument.wordprocessingml.template.main",
)


def _as_plain_docx(data: bytes) -> bytes:
    """A copy of a .docm/.dotx package whose main part is declared as a plain document."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "[Content_Types].xml":
                for kind in _OTHER_MAIN_TYPES:
                    content = content.replace(
                        kind, b"openxmlformats-officedocument.wordprocessingml.document.main"
                    )
            dst.writestr(info, content)
    return out.getvalue()
