"""Flattened plan tables: from lines of text back to plan rows.

When a plan's table was flattened into text (cells joined by spaces and line breaks), the
rows are recovered from the language of such plans: items start at item numbers that
continue the sequence, section headings are topic lines between items, and each item's text
is split into action / deadline / executor at the phrases a deadline cell opens with, the
parenthesised legal references that close it and the bodies (in the nominative) that follow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from parsers import cells as C
from parsers.row import PlanRow

Number = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the flattened text with its provenance."""

    text: str
    page: int | None = None
    confidence: float | None = None


@dataclass(slots=True)
class Segmented:
    """Free text before the plan, the plan rows, and free text after it."""

    header: list[str] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cells:
    """An item's text split into its three cells."""

    action: str
    deadline: str
    executor: str
    basis: str = ""


# --- item numbers -------------------------------------------------------------------------

_NUM = re.compile(r"^(?:[-•*]\s+)?(\d{1,3}(?:\.\d{1,3})*)(?:\.|\))?(?=\s|$)\s*(.*)$")


def item_number(text: str) -> tuple[Number, str] | None:
    """The item number a line starts with, and the rest of the line."""
    m = _NUM.match(text)
    if not m or re.match(r"0\d", m.group(1)):
        return None
    rest = m.group(2)
    sub_item = "." in m.group(1) and text[m.end(1) : m.end(1) + 1] == "."  # "8.1. в порядке…"
    if rest and not re.match(r"[«\"'(А-ЯЁA-Z]", rest) and not sub_item:
        return None
    return tuple(int(x) for x in m.group(1).split(".")), rest


def _successors(last: Number | None) -> set[Number]:
    """Numbers that may follow ``last`` without breaking the sequence."""
    if last is None:
        return {(1,), (1, 1)}
    out: set[Number] = {(*last, 1)}
    for depth in range(1, len(last) + 1):
        head = last[: depth - 1]
        for k in (1, 2, 3):
            nxt = (*head, last[depth - 1] + k)
            out.add(nxt)
            out.add((*nxt, 1))
    return out


def number_text(num: Number) -> str:
    return ".".join(map(str, num))


# --- logical lines and pieces -------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    text: str
    ref: bool
    line_start: bool
    after_ref: bool
    starts: tuple[int, ...] = ()  # where the source's lines began inside ``text``


def _logical(lines: Sequence[str]) -> list[str]:
    """Join continuation lines: lower-case or digit starts, and the rest of an open reference.

    A line that starts with a tab begins a new cell (it came from a tab-separated row) and
    keeps its tab so that later passes respect the boundary.
    """
    return [text for text, _ in _logical_lines(lines)]


def _logical_lines(lines: Sequence[str]) -> list[tuple[str, tuple[int, ...]]]:
    """:func:`_logical`, each line with the offsets where its source lines began."""
    out: list[str] = []
    starts: list[tuple[int, ...]] = []
    for raw in lines:
        hard = raw.startswith("\t")
        line = C.clean_line(raw)
        if not line:
            continue
        if out and not hard:
            prev = out[-1].lstrip("\t")
            closed_ref = C.is_ref(prev) and not C.paren_open(prev)
            cont = (C.starts_lower(line) or line[0].isdigit()) and not closed_ref
            in_ref = (
                C.paren_open(prev)
                and C.ref_spans(prev)
                and not line.startswith("(")
                and (C.starts_lower(line) or line[0] in "№0123456789" or ")" in line)
                and not C.body_at_start(line)
            )
            if cont or in_ref:
                out[-1] = C.glue(out[-1], line)
                starts[-1] += (len(out[-1].lstrip("\t")) - len(line),)
                continue
        out.append("\t" + line if hard else line)
        starts.append((0,))
    return list(zip(out, starts, strict=True))


def _pieces(logical: Sequence[tuple[str, tuple[int, ...]]]) -> list[_Piece]:
    """Split logical lines at parenthesised legal references."""
    out: list[_Piece] = []
    for raw, line_starts in logical:
        line = C.clean_line(raw)
        spans: list[tuple[int, int, bool]] = []
        pos = 0
        for a, b in C.ref_spans(line):
            if line[pos:a].strip():
                spans.append((pos, a, False))
            spans.append((a, b, True))
            pos = b
        if line[pos:].strip():
            spans.append((pos, len(line), False))
        for k, (a, b, ref) in enumerate(spans):
            text = line[a:b]
            a += len(text) - len(text.lstrip())
            here = tuple(x - a for x in line_starts if a <= x < b)
            out.append(_Piece(text.strip(), ref, k == 0, bool(out) and out[-1].ref, here))
    return out


# --- splitting an item into cells ---------------------------------------------------------


