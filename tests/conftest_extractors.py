"""Builders of synthetic documents for the extractor tests (no binaries in git).

Not a pytest conftest: test modules import what they need from here.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)

Row = Sequence[Any]  # cells: a str (one line) or a list of its lines


def cyrillic_font() -> str:
    """Register a TTF font with Cyrillic glyphs for reportlab; its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "KxSans" in pdfmetrics.getRegisteredFontNames():
        return "KxSans"
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("KxSans", path))
            return "KxSans"
    fonts_dir = Path("/usr/share/fonts")
    found = sorted(fonts_dir.rglob("*Sans*.ttf")) if fonts_dir.exists() else []
    for font_path in found:
        try:
            pdfmetrics.registerFont(TTFont("KxSans", str(font_path)))
            return "KxSans"
        except Exception:
            continue
    pytest.skip("no TTF font with Cyrillic glyphs installed")


def _lines(cell: str | Sequence[str]) -> list[str]:
    return [cell] if isinstance(cell, str) else list(cell)


def table_pdf(
    pages: Sequence[Sequence[Row]],
    widths: Sequence[float] = (40, 250, 120, 110),
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    merged_rows: Sequence[tuple[int, int]] = (),
    ruled: bool = True,
    font_size: float = 10,
    encrypt: Any = None,
    footer_numbers: bool = False,
    page_widths: dict[int, Sequence[float]] | None = None,
    page_before: dict[int, Sequence[str]] | None = None,
    shaded: bool = False,
    open_end: bool = False,
) -> bytes:
    """A PDF drawn with reportlab's canvas: one table part per page, grid lines drawn
    (``ruled``), ``before`` lines above the first part, ``after`` lines below the last.
    ``merged_rows`` are (page index, row index) pairs drawn as one cell across the table;
    ``page_widths``/``page_before`` give other column widths / lines above the table for
    some pages. ``shaded``: every other row's cells filled grey (zebra stripes).
    ``open_end``: the last row has no bottom rule (a row cut by a page break, as browsers
    print it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cyrillic_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    page_w, page_h = A4
    left, top_margin, leading, pad = 50.0, 60.0, font_size * 1.25, 4.0
    for p, rows in enumerate(pages):
        xs = [left]
        for w in (page_widths or {}).get(p, widths):
            xs.append(xs[-1] + w)
        c.setFont(font, font_size)
        y = page_h - top_margin
        lines_above = before if p == 0 else (page_before or {}).get(p, ())
        if lines_above:
            for line in lines_above:
                c.drawString(left, y - font_size, line)
                y -= leading
            y -= 6
        table_top = y
        for r, row in enumerate(rows):
            merged = (p, r) in merged_rows
            cells = [_lines(x) for x in row]
            height = max(len(x) for x in cells) * leading + 2 * pad
            if shaded and r % 2:
                c.setFillGray(0.85)
                for x0, x1 in itertools.pairwise(xs):
                    c.rect(x0, y - height, x1 - x0, height, stroke=0, fill=1)
                c.setFillGray(0)
            if ruled:
                c.line(xs[0], y, xs[-1], y)
            for k, lines in enumerate(cells):
                x = xs[k] + pad
                for i, line in enumerate(lines):
                    c.drawString(x, y - pad - (i + 1) * leading + 2, line)
            if ruled:
                inner = [xs[0], xs[-1]] if merged else xs
                for x in inner:
                    c.line(x, y, x, y - height)
            y -= height
        if ruled and rows:
            if not open_end:
                c.line(xs[0], y, xs[-1], y)
            c.line(xs[0], table_top, xs[-1], table_top)
        if p == len(pages) - 1:
            y -= 10
            for line in after:
                c.drawString(left, y - font_size, line)
                y -= leading
        if footer_numbers:
            c.drawString(page_w / 2, 30, str(p + 1))
        c.showPage()
    c.save()
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A one-page PDF whose only content is a picture (a scan without a text layer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = tiny_png()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(png)), 50, 400, width=400, height=300)
    c.showPage()
    c.save()
    return buf.getvalue()


def tiny_png() -> bytes:
    """A valid 8x8 grey PNG, written by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + bytes([128] * 8) for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def docx_bytes(build: Callable[[Any], object]) -> bytes:
    """A DOCX made by python-docx; ``build`` receives the Document."""
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def patch_zip(data: bytes, member: str, transform: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one member's bytes transformed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == member:
                content = transform(content)
            dst.writestr(info.filename, content)
    return out.getvalue()


def soffice_or_skip() -> str:
    from extractors.office import soffice_binary

    binary = soffice_binary()
    if binary is None:
        pytest.skip("LibreOffice is not installed")
    return binary
