"""Format detection and backend dispatch: ``extract(name, data)`` → RawDocument.

The format comes from the bytes (magic numbers, zip members, the start of markup); the
file name's extension only breaks ties. Every failure is an :class:`ExtractionError` whose
message a user understands.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import re
import sys
import traceback
import zipfile
from typing import Any

from extractors.base import Backend, ExtractionError, ExtractOptions
from schemas import Format, RawDocument

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|h[1-6]|span|font|center|"
    rb"style|script|link|base)[\s>/]",
    re.IGNORECASE,
)
_MARKUP_NOISE = re.compile(rb"^(?:\s|<\?xml[^>]*>|<!--.*?-->)*", re.DOTALL)
_ODF_TEXT = b"application/vnd.oasis.opendocument.text"

LABELS: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word document (DOCX)",
    "doc": "Word 97-2003 document (DOC)",
    "rtf": "RTF document",
    "odt": "OpenDocument text (ODT)",
    "html": "web page (HTML)",
    "txt": "text file",
    "image": "image",
}


def _ext(name: str) -> str:
    return os.path.splitext(name.lower())[1]


def _sniff_zip(data: bytes) -> tuple[Format | None, str]:
    """Format of a zip container and, when unsupported, what it is instead."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx", ""
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if mime.startswith(_ODF_TEXT):
                    return "odt", ""
                kind = mime.decode("ascii", "replace")
                return None, f"an OpenDocument file of another kind ({kind})"
            if "xl/workbook.xml" in names:
                return None, "an Excel workbook"
            if "ppt/presentation.xml" in names:
                return None, "a PowerPoint presentation"
            return None, "a ZIP archive without a document in it"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None, "a damaged ZIP archive"