def _rest_is_short(text: str) -> bool:
    tail = C.body_tail(text)
    rest = text[:tail] if tail is not None else text
    return len(rest.split()) <= 10 and not C.ref_spans(rest)


_BY_WHOM = re.compile(r"\bпо\s+(?:требованию|запросу|запросам|обращению|обращениям|заявке)$", re.I)


def _asks_for_agent(text: str) -> bool:
    """The text ends "по требованию", "по запросу": whose request is on the next line."""
    return bool(_BY_WHOM.search(text.rstrip(" ,")))


def _find_deadline(pieces: Sequence[_Piece], limit: int) -> tuple[int, int] | None:
    """(piece index, position) where the deadline cell starts, if any."""
    found: dict[int, tuple[int, int]] = {}
    for i in range(limit):
        p = pieces[i]
        if p.ref:
            continue
        for c in C.deadline_candidates(p.text, line_start=i > 0):
            if i == 0 and c.pos == 0:
                continue
            rank = c.rank
            if rank == C.WEAK and c.pos in p.starts:
                rank = C.MEDIUM  # "еженедельно …" opening a line of the source
            if rank >= C.WEAK and not _rest_is_short(p.text[c.pos :]):
                continue
            if rank not in found:
                found[rank] = (i, c.pos)
    for rank in (C.STRONG, C.MEDIUM, C.WEAK, C.LAST):
        if rank in found:
            return found[rank]
    return None


def _labelled(lines: Sequence[str]) -> Cells | None:
    """An item written as labelled lines ("Срок: …", "Ответственный: …", "Основание: …"):
    the labels are the column headers of a table, so they name the cells directly."""
    parts: dict[str, list[str]] = {"action": []}
    role = "action"
    found = False
    for line in (piece for whole in lines for piece in _split_labels(whole)):
        label = C.labelled(line)
        if label is not None:
            role, found = label[0], True
            parts.setdefault(role, [])
            if label[1]:
                parts[role].append(label[1])
            continue
        parts.setdefault(role, []).append(line)
    if not found:
        return None
    return Cells(
        C.join_text(parts["action"]),
        C.join_text(parts.get("deadline", [])),
        C.join_executor(parts.get("executor", [])),
        C.join_text(parts.get("basis", [])),
    )


_INLINE_LABEL = re.compile(
    r"(?:;|\s[-–—])\s*(?P<label>[А-ЯЁа-яё][А-ЯЁа-яё() ]{2,40}?)\s*:"
)  # "…; срок: …" and "… – срок: …"


def _split_labels(line: str) -> list[str]:
    """ "Опубликование …; срок: до 1 марта; ответственный: ТИК" → one piece per label."""
    cuts = [
        m.start()
        for m in _INLINE_LABEL.finditer(line)
        if C.column_role(m.group("label")) in C.LABEL_ROLES
    ]
    if not cuts:
        return [line]
    bounds = [0, *cuts, len(line)]
    pieces = (line[a:b].strip().lstrip(";-–—").strip() for a, b in pairwise(bounds))
    return [piece for piece in pieces if piece]


def split_cells(lines: Sequence[str]) -> Cells:
    """Split one item's text (without its number) into action, deadline and executor."""
    labelled = _labelled(lines)
    if labelled is not None:
        return labelled
    pieces = _pieces(_logical_lines(lines))
    if not pieces:
        return Cells("", "", "")
    n = len(pieces)
    # 1. executor: whole trailing pieces naming bodies
    e = n
    while e - 1 >= 1:
        p = pieces[e - 1]
        if (
            not p.ref
            and (p.line_start or p.after_ref)
            and C.body_at_start(p.text)
            and not C.is_deadline_start(p.text)
            and not _asks_for_agent(pieces[e - 2].text)
        ):
            e -= 1
        else:
            break
    # 2. deadline start, before the first reference
    first_ref = next((i for i in range(e) if pieces[i].ref), None)
    limit = first_ref if first_ref is not None else e
    dl = _find_deadline(pieces, limit)
    # 3. an executor starting inside a piece: after the deadline start and the last reference
    texts = [p.text for p in pieces]
    last_ref = max((j for j in range(e) if pieces[j].ref), default=None)
    if dl is not None:
        j0, p0 = dl[0], dl[1] + 1
    elif first_ref is not None:
        j0, p0 = first_ref + 1, 0
    else:
        j0, p0 = 0, 1
    if last_ref is not None and last_ref >= j0:
        j0, p0 = last_ref + 1, 0
    found: tuple[int, int] | None = None
    for j in range(j0, e):
        if pieces[j].ref or (j > j0 and _asks_for_agent(texts[j - 1])):
            continue  # a reference, or whose request the deadline names ("по требованию" / "ТИК")
        start = p0 if j == j0 else 0
        strict = j == 0 and dl is None and first_ref is None
        tail = C.body_tail(texts[j], max(start, 1) if j == 0 else start, strict)
        if tail is not None and strict and len(texts[j][:tail].split()) < 3:
            tail = None  # no deadline at all: only an unmistakable body after a real action
        if tail is not None:
            found = (j, tail)
            break
    if found is not None:
        j, pos = found
        executor = C.join_executor([texts[j][pos:], *texts[j + 1 :]])
        texts[j] = texts[j][:pos].rstrip()
        e = j + 1
    else:
        last = n - 1
        p = pieces[last]
        if (
            e == n
            and last > 0
            and not p.ref
            and p.after_ref
            and dl is not None
            and dl[0] < last
            and not C.is_deadline_start(p.text)
        ):
            # after the references that close the deadline cell comes the executor
            e = last
        executor = C.join_executor(texts[e:])
    body = texts[:e]
    if dl is not None:
        i, pos = dl
        action = [*body[:i], body[i][:pos]]
        deadline = [body[i][pos:], *body[i + 1 :]]
    elif first_ref is not None:
        after = [t for j, t in enumerate(body) if j > first_ref and t and not pieces[j].ref]
        if after:  # the reference ends the action; the deadline cell follows it
            action, deadline = body[: first_ref + 1], body[first_ref + 1 :]
        else:  # the references are the whole deadline cell
            action, deadline = body[:first_ref], body[first_ref:]
    else:
        action, deadline = body, []
    return Cells(C.join_text(action), C.join_text(deadline), executor)


