"""The one interface every input format implements (after docling's backends).

A backend is made for one input (a name and its bytes). ``is_valid`` says whether the
bytes really are of the backend's format; ``convert`` returns the formats-erased
:class:`schemas.RawDocument`. Backends raise :class:`ExtractionError` with a sentence a
user understands when a file cannot be read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from schemas import Format, RawDocument


class ExtractionError(Exception):
    """A file could not be read; ``str(err)`` is for users, ``detail`` for developers."""

    def __init__(self, message: str, detail: str | None = None, stage: str = "extract") -> None:
        super().__init__(message)
        self.detail = detail
        self.stage = stage


@dataclass(slots=True)
class ExtractOptions:
    """Knobs shared by all backends (timeouts in seconds)."""

    timeout: float = 120.0
    ocr_lang: str = "rus"
    ocr_dpi: int = 300
    max_pages: int = 1000
    max_bytes: int = 200 * 1024 * 1024
    extra: dict[str, object] = field(default_factory=dict)


class Backend(ABC):
    """Reads one input of one format."""

    formats: ClassVar[tuple[Format, ...]] = ()
    extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, name: str, data: bytes, options: ExtractOptions | None = None) -> None:
        self.name = name
        self.data = data
        self.options = options or ExtractOptions()

    @classmethod
    def supported_formats(cls) -> tuple[Format, ...]:
        return cls.formats

    @abstractmethod
    def is_valid(self) -> bool:
        """True when the bytes look like this backend's format."""

    @abstractmethod
    def convert(self) -> RawDocument:
        """Read the input into a RawDocument or raise ExtractionError."""
