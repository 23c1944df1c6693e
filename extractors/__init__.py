"""Extractors: bytes of one file → :class:`schemas.RawDocument` (blocks in reading order).

The pipeline calls exactly ``extract(name, data, options)``; see :mod:`extractors.registry`.
"""

from extractors.base import Backend, ExtractionError, ExtractOptions
from extractors.registry import backend_class, detect_format, extract

__all__ = [
    "Backend",
    "ExtractOptions",
    "ExtractionError",
    "backend_class",
    "detect_format",
    "extract",
]
