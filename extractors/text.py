"""Plain text (method ``text``): lines become Paragraphs, tab and pipe runs become Tables.

Decoding: BOM, then strict UTF-8, then charset-normalizer cross-checked against a
Cyrillic letter-frequency score (short cp1251/KOI8-R/cp866 texts are easy to confuse).

Blank lines are *not* kept as blocks: every Paragraph is one non-empty line, as in the
other backends. Inside a table run blank lines do not end the run.

Tables drawn with box-drawing or ASCII characters are read by :mod:`extractors.ruled_text`.
Other tables: a run starts at a line with ≥ 2 tabs (or a ``| a | b |`` pipe line) and lasts while
rows of the same kind follow (blank lines skipped). A line without tabs *between* two tab
rows continues the previous row's last non-empty cell when it starts in lower case or
with punctuation; otherwise it is a one-cell row spanning the table (a section heading).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace

from charset_normalizer import from_bytes

from extractors import ruled_text
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


_ROW_START = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]?|№.*)\s*$")
_RECORD = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
_DASHES = ("—", "–")
MIN_DASH_RECORDS = 3


def _dash_split(text: str, dash: str) -> list[str]:
    return [part.strip() for part in re.split(rf"\s+{dash}\s+", text)]


def _dash_table(lines: list[str], start: int) -> tuple[int, list[list[str] | str]] | None:
    """Numbered records whose cells are separated by spaced dashes, wrapped over lines
    ("12. Выдвижение кандидатов — с 19 июня по 8 июля — Избирательные объединения"): a
    web page's table copied as text. A dashed line just before the first record is its
    header; a line just before a record that has no dash is a spanning (heading) row."""
    first = lines[start]
    if not (_RECORD.match(first) or _dash_count(first) >= 2):
        return None
    records: list[tuple[str | None, list[str]]] = []  # (number, lines) or (None, [heading])
    header: str | None = None
    i, n = start, len(lines)
    if not _RECORD.match(first):
        header, i = first, i + 1
    while i < n:
        line = lines[i]
        if not line.strip():
            nxt = i + 1
            while nxt < n and not lines[nxt].strip():
                nxt += 1
            if nxt < n and (_RECORD.match(lines[nxt]) or _heads_record(lines, nxt)):
                i = nxt
                continue
            break
        m = _RECORD.match(line)
        if m:
            records.append((m.group(1), [line[m.end() :]]))
        elif _heads_record(lines, i) and (not records or not _open_record(records[-1])):
            records.append((None, [line]))
        elif records and records[-1][0] is not None:
            records[-1][1].append(line)
        else:
            break
        i += 1
    numbered = [r for r in records if r[0] is not None]
    texts = [" ".join(join_wrapped_lines(body).split("\n")) for _no, body in numbered]
    dash = max(_DASHES, key=lambda d: sum(len(_dash_split(t, d)) >= 3 for t in texts))
    if sum(len(_dash_split(t, dash)) >= 3 for t in texts) < MIN_DASH_RECORDS:
        return None
    width = max(len(_dash_split(t, dash)) for t in texts)
    if header is not None:
        width = max(len(_dash_split(header, dash)) - 1, 2)
    rows: list[list[str] | str] = []
    if header is not None:
        rows.append(_dash_split(header, dash))
    for no, body in records:
        if no is None:
            rows.append(body[0].strip())
            continue
        parts = _dash_split(" ".join(join_wrapped_lines(body).split("\n")), dash)
        if len(parts) > width:  # a dash inside the text: the action, the longest cell, has it
            parts = [f" {dash} ".join(parts[: len(parts) - width + 1]), *parts[-width + 1 :]]
        rows.append([no, *parts, *[""] * (width - len(parts))])
    while i > start and not lines[i - 1].strip():
        i -= 1
    return i, rows


_SPACED = {d: re.compile(rf"\s{d}\s") for d in _DASHES}


def _dash_count(line: str) -> int:
    """Spaced dashes of the commoner kind in ``line``."""
    if "—" not in line and "–" not in line:
        return 0
    return max(len(rx.findall(line)) for rx in _SPACED.values())


_HEADING_LOOK = re.compile(r"^(?:[IVXLC]+\.?\s|раздел\s|глава\s|[^a-zа-яё]+$)", re.IGNORECASE)


def _heads_record(lines: list[str], i: int) -> bool:
    """A short line without dashes right before a numbered record, set apart by a blank
    line or written as a heading ("II. ИЗБИРАТЕЛЬНЫЕ КОМИССИИ"): a section heading."""
    line = lines[i].strip()
    apart = i == 0 or not lines[i - 1].strip()
    return (
        bool(line)
        and len(line) < 150
        and _dash_count(line) == 0
        and not _RECORD.match(line)
        and i + 1 < len(lines)
        and bool(_RECORD.match(lines[i + 1]))
        and (apart or bool(_HEADING_LOOK.match(line) and line.upper() == line))
    )


def _open_record(record: tuple[str | None, list[str]]) -> bool:
    """The record's last line ends mid-cell (a dash, a comma, a hyphen): the next line
    continues it even when a numbered record follows."""
    last = record[1][-1].rstrip()
    return record[0] is not None and last.endswith(("—", "–", ",", "-", "(")) and bool(last)


def _row_kind(line: str, run_kind: str) -> bool:
    """Inside a run, a row of that run's kind (one tab is enough once a run is open)."""
    if run_kind == "tab":
        return "\t" in line
    return _is_pipe_row(line)


