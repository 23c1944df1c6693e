"""OCR engine: generated table images (ruled, rotated, without rules), the image backend
(multi-page TIFF, decompression bombs) and image-only PDF pages."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import ocr, tesseract
from extractors.base import ExtractionError, ExtractOptions
from extractors.image import ImageBackend
from schemas import Paragraph, Table

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed"),
]

DPI = 300
TITLE = "Календарный план мероприятий по подготовке выборов"
HEADER = ["№", "Содержание мероприятия", "Срок исполнения", "Исполнитель"]
SECTION = "Избирательные комиссии"
ROWS = [
    ["1.", "Опубликование списка избирательных участков с указанием их границ",
     "не позднее 29.07.2019", "Глава администрации"],
    ["2.", "Назначение членов участковых избирательных комиссий",
     "с 10 июля по 20 июля", "Территориальная комиссия"],
    ["3.", "Приём документов кандидатов", "постоянно", "Окружная комиссия"],
]  # fmt: skip
WIDTHS = [150, 900, 560, 560]
PAD = 18
OPTIONS = ExtractOptions(timeout=120)


@lru_cache(maxsize=1)
def font_path() -> str:
    for candidate in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ):
        if Path(candidate).exists():
            return candidate
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", "serif:lang=ru"], capture_output=True, text=True
        )
        if out.stdout and Path(out.stdout).exists():
            return out.stdout
    pytest.skip("no font with Cyrillic letters")


def font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), 40)


def wrap(draw: ImageDraw.ImageDraw, text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font()) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def table_image(ruled: bool = True, title: bool = True) -> Image.Image:
    """A page with a title and a 4-column table with a section row spanning the width."""
    width = sum(WIDTHS) + 200
    img = Image.new("L", (width, 1500), 255)
    draw = ImageDraw.Draw(img)
    f = font()
    line_h = 50
    y = 80
    if title:
        draw.text((100, y), TITLE, font=f, fill=0)
        y += 140
    x0 = 100
    xs = [x0]
    for w in WIDTHS:
        xs.append(xs[-1] + w)
    rows: list[list[str] | str] = [HEADER, SECTION, *ROWS]
    ys = [y]
    for row in rows:
        if isinstance(row, str):
            draw.text((xs[0] + PAD, y + PAD), row, font=f, fill=0)
            height = line_h + 2 * PAD
        else:
            height = 0
            for c, text in enumerate(row):
                lines = wrap(draw, text, WIDTHS[c] - 2 * PAD)
                for i, ln in enumerate(lines):
                    draw.text((xs[c] + PAD, y + PAD + i * line_h), ln, font=f, fill=0)
                height = max(height, len(lines) * line_h + 2 * PAD)
        if not ruled:
            height += 30  # rows of an unruled table are set apart by space
        y += height
        ys.append(y)
    if ruled:
        for yy in ys:
            draw.line([(xs[0], yy), (xs[-1], yy)], fill=0, width=3)
        for i, xx in enumerate(xs):
            # Inner rules stop at the section row (row 1) and resume below it.
            if i in (0, len(xs) - 1):
                draw.line([(xx, ys[0]), (xx, ys[-1])], fill=0, width=3)
            else:
                draw.line([(xx, ys[0]), (xx, ys[1])], fill=0, width=3)
                draw.line([(xx, ys[2]), (xx, ys[-1])], fill=0, width=3)
    img.info["dpi"] = (DPI, DPI)
    return img


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio()


def only_table(blocks: list[Paragraph | Table]) -> Table:
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1, blocks
    return tables[0]


def check_ruled(table: Table, min_similarity: float = 0.9, page: int = 1) -> None:
    assert table.n_cols == 4
    texts = table.texts()
    assert len(texts) == 2 + len(ROWS)
    assert [similar(t, h) >= min_similarity for t, h in zip(texts[0], HEADER, strict=True)]
    section = table.rows[1]
    assert len(section) == 1 and section[0].colspan == 4 and section[0].col == 0
    assert similar(section[0].text, SECTION) >= min_similarity
    for got, want in zip(table.rows[2:], ROWS, strict=True):
        assert [c.col for c in got] == [0, 1, 2, 3]
        for cell, text in zip(got, want, strict=True):
            assert similar(cell.text, text) >= min_similarity, (cell.text, text)
            assert cell.confidence is not None
            # Item numbers alone ("3." or "З."?) get modest confidence; text is sure.
            assert cell.col == 0 or cell.confidence > 60
            assert cell.page == page and cell.bbox is not None


def test_ruled_table_grid_and_cells() -> None:
    blocks = ocr.ocr_images([table_image()], OPTIONS)
    table = only_table(blocks)
    check_ruled(table)
    assert table.texts()[4][2] == "постоянно"
    assert table.texts()[2][2] == "не позднее 29.07.2019"
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    assert paragraphs and similar(paragraphs[0].text, TITLE) >= 0.9
    assert blocks.index(paragraphs[0]) < blocks.index(table)  # reading order


def test_rotated_table_is_deskewed() -> None:
    img = table_image().rotate(2.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    img.info["dpi"] = (DPI, DPI)
    check_ruled(only_table(ocr.ocr_images([img], OPTIONS)))


@pytest.mark.parametrize("degrees", [90, 270])
def test_a_page_scanned_sideways_is_turned_upright(degrees: int) -> None:
    img = table_image().rotate(degrees, expand=True, fillcolor=255)
    img.info["dpi"] = (DPI, DPI)
    check_ruled(only_table(ocr.ocr_images([img], OPTIONS)))


def test_orientation_from_the_library_and_the_program_agree() -> None:
    import numpy as np

    page = np.asarray(table_image().rotate(90, expand=True, fillcolor=255))
    cli = tesseract.CliEngine("osd").orientation(page, DPI)
    assert cli is not None and cli[0] == 90  # turned 90° counter-clockwise: turn it back
    if tesseract.library() is not None:
        lib = tesseract.Engine("osd").orientation(page, DPI)
        assert lib is not None and lib[0] == cli[0]


def test_table_without_ruling_lines() -> None:
    blocks = ocr.ocr_images([table_image(ruled=False)], OPTIONS)
    table = only_table(blocks)
    texts = table.texts()
    assert table.n_cols == 4
    flat = [" ".join(t.split()) for row in texts for t in row]
    assert "постоянно" in flat
    assert "Территориальная комиссия" in flat
    section = table.rows[1]
    assert len(section) == 1 and section[0].colspan == 4 and section[0].text == SECTION
    numbers = [row[0] for row in texts if row[0]]
    assert numbers[-3:] == ["1.", "2.", "3."]
    long_action = next(row[1] for row in texts if row[0] == "1.")
    assert similar(long_action, ROWS[0][1]) >= 0.9
    assert any(isinstance(b, Paragraph) and similar(b.text, TITLE) >= 0.9 for b in blocks)


def test_multipage_tiff_backend() -> None:
    text_page = Image.new("L", (1800, 600), 255)
    ImageDraw.Draw(text_page).text((100, 200), "Председатель комиссии", font=font(), fill=0)
    buf = io.BytesIO()
    table_image().save(buf, "TIFF", save_all=True, append_images=[text_page], dpi=(DPI, DPI))
    backend = ImageBackend("plan.tiff", buf.getvalue(), OPTIONS)
    assert backend.is_valid()
    doc = backend.convert()
    assert (doc.format, doc.method, doc.pages) == ("image", "ocr", 2)
    assert {b.page for b in doc.blocks} == {1, 2}
    check_ruled(only_table(doc.blocks))
    last = [b for b in doc.paragraphs if b.page == 2]
    assert last and similar(last[0].text, "Председатель комиссии") >= 0.9


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_decompression_bomb_is_refused() -> None:
    ihdr = struct.pack(">IIBBBBB", 200_000, 200_000, 1, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _png_chunk(b"IEND", b"")
    )
    backend = ImageBackend("bomb.png", bomb, OPTIONS)
    assert backend.is_valid()
    with pytest.raises(ExtractionError, match="too large to read safely"):
        backend.convert()


def test_pixel_limit_is_configurable() -> None:
    buf = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buf, "PNG")
    options = ExtractOptions(extra={"max_image_pixels": 100_000})
    with pytest.raises(ExtractionError, match="decompression bomb"):
        ImageBackend("big.png", buf.getvalue(), options).convert()


def test_damaged_image() -> None:
    backend = ImageBackend("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, OPTIONS)
    with pytest.raises(ExtractionError):
        backend.convert()


def test_image_only_pdf_pages() -> None:
    buf = io.BytesIO()
    page = table_image(title=False)
    blank = Image.new("L", page.size, 255)
    blank.save(buf, "PDF", save_all=True, append_images=[page], resolution=float(DPI))
    blocks = ocr.ocr_pdf_pages(buf.getvalue(), [2], OPTIONS)
    table = only_table(blocks)
    assert table.page == 2
    check_ruled(table, page=2)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract program")
def test_cli_fallback_reads_like_the_library() -> None:
    import numpy as np

    img = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(img).text((20, 30), "Территориальная комиссия", font=font(), fill=0)
    arr = np.asarray(img)
    cli = tesseract.CliEngine("rus").recognize([arr, arr], 7, DPI)
    assert [" ".join(w.text for w in ws) for ws in cli] == ["Территориальная комиссия"] * 2
    if tesseract.library() is not None:
        lib = tesseract.Engine("rus").recognize([arr], 7, DPI)[0]
        assert [w.text for w in lib] == [w.text for w in cli[0]]
        assert all(w.conf > 60 for w in lib)