def _looks_like_html(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
    head = head.removeprefix(b"\xef\xbb\xbf")
    m = _MARKUP_NOISE.match(head)
    rest = head[m.end() if m else 0 :]
    return bool(_HTML_START.match(rest))


def _looks_like_word_xml(head: bytes) -> Format | None:
    """Word 2003 XML and flat ODF text: both read by LibreOffice."""
    if b"<?xml" not in head[:100]:
        return None
    if b'progid="Word.Document"' in head or b"w:wordDocument" in head:
        return "doc"
    if b"<office:document" in head and _ODF_TEXT in head:
        return "odt"
    return None


def sniff(name: str, data: bytes) -> tuple[Format | None, str]:
    """Detected format, or ``None`` and a short description of what the bytes are."""
    from extractors.text import looks_like_text

    if not data:
        return None, "an empty file"
    head = data[:4096]
    ext = _ext(name)
    if b"%PDF-" in data[:1024]:
        return "pdf", ""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        fmt, what = _sniff_zip(data)
        if fmt is None and what == "a damaged ZIP archive" and ext in (".docx", ".odt"):
            return ("docx" if ext == ".docx" else "odt"), ""
        return fmt, what
    if head.startswith(OLE2_MAGIC):
        if "WordDocument".encode("utf-16-le") in data or ext in (".doc", ".dot"):
            return "doc", ""
        return None, "an Office file that is not a Word document"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf", ""
    if head.startswith(_IMAGE_MAGIC):
        return "image", ""
    word_xml = _looks_like_word_xml(head)
    if word_xml:
        return word_xml, ""
    if _looks_like_html(head):
        return "html", ""
    if looks_like_text(data):
        if ext in (".htm", ".html", ".xhtml") and b"<" in data:
            return "html", ""
        return "txt", ""
    return None, "binary data"


def detect_format(name: str, data: bytes) -> Format | None:
    """The input's format from its bytes (the extension only breaks ties), or ``None``."""
    return sniff(name, data)[0]


def _ocr_available() -> bool:
    try:
        return importlib.util.find_spec("extractors.ocr") is not None
    except (ImportError, ValueError):
        return False


def _optional_module(name: str) -> Any:
    """The module if it exists (imported on demand), else ``None``."""
    try:
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except (ImportError, ValueError):
        return None


class OcrImageBackend(Backend):
    """Images (PNG/JPEG/TIFF) handed to ``extractors.ocr`` when no ``ImageBackend`` class
    (``extractors.image``) is there; registered only when ``extractors.ocr`` exists."""

    formats = ("image",)
    extensions = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def is_valid(self) -> bool:
        return self.data.startswith(_IMAGE_MAGIC)

    def convert(self) -> RawDocument:
        ocr: Any = importlib.import_module("extractors.ocr")
        if hasattr(ocr, "ocr_image_pages"):
            result = ocr.ocr_image_pages([self.data], self.options)
        else:
            result = ocr.ocr_images(self._frames(), self.options)
        if isinstance(result, RawDocument):
            result.source, result.format, result.method = self.name, "image", "ocr"
            return result
        pages = {getattr(b, "page", None) for b in result} - {None}
        doc = RawDocument(source=self.name, format="image", method="ocr", pages=len(pages) or 1)
        doc.blocks.extend(result)
        return doc

    def _frames(self) -> list[Any]:
        """The pages of the image (a multi-page TIFF has several), as PIL images."""
        from PIL import Image, ImageSequence

        try:
            img = Image.open(io.BytesIO(self.data))
            return [frame.copy() for frame in ImageSequence.Iterator(img)]
        except Exception as exc:
            raise ExtractionError("the image is damaged", detail=repr(exc)) from exc


def backend_class(fmt: Format) -> type[Backend] | None:
    """The backend class for a format (imports lazily), ``None`` when none is available."""
    if fmt == "pdf":
        from extractors.pdf import PdfBackend

        return PdfBackend
    if fmt == "docx":
        from extractors.docx import DocxBackend

        return DocxBackend
    if fmt in ("doc", "rtf", "odt"):
        from extractors.office import OfficeBackend

        return OfficeBackend
    if fmt == "html":
        from extractors.html import HtmlBackend

        return HtmlBackend
    if fmt == "txt":
        from extractors.text import TextBackend

        return TextBackend
    if fmt == "image" and _ocr_available():
        for module_name in ("extractors.image", "extractors.ocr"):
            custom = getattr(_optional_module(module_name), "ImageBackend", None)
            if isinstance(custom, type) and issubclass(custom, Backend):
                return custom
        ocr: Any = importlib.import_module("extractors.ocr")
        if hasattr(ocr, "ocr_image_pages") or hasattr(ocr, "ocr_images"):
            return OcrImageBackend
    return None


def extract(name: str, data: bytes, options: ExtractOptions | None = None) -> RawDocument:
    """Read one file into a RawDocument or raise :class:`ExtractionError`."""
    options = options or ExtractOptions()
    if not data:
        raise ExtractionError("the file is empty", detail=f"{name}: 0 bytes", stage="read")
    if len(data) > options.max_bytes:
        raise ExtractionError(
            f"the file is too large ({len(data) // 2**20} MB; the limit is "
            f"{options.max_bytes // 2**20} MB)",
            detail=f"{name}: {len(data)} bytes",
            stage="read",
        )
    fmt, what = sniff(name, data)
    if fmt is None:
        raise ExtractionError(
            f"not a supported document format ({what})",
            detail=f"{name}: first bytes {data[:16]!r}",
        )
    cls = backend_class(fmt)
    if cls is None:
        raise ExtractionError(
            f"the file is an {LABELS[fmt]}; OCR is not available", detail=f"{name}: {fmt}"
        )
    backend = cls(name, data, options)
    if not backend.is_valid():
        raise ExtractionError(
            f"the file looks like a {LABELS[fmt]} but is damaged",
            detail=f"{name}: {cls.__name__}.is_valid() is false",
        )
    try:
        return backend.convert()
    except ExtractionError:
        raise
    except MemoryError as exc:
        raise ExtractionError(f"the {LABELS[fmt]} is too large to read", detail=repr(exc)) from exc
    except Exception as exc:
        raise ExtractionError(
            f"the {LABELS[fmt]} could not be read ({type(exc).__name__})",
            detail=traceback.format_exc(limit=8),
        ) from exc
