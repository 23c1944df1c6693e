"""PDF pages read by pdfium, shaped like pdfplumber pages.

pdfplumber's table finder and text layout are what the PDF backend wants; its object
parsing (pdfminer, pure Python) is what it does not: on a 17-page plan it takes 1.2 s,
pdfium (C++, already installed as pdfplumber's renderer) reads the same characters and
ruling lines in 80 ms. A :class:`PdfiumPage` carries what pdfplumber's algorithms read
from a page — characters with their font boxes, ruling edges, images, the page box — in
pdfplumber's coordinates (points, origin top-left, the page as displayed, ``/Rotate``
applied), and answers ``find_tables`` with pdfplumber's own code.

pdfium is not thread-safe: every call into it holds one process-wide lock.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
import threading
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

LOCK = threading.RLock()
Matrix = tuple[float, float, float, float, float, float]  # x' = a x + c y + e, y' = b x + d y + f
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
STRAIGHT = 0.1  # points: a segment this close to axis-parallel is a ruling edge
MAX_FORM_DEPTH = 8


def open_document(data: bytes, password: str = "") -> pdfium.PdfDocument:
    """The PDF as a pdfium document (raises ``pdfium.PdfiumError``)."""
    with LOCK:
        return pdfium.PdfDocument(data, password=password or None)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _matrix(obj: Any) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


class _Display:
    """User space → pdfplumber's page space (origin top-left, rotation applied)."""

    def __init__(self, box: tuple[float, float, float, float], quarter_turns: int) -> None:
        x0, y0, x1, y1 = box
        self.turns = quarter_turns % 4
        w, h = x1 - x0, y1 - y0
        self.width, self.height = (h, w) if self.turns % 2 else (w, h)
        # (ax, bx, cx, ay, by, cy): X = ax x + bx y + cx, Y = ay x + by y + cy (as pdfminer)
        self.affine: tuple[float, float, float, float, float, float] = (
            (1, 0, -x0, 0, -1, y1),
            (0, 1, -y0, 1, 0, -x0),
            (-1, 0, x1, 0, 1, -y0),
            (0, -1, y1, -1, 0, x1),
        )[self.turns]

    def point(self, x: float, y: float) -> tuple[float, float]:
        ax, bx, cx, ay, by, cy = self.affine
        return ax * x + bx * y + cx, ay * x + by * y + cy

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