# --- columns aligned with spaces ("pdftotext -layout", fixed-width exports) -----------------

_ALIGNED_GAP = re.compile(r"\S {3,}\S")
_CHAR_UNITS = 4  # layout units per character: the gaps of extractors.layout fit text columns
_LINE_UNITS = 10
_UNITS_PER_INCH = 40.0  # ~10 characters an inch, as a fixed-width rendering of a page


def is_space_aligned(lines: list[str]) -> bool:
    """Many lines keep columns apart with runs of spaces: a page laid out in characters."""
    filled = [ln for ln in lines if ln.strip()]
    aligned = sum(1 for ln in filled if _ALIGNED_GAP.search(ln.strip()))
    return aligned >= 5 and aligned >= 0.3 * len(filled)


def _laid_out_pages(lines: list[str]) -> Iterator[Paragraph | Table]:
    """Each page (split at form feeds) read like a page without ruling lines: words placed
    by their character columns, then :mod:`extractors.layout` finds the table's columns
    and rows from the gaps, as for an OCR'd page."""
    from extractors.layout import PlacedWord, layout_page, lines_by_position

    pages: list[list[str]] = [[]]
    for line in lines:
        *before, after = line.expandtabs(8).split("\f")
        for part in before:
            pages[-1].append(part)
            pages.append([])
        pages[-1].append(after)
    for number, page in enumerate(pages, start=1):
        words = [
            PlacedWord(
                m.group(),
                m.start() * _CHAR_UNITS,
                y * _LINE_UNITS,
                m.end() * _CHAR_UNITS - 1,
                y * _LINE_UNITS + 8,
            )
            for y, line in enumerate(page)
            for m in _WORD_RUN.finditer(line)
        ]
        if not words:
            continue
        height = float(len(page) * _LINE_UNITS)
        for block in layout_page(lines_by_position(words), number, _UNITS_PER_INCH, height,
                                 lambda box: box, block_gap=2.5):  # fmt: skip
            if isinstance(block, Paragraph):
                yield Paragraph(text=block.text, page=number)
            else:
                yield _without_boxes(block)


def _without_boxes(table: Table) -> Table:
    """Character-grid boxes mean nothing to a reader: cells keep their page only."""
    rows = [[replace(c, bbox=None) for c in row] for row in table.rows]
    return Table(rows=rows, n_cols=table.n_cols, page=table.page)


_WORD_RUN = re.compile(r"\S+")
_BREAK_HYPHENS = ("-", "\u2010", "\u00ad")


def _join_broken_words(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """Lines of flattened text that end in a word broken by a hyphen (``избира-`` /
    ``тельных``) are joined with the next line: both belong to the same cell. The document's
    own words tell a broken word from a hyphenated compound."""
    vocabulary: Vocabulary | None = None
    out: list[Paragraph | Table] = []
    for block in blocks:
        last = out[-1] if out else None
        if (
            isinstance(block, Paragraph)
            and isinstance(last, Paragraph)
            and last.text.endswith(_BREAK_HYPHENS)
        ):
            if vocabulary is None:  # the document's words, read once it is needed
                texts = (b.text for b in blocks if isinstance(b, Paragraph))
                vocabulary = Vocabulary(["\n".join(texts)])
            joined = join_wrapped_lines([last.text, block.text], vocabulary)
            if "\n" not in joined:
                out[-1] = Paragraph(text=joined, page=last.page, bbox=last.bbox)
                continue
        out.append(block)
    return out


_QUOTED_FIELD = re.compile(r'(?:^|\t)"[^"\t]*(?:""[^"\t]*)*\n', re.M)


def quoted_tab_records(text: str) -> list[list[str]] | None:
    """The records of a spreadsheet saved as tab-delimited text (Excel: a cell with a line
    break or a quote is put in quotes, quotes doubled), or None when the text is not one."""
    if text.count("\t") < 6 or not _QUOTED_FIELD.search(text):
        return None  # no cell in quotes that goes on to the next line
    try:
        records = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=True))
    except csv.Error:
        return None
    tabular = [r for r in records if sum(1 for c in r if c.strip()) >= 2]
    return records if len(tabular) >= 3 else None