def _complete(c: Cells) -> bool:
    return bool(c.action and c.deadline and c.executor)


# --- the document --------------------------------------------------------------------------


def _is_skippable(text: str) -> bool:
    return C.is_column_header(text) or C.is_column_numbers(text) or C.is_page_furniture(text)


def _find_items(lines: Sequence[str]) -> list[tuple[int, Number, str]]:
    """Item starts; when numbering does not begin at 1, from the first run of three."""
    starts = _scan_items(lines, None)
    if starts:
        return starts
    nums = [(i, got[0]) for i, t in enumerate(lines) if t and (got := item_number(t))]
    for k in range(len(nums) - 2):
        a, b, c = (nums[k + d][1] for d in range(3))
        if len(a) == 1 and b == (a[0] + 1,) and c == (a[0] + 2,):
            return _scan_items(lines, (a[0] - 1,), first=nums[k][0])
    return []


_PLAN_TITLE = re.compile(r"^\s*(?:календарный\s+план|приложение(?:\s+№?\s*\d+)?)\b", re.I)


def _scan_items(
    lines: Sequence[str], last: Number | None, first: int = 0
) -> list[tuple[int, Number, str]]:
    """Indices of lines that start items, with their numbers and first-line text.

    Numbering restarts at 1 after a heading or after the table's column header; numbered
    points before a column header (the resolution's own points) are not plan items.
    """
    starts: list[tuple[int, Number, str]] = []
    prev_text = ""
    table_head = False  # a column header or column-number row since the last item
    for i, text in enumerate(lines):
        if not text or i < first:
            continue
        if C.is_column_numbers(text) or C.is_column_header(text) or _PLAN_TITLE.match(text):
            prev_text, table_head = text, True  # the plan itself begins below
            continue
        got = item_number(text)
        if got:
            num, rest = got
            allowed = _successors(last)
            restart = bool(starts) and (table_head or C.is_heading(prev_text))
            if restart:
                allowed |= {(1,), (1, 1)}
            ok = num in allowed
            if ok and not rest:
                # a bare number: an item only if text follows that is not itself numbered
                nxt = next((t for t in lines[i + 1 :] if t), "").lstrip("\t")
                nxt_num = item_number(nxt)
                ok = bool(nxt) and nxt[0].isupper() and (nxt_num is None or nxt_num[0] != num)
            if ok:
                if table_head and num in ((1,), (1, 1)):
                    starts = []  # points before the table's head belong to the header
                starts.append((i, num, rest))
                last, table_head = num, False
        prev_text = text
    return starts


def _split_tail(chunk: list[str]) -> tuple[list[str], list[str]]:
    """Split trailing section-heading lines off an item's lines."""
    logical = _logical(chunk)
    heading: list[str] = []
    while len(logical) > 1:
        cand = logical[-1]
        if not C.is_heading(cand) or _complete(split_cells([cand])):
            break
        if C.body_at_start(cand) and not split_cells(logical[:-1]).executor:
            break
        heading.insert(0, cand)
        logical = logical[:-1]
    return logical, heading