@dataclass(slots=True)
class PdfWord:
    """A run of characters between whitespace, as pdfium's text page separates them (its
    inferred spaces and line breaks included), boxed by its first and last character.

    Text that is not upright keeps its characters (``chars``, pdfplumber-shaped) for the
    layout engine that knows the writing direction."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    upright: bool = True
    chars: tuple[dict[str, Any], ...] = ()
    conf: float = -1.0  # no recognition confidence: a text layer is what it says

    @property
    def left(self) -> float:
        return self.x0

    @property
    def right(self) -> float:
        return self.x1

    @property
    def height(self) -> float:
        return self.bottom - self.top


class PdfiumPage:
    """One page's words (or characters), edges and images, read once; pdfplumber's page
    API on top."""

    def __init__(self, document: pdfium.PdfDocument, index: int, *, chars: bool = False) -> None:
        self.page_number = index + 1
        self.images: list[dict[str, float]] = []
        self.edges: list[dict[str, Any]] = []
        self.chars: list[dict[str, Any]] = []
        self.words: list[PdfWord] = []
        with LOCK:
            page = document[index]
            try:
                left, bottom, right, top = page.get_bbox()
                self._display = _Display((left, bottom, right, top), page.get_rotation() // 90)
                self.width, self.height = self._display.width, self._display.height
                self.bbox = (0.0, 0.0, self.width, self.height)
                raw = page.raw
                self._read_objects(
                    pdfium_c.FPDFPage_CountObjects(raw),
                    lambda k: pdfium_c.FPDFPage_GetObject(raw, k),
                    IDENTITY,
                    0,
                )
                textpage = page.get_textpage()
                try:
                    if chars:
                        self.chars = self._read_chars(textpage.raw)
                    else:
                        self.words = self._read_words(textpage.raw)
                finally:
                    textpage.close()
            finally:
                page.close()

    # -- pdfplumber's page API, as the PDF backend uses it ----------------------------
    def find_tables(self, table_settings: dict[str, Any] | None = None) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(table_settings)).tables  # type: ignore[arg-type]

    # -- reading ---------------------------------------------------------------------
    def _page_text(self, tp: Any) -> str:
        """pdfium's text of the page in one call, one character per character index."""
        n = pdfium_c.FPDFText_CountChars(tp)
        if n <= 0:
            return ""
        buffer = ctypes.create_string_buffer(2 * (n + 1))
        pdfium_c.FPDFText_GetText(tp, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        raw = buffer.raw[: 2 * n]
        text = raw.decode("utf-16-le", "surrogatepass")
        if len(text) != n:  # surrogate pairs: keep the halves apart, indices must match
            text = "".join(map(chr, memoryview(raw).cast("H")))
        return text

    def _box(self, tp: Any, i: int, rect: Any) -> tuple[float, float, float, float] | None:
        """Character ``i``'s font box (as pdfminer's) in page space, or ``None``."""
        if not pdfium_c.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect)):
            return None
        ax, bx, cx, ay, by, cy = self._display.affine
        x0 = ax * rect.left + bx * rect.bottom + cx
        x1 = ax * rect.right + bx * rect.top + cx
        top = ay * rect.left + by * rect.top + cy
        bottom = ay * rect.right + by * rect.bottom + cy
        return min(x0, x1), min(top, bottom), max(x0, x1), max(top, bottom)

    def _upright(self, tp: Any, i: int) -> bool:
        angle = pdfium_c.FPDFText_GetCharAngle(tp, i)
        turn = ((math.degrees(angle) if angle >= 0 else 0.0) + 90 * self._display.turns) % 180
        return turn < 2 or turn > 178

    def _char_text(self, tp: Any, i: int, ch: str) -> str:
        code = ord(ch)
        if code < 32 or 0xE000 <= code <= 0xF8FF or code >= 0xFFFE:
            return _odd_char(code, pdfium_c.FPDFText_HasUnicodeMapError(tp, i) == 1)
        if 0xD800 <= code <= 0xDFFF:  # a surrogate half: pdfium's own characters are
            return chr(pdfium_c.FPDFText_GetUnicode(tp, i))  # whole code points
        return ch

    def _chars_of(self, tp: Any, text: str, start: int, end: int) -> list[dict[str, Any]]:
        """Characters ``start``..``end - 1`` as pdfplumber-shaped dicts (no whitespace)."""
        rect = pdfium_c.FS_RECTF()
        out: list[dict[str, Any]] = []
        for i in range(start, end):
            if text[i] in "\r\n" or (text[i].isspace() and pdfium_c.FPDFText_IsGenerated(tp, i)):
                continue  # pdfium's own line breaks and inferred spaces
            box = self._box(tp, i, rect)
            if box is None:
                continue
            x0, top, x1, bottom = box
            out.append(
                {
                    "text": self._char_text(tp, i, text[i]),
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "upright": self._upright(tp, i),
                }
            )
        return out

    def _read_chars(self, tp: Any) -> list[dict[str, Any]]:
        """The page's characters, each with its font box and direction."""
        text = self._page_text(tp)
        return self._chars_of(tp, text, 0, len(text))

    def _read_words(self, tp: Any) -> list[PdfWord]:
        """The page's words: a few calls per word instead of per character.

        A word that a vertical ruling line crosses (two cells' text run together without
        a space), or that goes on to the next line, is cut there, from its characters'
        own boxes. (The hot loop of PDF reading: names are bound locally.)"""
        text = self._page_text(tp)
        walls = sorted(
            (e["x0"], e["top"], e["bottom"]) for e in self.edges if e["orientation"] == "v"
        )
        wall_xs = [w[0] for w in walls]
        rect = pdfium_c.FS_RECTF()
        ref = ctypes.byref(rect)
        get_box, get_angle = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharAngle
        ax, bx, cx, ay, by, cy = self._display.affine
        turned = 90.0 * self._display.turns
        odd_text = _ODD.search(text) is not None
        out: list[PdfWord] = []
        for m in _WORD.finditer(text):
            start, end = m.span()
            boxed = get_box(tp, start, ref)
            l0, r0, t0, b0 = rect.left, rect.right, rect.top, rect.bottom
            boxed = boxed and get_box(tp, end - 1, ref)
            angle = get_angle(tp, start)
            turn = ((math.degrees(angle) if angle >= 0 else 0.0) + turned) % 180
            if not boxed or 2 <= turn <= 178:  # no box, or not upright: character by character
                out.extend(_words_of(self._chars_of(tp, text, start, end)))
                continue
            l1, r1, t1, b1 = rect.left, rect.right, rect.top, rect.bottom
            # the two characters' boxes in page space (as ``_box``), then their union
            fx0, fx1 = ax * l0 + bx * b0 + cx, ax * r0 + bx * t0 + cx
            ftop, fbot = ay * l0 + by * t0 + cy, ay * r0 + by * b0 + cy
            lx0, lx1 = ax * l1 + bx * b1 + cx, ax * r1 + bx * t1 + cx
            ltop, lbot = ay * l1 + by * t1 + cy, ay * r1 + by * b1 + cy
            first_x0, first_top = min(fx0, fx1), min(ftop, fbot)
            first_bottom = max(ftop, fbot)
            last_x0, last_top = min(lx0, lx1), min(ltop, lbot)
            x0, top = min(first_x0, last_x0), min(first_top, last_top)
            x1 = max(fx0, fx1, lx0, lx1)
            bottom = max(first_bottom, ltop, lbot)
            one_line = last_top < first_bottom and last_x0 >= first_x0 - 1.0
            if not one_line or (
                walls
                and bisect.bisect_right(wall_xs, x0 + 1.0) < bisect.bisect_left(wall_xs, x1 - 1.0)
                and _crossed(walls, wall_xs, x0, x1, (top + bottom) / 2)
            ):
                out.extend(_words_of(self._chars_of(tp, text, start, end), walls))
                continue
            word = m.group()
            if odd_text and _ODD.search(word):
                word = "".join(self._char_text(tp, start + k, ch) for k, ch in enumerate(word))
            out.append(PdfWord(word, x0, top, x1, bottom))
        return out

    def _read_objects(self, count: int, get: Any, outer: Matrix, depth: int) -> None:
        c = pdfium_c
        for k in range(count):
            obj = get(k)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_PATH:
                self._path_edges(obj, _compose(_matrix(obj), outer))
            elif kind == c.FPDF_PAGEOBJ_IMAGE:
                self._image(obj, outer)
            elif kind == c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                inner = _compose(_matrix(obj), outer)
                self._read_objects(
                    c.FPDFFormObj_CountObjects(obj),
                    lambda j, form=obj: c.FPDFFormObj_GetObject(form, j),
                    inner,
                    depth + 1,
                )

    def _image(self, obj: Any, outer: Matrix) -> None:
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        refs = (ctypes.byref(v) for v in (left, bottom, right, top))
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            return
        x0, y0 = _apply(outer, left.value, bottom.value)
        x1, y1 = _apply(outer, right.value, top.value)
        box = self._display.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        self.images.append(dict(zip(("x0", "top", "x1", "bottom"), box, strict=True)))

    def _path_edges(self, obj: Any, matrix: Matrix) -> None:
        """Every straight, axis-parallel segment of the path as a pdfplumber edge."""
        c = pdfium_c
        x, y = ctypes.c_float(), ctypes.c_float()
        start: tuple[float, float] | None = None
        here: tuple[float, float] | None = None
        for j in range(c.FPDFPath_CountSegments(obj)):
            seg = c.FPDFPath_GetPathSegment(obj, j)
            if not c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                continue
            point = self._display.point(*_apply(matrix, x.value, y.value))
            kind = c.FPDFPathSegment_GetType(seg)
            if kind == c.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == c.FPDF_SEGMENT_LINETO and here is not None:
                self._edge(here, point)
            here = point
            if c.FPDFPathSegment_GetClose(seg) and start is not None and here is not None:
                self._edge(here, start)
                here = start

    def _edge(self, p: tuple[float, float], q: tuple[float, float]) -> None:
        (px, py), (qx, qy) = p, q
        x0, x1, top, bottom = min(px, qx), max(px, qx), min(py, qy), max(py, qy)
        if x1 - x0 <= STRAIGHT and bottom - top > STRAIGHT:
            orientation, x0 = "v", (x0 + x1) / 2
            x1 = x0
        elif bottom - top <= STRAIGHT and x1 - x0 > STRAIGHT:
            orientation, top = "h", (top + bottom) / 2
            bottom = top
        else:
            return
        self.edges.append(
            {
                "object_type": "line",
                "orientation": orientation,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "width": x1 - x0,
                "height": bottom - top,
                "page_number": self.page_number,
            }
        )


