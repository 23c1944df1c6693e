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

import ctypes
import math
import threading
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


class PdfiumPage:
    """One page's characters, edges and images, read once; pdfplumber's page API on top."""

    def __init__(self, document: pdfium.PdfDocument, index: int) -> None:
        self.page_number = index + 1
        self.images: list[dict[str, float]] = []
        self.edges: list[dict[str, Any]] = []
        with LOCK:
            page = document[index]
            try:
                left, bottom, right, top = page.get_bbox()
                self._display = _Display((left, bottom, right, top), page.get_rotation() // 90)
                self.width, self.height = self._display.width, self._display.height
                self.bbox = (0.0, 0.0, self.width, self.height)
                textpage = page.get_textpage()
                try:
                    self.chars = self._read_chars(textpage.raw)
                finally:
                    textpage.close()
                raw = page.raw
                self._read_objects(
                    pdfium_c.FPDFPage_CountObjects(raw),
                    lambda k: pdfium_c.FPDFPage_GetObject(raw, k),
                    IDENTITY,
                    0,
                )
            finally:
                page.close()

    # -- pdfplumber's page API, as the PDF backend uses it ----------------------------
    def find_tables(self, table_settings: dict[str, Any] | None = None) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(table_settings)).tables  # type: ignore[arg-type]

    # -- reading ---------------------------------------------------------------------
    def _read_chars(self, tp: Any) -> list[dict[str, Any]]:
        """The page's characters: pdfium's text in one call, then one box per character
        (its font box, as pdfminer's) and its angle; the rarer checks only where needed."""
        c = pdfium_c
        n = c.FPDFText_CountChars(tp)
        if n <= 0:
            return []
        buffer = ctypes.create_string_buffer(2 * (n + 1))
        c.FPDFText_GetText(tp, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        codes = memoryview(buffer.raw).cast("H")
        rect = c.FS_RECTF()
        ref = ctypes.byref(rect)
        loose_box, angle_of = c.FPDFText_GetLooseCharBox, c.FPDFText_GetCharAngle
        is_generated, map_error = c.FPDFText_IsGenerated, c.FPDFText_HasUnicodeMapError
        ax, bx, cx, ay, by, cy = self._display.affine
        turns = 90 * self._display.turns
        out: list[dict[str, Any]] = []
        for i in range(n):
            code = codes[i]
            if code in (10, 13) or (code == 32 and is_generated(tp, i) == 1):
                continue  # pdfium's own line breaks and inferred spaces
            if not loose_box(tp, i, ref):
                continue
            if code < 32 or 0xE000 <= code <= 0xF8FF or code >= 0xFFFE:
                text = _odd_char(code, map_error(tp, i) == 1)
            elif 0xD800 <= code <= 0xDFFF:  # a surrogate half: pdfium's own characters are
                text = chr(c.FPDFText_GetUnicode(tp, i))  # whole code points
            else:
                text = chr(code)
            x0 = ax * rect.left + bx * rect.bottom + cx
            x1 = ax * rect.right + bx * rect.top + cx
            top = ay * rect.left + by * rect.top + cy
            bottom = ay * rect.right + by * rect.bottom + cy
            if x0 > x1:
                x0, x1 = x1, x0
            if top > bottom:
                top, bottom = bottom, top
            angle = angle_of(tp, i)
            turn = ((math.degrees(angle) if angle >= 0 else 0.0) + turns) % 180
            out.append(
                {
                    "text": text,
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "upright": turn < 2 or turn > 178,
                }
            )
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
