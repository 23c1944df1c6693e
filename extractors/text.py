"""Plain text (method ``text``): lines become Paragraphs, tab and pipe runs become Tables.

Decoding: BOM, then strict UTF-8, then charset-normalizer cross-checked against a
Cyrillic letter-frequency score (short cp1251/KOI8-R/cp866 texts are easy to confuse).

Blank lines are *not* kept as blocks: every Paragraph is one non-empty line, as in the
other backends. Inside a table run blank lines do not end the run.

Tables: a run starts at a line with ≥ 2 tabs (or a ``| a | b |`` pipe line) and lasts while
rows of the same kind follow (blank lines skipped). A line without tabs *between* two tab
rows continues the previous row's last non-empty cell when it starts in lower case or
with punctuation; otherwise it is a one-cell row spanning the table (a section heading).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from charset_normalizer import from_bytes

from extractors.base import Backend, ExtractionError
from extractors.textutil import (
    Vocabulary,
    clean_cell_text,
    join_wrapped_lines,
    normalize_line,
    strip_bold_markers,
    strip_markup,
)
from schemas import Cell, Paragraph, RawDocument, Table

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CYRILLIC_CANDIDATES = ("cp1251", "koi8_r", "cp866", "mac_cyrillic")
# The most frequent Russian letters, lowercase: real text is mostly lowercase and
# rich in these; a wrong single-byte codec gives capitals and rare letters instead.
_FREQUENT = set("оеаинтсрвлкмдпуяыь")
_PIPE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_CONTINUES = re.compile(r"^[a-zа-яё,;:)\]»\-–—.]")


def _cyrillic_score(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    frequent = sum(1 for c in letters if c in _FREQUENT)
    lower = sum(1 for c in letters if c.islower())
    return (frequent + 0.5 * lower) / len(letters)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _controls(text: str) -> int:
    """Control characters other than tab, line breaks and form feed."""
    return len(_CONTROL.findall(text))


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of text; returns ``(text, encoding)``. Order: a BOM, valid UTF-8, the
    encoding the file ``declared`` (an HTML meta charset), then the best Cyrillic guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            codecs.lookup(declared)
            return data.decode(declared, errors="replace"), declared
        except LookupError:
            pass
    candidates = {enc: data.decode(enc, errors="replace") for enc in _CYRILLIC_CANDIDATES}
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding and best.encoding not in candidates:
        candidates[best.encoding] = data.decode(best.encoding, errors="replace")

    def quality(item: tuple[str, str]) -> float:
        text = item[1]
        penalty = (_controls(text) + text.count("\ufffd")) / max(1, len(text))
        letters = sum(1 for c in text if c.isalpha())
        symbols = sum(1 for c in text if ord(c) > 127 and not c.isalpha() and not c.isspace())
        return _cyrillic_score(text) - 10 * penalty - 2 * symbols / max(1, letters)

    enc, text = max(candidates.items(), key=quality)  # ties: the first, most common codec
    return text, enc


def looks_like_text(data: bytes) -> bool:
    """True for bytes that decode to readable text (few control characters, no NULs)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(sample) - 4:
            text = sample[: err.start].decode("utf-8")
        else:
            text = sample.decode("cp1251", errors="replace")
    if not text.strip():
        return False
    return (_controls(text) + text.count("\ufffd")) <= 0.01 * len(text)


def _tab_cells(line: str) -> list[str]:
    return line.split("\t")


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return re.split(r"(?<!\\)\|", body)


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 3


def _kind(line: str) -> str | None:
    if line.count("\t") >= 2:
        return "tab"
    if _is_pipe_row(line):
        return "pipe"
    return None


def _row_kind(line: str, run_kind: str) -> bool:
    """Inside a run, a row of that run's kind (one tab is enough once a run is open)."""
    if run_kind == "tab":
        return "\t" in line
    return _is_pipe_row(line)


def _join_broken_words(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """Lines of flattened text that end in a word broken by a hyphen (``избира-`` /
    ``тельных``) are joined with the next line: both belong to the same cell. The document's
    own words tell a broken word from a hyphenated compound."""
    vocabulary = Vocabulary(["\n".join(b.text for b in blocks if isinstance(b, Paragraph))])
    out: list[Paragraph | Table] = []
    for block in blocks:
        last = out[-1] if out else None
        if isinstance(block, Paragraph) and isinstance(last, Paragraph):
            joined = join_wrapped_lines([last.text, block.text], vocabulary)
            if "\n" not in joined:
                out[-1] = Paragraph(text=joined, page=last.page, bbox=last.bbox)
                continue
        out.append(block)
    return out


class TextBackend(Backend):
    """UTF-8/cp1251/KOI8-R text, including markdown-ish pipe tables."""

    formats = ("txt",)
    extensions = (".txt", ".text", ".md", ".csv", ".tsv")

    def is_valid(self) -> bool:
        return looks_like_text(self.data)

    def convert(self) -> RawDocument:
        text, encoding = decode_text(self.data)
        if not text.strip():
            raise ExtractionError("the file is empty", detail=f"{self.name}: only whitespace")
        text = strip_bold_markers(text).replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        doc = RawDocument(source=self.name, format="txt", method="text")
        doc.blocks.extend(_join_broken_words(list(self._blocks(lines))))
        if encoding not in ("utf-8", "utf-8-sig"):
            doc.warnings.append(f"DECODED_AS: {encoding}")
        return doc

    def _blocks(self, lines: list[str]) -> Iterator[Paragraph | Table]:
        i, n = 0, len(lines)
        while i < n:
            kind = _kind(lines[i])
            if kind is not None:
                end, rows = self._run(lines, i, kind)
                if len(rows) >= 2:
                    yield self._table(rows)
                    i = end
                    continue
            para = normalize_line(strip_markup(lines[i]))
            if para:
                yield Paragraph(text=para)
            i += 1

    def _next_nonblank(self, lines: list[str], j: int) -> int:
        while j < len(lines) and not lines[j].strip():
            j += 1
        return j

    def _run(self, lines: list[str], start: int, kind: str) -> tuple[int, list[list[str] | str]]:
        """Rows of a table run from ``start``: lists of cells, or a str for a spanning row."""
        rows: list[list[str] | str] = []
        i, n = start, len(lines)
        while i < n:
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if _row_kind(line, kind):
                if kind == "pipe" and _PIPE_SEP.match(line.strip()):
                    i += 1
                    continue
                rows.append(_tab_cells(line) if kind == "tab" else _pipe_cells(line))
                i += 1
                continue
            nxt = self._next_nonblank(lines, i + 1)
            if not rows or nxt >= n or not _row_kind(lines[nxt], kind):
                break
            text = normalize_line(line)
            last = rows[-1]
            if _CONTINUES.match(text) and isinstance(last, list) and any(c.strip() for c in last):
                k = max(j for j, c in enumerate(last) if c.strip())
                last[k] = f"{last[k]}\n{text}"
            else:
                rows.append(text)
            i += 1
        # trailing blank lines belong to the text after the table
        while i > start and not lines[i - 1].strip():
            i -= 1
        return i, rows

    def _table(self, rows: list[list[str] | str]) -> Table:
        n_cols = max((len(r) for r in rows if isinstance(r, list)), default=1)
        out: list[list[Cell]] = []
        for r, row in enumerate(rows):
            if isinstance(row, str):
                out.append([Cell(text=clean_cell_text(row), row=r, col=0, colspan=n_cols)])
                continue
            padded = row + [""] * (n_cols - len(row))
            out.append([Cell(text=clean_cell_text(t), row=r, col=c) for c, t in enumerate(padded)])
        return Table(rows=out, n_cols=n_cols)