def _record_blocks(records: list[list[str]]) -> list[Paragraph | Table]:
    """Records with two or more cells make the table (a record between them with one cell
    is a row across it); single-cell records before and after it are paragraphs."""
    filled = [[c for c in r] for r in records if any(c.strip() for c in r)]
    multi = [k for k, r in enumerate(filled) if sum(1 for c in r if c.strip()) >= 2]
    first, last = multi[0], multi[-1]
    blocks: list[Paragraph | Table] = []
    for r in filled[:first]:
        blocks.extend(Paragraph(text=t) for t in (normalize_line(x) for x in r) if t)
    rows: list[list[str] | str] = []
    for r in filled[first : last + 1]:
        cells = [c for c in r if c.strip()]
        rows.append(cells[0] if len(cells) == 1 and r[0].strip() else r)
    blocks.append(TextBackend._table(rows))
    for r in filled[last + 1 :]:
        blocks.extend(Paragraph(text=t) for t in (normalize_line(x) for x in r) if t)
    return blocks


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
        doc = RawDocument(source=self.name, format="txt", method="text")
        records = quoted_tab_records(text)
        if records is not None:  # a spreadsheet saved as text: cells in quotes span lines
            doc.blocks.extend(_record_blocks(records))
        else:
            doc.blocks.extend(_join_broken_words(list(self._blocks(text.split("\n")))))
        if encoding not in ("utf-8", "utf-8-sig"):
            doc.warnings.append(f"DECODED_AS: {encoding}")
        return doc

    def _blocks(self, lines: list[str]) -> Iterator[Paragraph | Table]:
        ruled = ruled_text.draws_tables(lines)
        if not ruled and is_space_aligned(lines):
            yield from _laid_out_pages(lines)
            return
        i, n = 0, len(lines)
        dashes = sum(1 for line in lines if _dash_count(line)) >= MIN_DASH_RECORDS
        while i < n:
            if ruled and ruled_text.starts_table(lines, i):
                end, grid = ruled_text.read_table(lines, i)
                if grid:
                    yield self._table(grid)
                    i = end
                    continue
            dashed = _dash_table(lines, i) if dashes and _dash_count(lines[i]) else None
            if dashed is not None:
                end, rows = dashed
                yield self._table(rows)
                i = end
                continue
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

    def _row_ahead(self, lines: list[str], j: int, kind: str, within: int = 2) -> bool:
        """A row of the run follows within ``within`` nonblank lines (a cell's last line
        and a section heading may stand between two rows)."""
        for _ in range(within):
            j = self._next_nonblank(lines, j)
            if j >= len(lines):
                return False
            if _row_kind(lines[j], kind):
                return True
            j += 1
        return False

    def _next_nonblank(self, lines: list[str], j: int) -> int:
        while j < len(lines) and not lines[j].strip():
            j += 1
        return j

    def _run(self, lines: list[str], start: int, kind: str) -> tuple[int, list[list[str] | str]]:
        """Rows of a table run from ``start``: lists of cells, or a str for a spanning row."""
        rows: list[list[str] | str] = []
        i, n = start, len(lines)
        width = 0  # cells of the run's first row (its header)
        while i < n:
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            last_row = rows[-1] if rows else None
            open_row = kind == "tab" and isinstance(last_row, list) and len(last_row) < width
            if _row_kind(line, kind):
                if kind == "pipe" and _PIPE_SEP.match(line.strip()):
                    i += 1
                    continue
                cells = _tab_cells(line) if kind == "tab" else _pipe_cells(line)
                if open_row and isinstance(last_row, list) and not _ROW_START.match(cells[0]):
                    # Word's text export ends the line at a line break inside a cell; the
                    # row goes on: the first piece ends that cell, the rest are new cells
                    last_row[-1] = f"{last_row[-1]}\n{cells[0]}".strip("\n")
                    last_row.extend(cells[1:])
                else:
                    rows.append(cells)
                    width = width or len(cells)
                i += 1
                continue
            text = normalize_line(line)
            if open_row and isinstance(last_row, list):  # a whole line inside an open cell
                last_row[-1] = f"{last_row[-1]}\n{text}".strip("\n")
                i += 1
                continue
            if not rows or not self._row_ahead(lines, i + 1, kind):
                break
            last = rows[-1]
            if isinstance(last, list) and (
                last[-1].rstrip().endswith((";", ",")) or text.startswith("(")
            ):
                last[-1] = f"{last[-1]}\n{text}"  # the last cell goes on
            elif _CONTINUES.match(text) and isinstance(last, list) and any(c.strip() for c in last):
                k = max(j for j, c in enumerate(last) if c.strip())
                last[k] = f"{last[k]}\n{text}"
            else:
                rows.append(text)
            i += 1
        # trailing blank lines belong to the text after the table
        while i > start and not lines[i - 1].strip():
            i -= 1
        return i, rows

    @staticmethod
    def _table(rows: list[list[str] | str]) -> Table:
        n_cols = max((len(r) for r in rows if isinstance(r, list)), default=1)
        out: list[list[Cell]] = []
        for r, row in enumerate(rows):
            if isinstance(row, str):
                out.append([Cell(text=clean_cell_text(row), row=r, col=0, colspan=n_cols)])
                continue
            padded = row + [""] * (n_cols - len(row))
            out.append([Cell(text=clean_cell_text(t), row=r, col=c) for c, t in enumerate(padded)])
        return Table(rows=out, n_cols=n_cols)
