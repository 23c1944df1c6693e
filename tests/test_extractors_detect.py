"""Format sniffing and the errors users see for unreadable input."""

from __future__ import annotations

import io
import zipfile

import pytest

from extractors import ExtractionError, ExtractOptions, detect_format, extract, registry
from tests.conftest_extractors import docx_bytes, tiny_png


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "pdf"),
        ("a.bin", b"\r\n%PDF-1.4\n", "pdf"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "doc"),
        ("x", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "doc"),
        ("a.doc", b"{\\rtf1\\ansi\\ansicpg1251 text}", "rtf"),  # RTF named .doc: bytes win
        ("a.rtf", b"\xef\xbb\xbf{\\rtf1 x}", "rtf"),
        ("a.png", tiny_png(), "image"),
        ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        ("a.tif", b"II*\x00\x08\x00\x00\x00", "image"),
        ("a.doc", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("page", b"\xef\xbb\xbf  <html><head><meta charset=utf-8>", "html"),
        ("page.htm", b"<!-- saved --><TABLE><tr><td>1</td></tr></TABLE>", "html"),
        ("a.txt", "План работы\n1.\tДело\tмарт\n".encode("cp1251"), "txt"),
        ("a.txt", "План".encode("utf-16"), "txt"),
        ("a.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        ("a.docx", _zip({"word/document.xml": b"<w:document/>"}), "docx"),
        (
            "a.xml",
            b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument>',
            "doc",
        ),
    ],
)
def test_detect_format(name: str, data: bytes, expected: str) -> None:
    assert detect_format(name, data) == expected


def test_detect_real_docx_named_pdf() -> None:
    data = docx_bytes(lambda d: d.add_paragraph("x"))  # type: ignore[attr-defined]
    assert detect_format("plan.pdf", data) == "docx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.docx", b"", "the file is empty"),
        ("plan.docx", bytes(range(256)) * 8, "not a supported document format (binary data)"),
        (
            "plan.xlsx",
            _zip({"xl/workbook.xml": b"<x/>"}),
            "not a supported document format (an Excel workbook)",
        ),
        ("plan.zip", _zip({"readme.txt": b"hi"}), "not a supported document format (a ZIP archive"),
        (
            "plan.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600,
            "not a supported document format (an Office file that is not a Word",
        ),
        (
            "plan.docx",
            b"PK\x03\x04" + b"\x00" * 40,
            "the file looks like a Word document (DOCX) but is damaged",
        ),
    ],
)
def test_unsupported_input_messages(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ExtractionError) as err:
        extract(name, data)
    assert str(err.value).startswith(message)
    assert err.value.detail


def test_too_large_is_refused() -> None:
    with pytest.raises(ExtractionError, match="too large"):
        extract("a.txt", b"x" * 2048, ExtractOptions(max_bytes=1024))


def test_image_without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_ocr_available", lambda: False)
    with pytest.raises(ExtractionError, match="image; OCR is not available"):
        extract("scan.png", tiny_png())


def test_image_goes_to_ocr_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from schemas import Paragraph

    calls: list[int] = []
    fake = types.ModuleType("extractors.ocr")

    def ocr_image_pages(images: list[bytes], options: object) -> list[Paragraph]:
        calls.append(len(images))
        return [Paragraph(text="распознано", page=1)]

    fake.ocr_image_pages = ocr_image_pages  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "extractors.ocr", fake)
    monkeypatch.setitem(sys.modules, "extractors.image", types.ModuleType("extractors.image"))
    monkeypatch.setattr(registry, "_ocr_available", lambda: True)
    raw = extract("scan.png", tiny_png())
    assert calls == [1]
    assert (raw.format, raw.method) == ("image", "ocr")
    assert raw.paragraphs[0].text == "распознано"
