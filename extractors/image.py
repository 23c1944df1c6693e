"""Scanned plans as images (PNG, JPEG, multi-page TIFF) → RawDocument by OCR.

Every frame of the image is a page; :mod:`extractors.ocr` reads it. Images are opened
lazily and their size is checked against a pixel limit *before* they are decoded, so a
decompression bomb (a small file that claims a huge canvas) is refused with a readable
reason instead of exhausting memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.base import Backend, ExtractionError
from schemas import RawDocument

MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# Pillow's own bomb threshold (~89 Mpx: an A3 page at 600 dpi is 70 Mpx).
DEFAULT_MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
LOW_CONFIDENCE = 70.0


class ImageBackend(Backend):
    """PNG, JPEG and TIFF scans; format ``image``, method ``ocr``."""

    formats = ("image",)
    extensions = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

    def is_valid(self) -> bool:
        return self.data.startswith(MAGIC)

    def max_pixels(self) -> int:
        value = self.options.extra.get("max_image_pixels")
        return value if isinstance(value, int) and value > 0 else int(DEFAULT_MAX_PIXELS)

    def convert(self) -> RawDocument:
        from extractors import ocr

        if len(self.data) > self.options.max_bytes:
            raise ExtractionError(
                f"the image is larger than {self.options.max_bytes // (1024 * 1024)} MB",
                detail=f"{self.name}: {len(self.data)} bytes",
            )
        if not ocr.available():
            raise ExtractionError(
                "the file is an image and OCR (tesseract) is not installed",
                detail="install tesseract-ocr and tesseract-ocr-rus",
            )
        img = self._open()
        count = getattr(img, "n_frames", 1)
        blocks = ocr.ocr_image_iter(self._frames(img), self.options)
        doc = RawDocument(
            source=self.name,
            format="image",
            method="ocr",
            blocks=blocks,
            pages=min(count, self.options.max_pages),
        )
        if count > self.options.max_pages:
            doc.warnings.append(f"PAGES_TRUNCATED: read {self.options.max_pages} of {count}")
        confs = [
            c.confidence for t in doc.tables for row in t.rows for c in row
            if c.confidence is not None
        ]  # fmt: skip
        if confs and sum(confs) / len(confs) < LOW_CONFIDENCE:
            doc.warnings.append(
                f"LOW_OCR_CONFIDENCE: mean cell confidence {sum(confs) / len(confs):.0f}"
            )
        if not blocks:
            doc.warnings.append("OCR_NO_TEXT: no text was recognised in the image")
        return doc

    def _open(self) -> Image.Image:
        try:
            img = Image.open(io.BytesIO(self.data))
        except Image.DecompressionBombError as exc:
            raise self._bomb(None) from exc
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ExtractionError(
                "the image is damaged or not a supported image", detail=repr(exc)
            ) from exc
        self._check_size(img)
        return img

    def _check_size(self, img: Image.Image) -> None:
        width, height = img.size
        if width <= 0 or height <= 0:
            raise ExtractionError("the image is empty", detail=f"{self.name}: {img.size}")
        if width * height > self.max_pixels():
            raise self._bomb(img.size)

    def _bomb(self, size: tuple[int, int] | None) -> ExtractionError:
        what = f"{size[0]}×{size[1]} pixels" if size else "too many pixels"
        return ExtractionError(
            f"the image is too large to read safely ({what}, limit {self.max_pixels():,}); "
            "it may be a decompression bomb",
            detail=self.name,
        )

    def _frames(self, img: Image.Image) -> Iterator[Image.Image]:
        """The pages, decoded one at a time (EXIF rotation applied)."""
        try:
            for i, frame in enumerate(ImageSequence.Iterator(img)):
                if i >= self.options.max_pages:
                    return
                self._check_size(frame)
                page = frame.copy()
                if i == 0:
                    page = ImageOps.exif_transpose(page) or page
                yield page
        except ExtractionError:
            raise
        except Image.DecompressionBombError as exc:
            raise self._bomb(None) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise ExtractionError("the image is damaged", detail=repr(exc)) from exc