_WORD = re.compile(r"\S+")
_ODD = re.compile("[\x00-\x1f\ud800-\udfff\ue000-\uf8ff\ufffe\uffff]")


def _crossed(
    walls: list[tuple[float, float, float]], xs: list[float], x0: float, x1: float, v: float
) -> bool:
    """Does a vertical ruling line pass through ``x0``..``x1`` at height ``v``?"""
    lo, hi = bisect.bisect_right(xs, x0 + 1.0), bisect.bisect_left(xs, x1 - 1.0)
    return any(walls[k][1] <= v <= walls[k][2] for k in range(lo, hi))


def _words_of(
    chars: list[dict[str, Any]],
    walls: list[tuple[float, float, float]] = (),  # type: ignore[assignment]
) -> list[PdfWord]:
    """Characters of one run as words: one word unless a ruling line cuts it or it goes
    on to the next line (pdfium runs "каких-" at a line end into "либо"); text that is
    not upright stays one word with its characters."""
    if not chars:
        return []
    if not all(c["upright"] for c in chars):
        return [_word(chars, upright=False)]
    groups: list[list[dict[str, Any]]] = [[chars[0]]]
    for prev, ch in itertools.pairwise(chars):
        left, right = (prev["x0"] + prev["x1"]) / 2, (ch["x0"] + ch["x1"]) / 2
        v = (ch["top"] + ch["bottom"]) / 2
        new_line = not prev["top"] <= v <= prev["bottom"] or ch["x0"] < prev["x0"] - 1.0
        if new_line or any(left < x < right and t <= v <= b for x, t, b in walls):
            groups.append([ch])
        else:
            groups[-1].append(ch)
    return [_word(g) for g in groups]


def _word(chars: list[dict[str, Any]], upright: bool = True) -> PdfWord:
    """One word boxed around its characters (which it keeps when not upright)."""
    return PdfWord(
        "".join(c["text"] for c in chars),
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
        upright=upright,
        chars=() if upright else tuple(chars),
    )


def _odd_char(code: int, unmapped: bool) -> str:
    """Text for a control, private-use or non-character code."""
    if code in (2, 0xFFFE):  # pdfium's marks for a hyphen that ends a line
        return "-"
    if code == 0 or unmapped:
        return f"(cid:{code})"
    return chr(code) if code >= 32 else " "


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f