def _split_footer(chunk: list[str]) -> tuple[list[str], list[str]]:
    """Split notes and signatures off the last item's lines."""
    for j in range(1, len(chunk)):
        text = chunk[j]
        nxt = chunk[j + 1] if j + 1 < len(chunk) else ""
        sign = C.is_signature(text) or (
            C.is_sign_role(text)
            and (C.looks_like_name(nxt) or C.is_signature(nxt) or C.is_signature(f"{text} {nxt}"))
        )
        if not (C.is_note(text) or sign):
            continue
        hard = C.is_note(text) or bool(re.search(r"_{3,}|подпись|М\.\s?П\.", text, re.I))
        if not hard and C.body_at_start(text) and not split_cells(chunk[:j]).executor:
            continue
        return chunk[:j], chunk[j:]
    return chunk, []


def _split_unnumbered(chunk: list[str]) -> list[list[str]]:
    """Split off unnumbered items that follow a complete item inside one chunk."""
    logical = _logical(chunk)
    for j in range(1, len(logical)):
        text = logical[j].lstrip("\t")
        if (
            not text[0].isupper()
            or C.is_ref(text)
            or C.body_at_start(text)
            or C.is_deadline_start(text)
        ):
            continue
        head, tail = split_cells(logical[:j]), split_cells(logical[j:])
        if _complete(head) and _complete(tail):
            return [logical[:j], *_split_unnumbered(logical[j:])]
    return [logical]


def _heading_text(lines: Sequence[str]) -> str | None:
    """A section heading without its enumeration ("II.", "Раздел 3.")."""
    text = C.join_text(lines)
    bare = re.sub(r"^(?:раздел\s+)?(?:\d{1,2}|[IVXLC]+)[.)]?\s+(?=\S)", "", text, flags=re.I)
    return (bare or text) or None


def _title_like(text: str) -> bool:
    return bool(re.search(r"\b(?:план|календар|приложени|утвержд|постановлени|решени)", text, re.I))


def _entries(lines: Sequence[Line]) -> tuple[list[str], list[int]]:
    """Cleaned texts, one per line or per tab-separated cell ("\t"-prefixed after the first)."""
    texts: list[str] = []
    src: list[int] = []
    for k, line in enumerate(lines):
        cells = line.text.split("\t")
        for n, cell in enumerate(cells):
            text = C.clean_line(cell)
            if n and not text:
                continue
            texts.append("\t" + text if n and text else text)
            src.append(k)
    return texts, src


def segment_lines(lines: Sequence[Line]) -> Segmented:
    """Recover header lines, plan rows and footer lines from flattened text."""
    texts, src = _entries(lines)
    starts = _find_items(texts)
    if not starts:
        return Segmented(header=_plain(texts))
    first = starts[0][0]
    pre = _plain(texts[:first])
    col = next((k for k, t in enumerate(pre) if C.is_column_header(t)), None)
    section: str | None = None
    if col is not None:
        header = pre[:col]
        section = _heading_text([t for t in pre[col:] if not _is_skippable(t)])
    else:
        header = pre
        if pre and C.is_heading(pre[-1]) and not _title_like(pre[-1]):
            section = _heading_text(pre[-1:])
            header = pre[:-1]
    rows: list[PlanRow] = []
    footer: list[str] = []
    bounds = [s[0] for s in starts] + [len(texts)]
    for k, (i, num, rest) in enumerate(starts):
        idx = [j for j in range(i + 1, bounds[k + 1]) if texts[j] and not _is_skippable(texts[j])]
        chunk = [rest, *(texts[j] for j in idx)]
        if k == len(starts) - 1:
            chunk, footer = _split_footer(chunk)
            footer = _plain(footer)
        chunk = [t for t in chunk if not C.is_note(t)] if len(chunk) > 1 else chunk
        chunk, heading = _split_tail(chunk)
        used = sorted({src[j] for j in (i, *idx)})
        pages = [lines[j].page for j in used if lines[j].page is not None]
        confs = [c for c in (lines[j].confidence for j in used) if c is not None]
        for n_part, part in enumerate(_split_unnumbered(chunk)):
            c = split_cells(part)
            rows.append(
                PlanRow(
                    item_no=number_text(num) if n_part == 0 else None,
                    section=section,
                    action=c.action,
                    deadline=c.deadline,
                    executor=c.executor,
                    page=pages[0] if pages else None,
                    confidence=min(confs) if confs else None,
                    basis=c.basis,
                )
            )
        if heading:
            section = _heading_text(heading)
    return Segmented(header=header, rows=C.numbered_sections(rows), footer=footer)


def _plain(texts: Sequence[str]) -> list[str]:
    """Non-empty texts; a tab-separated row becomes one line again."""
    out: list[str] = []
    for t in texts:
        if t.startswith("\t") and out:
            out[-1] = out[-1] + " " + t[1:]
        elif t.strip():
            out.append(t.lstrip("\t"))
    return out
