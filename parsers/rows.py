"""From a RawDocument to plan rows: find the plan table(s), map columns to roles, read rows.

The plan table is the one whose header row names columns like "№ п/п", "Содержание
мероприятия", "Срок исполнения", "Исполнитель" (matched by word stems, in any order); a
table without a header row continues the previous plan table when its width matches, and
a table with no header at all is recognised by its content (numbers in one column, deadline
phrases in another). When no plan table exists, the paragraphs are a flattened table and
:mod:`parsers.segment` recovers the rows from their language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from parsers import cells as C
from parsers.row import PlanRow
from parsers.segment import Line, segment_lines
from schemas.raw import Block, Cell, Paragraph, RawDocument, Table

Role = C.Role
Roles = dict[Role, list[int]]


@dataclass(slots=True)
class PlanLayout:
    """Free-text lines before the plan table, its rows, and free-text lines after it."""

    header: list[str] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


# --- column roles -----------------------------------------------------------------------

_MAIN: tuple[Role, ...] = ("action", "deadline", "executor")
column_role = C.column_role


def header_roles(row: Sequence[tuple[int, int, str]]) -> Roles | None:
    """Roles of a header row given as (col, colspan, text); None when it is not a header.

    Every cell of a header names a column; a data row has numbers, dates, deadline phrases
    or bodies in its cells instead.
    """
    roles: Roles = {}
    unknown = 0
    for col, span, text in row:
        t = C.clean_line(text)
        if not t:
            continue
        if _is_number(t) or C.is_deadline_start(t) or C.body_at_start(t) or len(t) > 80:
            return None
        role = column_role(t)
        if role is None:
            unknown += 1
            continue
        roles.setdefault(role, []).extend(range(col, col + span))
    main = sum(1 for r in _MAIN if r in roles)
    named = sum(len(v) for v in roles.values())
    if unknown > max(1, named // 3):
        return None
    if main >= 2 or (main == 1 and "item_no" in roles and "action" in roles):
        return roles
    return None


def _header_fragment(row: Sequence[tuple[int, int, str]], roles: Roles) -> bool:
    """Every filled cell holds column-header words naming its own column ("п/п" under №,
    "исполнители" under the executors): a header row that a page break split in two."""
    filled = [(col, span, C.clean_line(t)) for col, span, t in row if C.clean_line(t)]
    if not filled:
        return False
    for col, span, text in filled:
        role = column_role(text) if C.is_column_header(text) else None
        if role is None or not set(range(col, col + span)) & set(roles.get(role, [])):
            return False
    return True


_NUMBER_LEAD = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
_LETTER_LEAD = re.compile(r"^([а-яё])\)\s+(?=\S)")
_OPEN_END = re.compile(r"(?:[,(\-–—]|\b(?:и|или|в|во|на|о|об|по|с|со|для|от|к|до|из|при))$")


def _left_open(prev: _Item | None, action: list[str]) -> bool:
    """The previous item's action stops mid-phrase (an open bracket, a trailing comma or
    preposition), so this row's text goes on with it ("(п. 6 ст. 17" / "Федерального
    закона)")."""
    if prev is None or not prev.action or not action:
        return False
    text = C.join_text(prev.action)
    return C.paren_open(text) or bool(_OPEN_END.search(text))


def _sub_header(row: _GRow, header: _GRow) -> bool:
    """The second level of a two-level header: under each header cell that spans columns
    a short label ("начало" / "окончание", "ответственный" / "соисполнители"); elsewhere
    the header's own text again (cells merged down) or nothing."""
    above = {
        c: (span, C.clean_line(t)) for col, span, t in header.spans for c in range(col, col + span)
    }
    labels = 0
    for col, span, text in row.spans:
        t = C.clean_line(text)
        if not t:
            continue
        head_span, head_text = above.get(col, (1, ""))
        if t == head_text:
            continue
        if head_span < 2 or span >= head_span or len(t.split()) > 4 or re.search(r"\d", t):
            return False
        labels += 1
    return labels >= 2


_NUMBER = re.compile(r"^(\d{1,3}[а-я]?(?:\.\d{1,3})*)[.)]?$")


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(C.clean_line(text)))


def infer_roles(rows: Sequence[Sequence[str]], n_cols: int) -> Roles | None:
    """Roles of a header-less table from its content, or None when it is not a plan."""
    if n_cols < 3 or len(rows) < 2:
        return None
    stats = []
    for c in range(n_cols):
        vals = [C.clean_line(r[c]) for r in rows if c < len(r) and C.clean_line(r[c])]
        k = max(len(vals), 1)
        stats.append(
            {
                "num": sum(map(_is_number, vals)) / k,
                "dl": sum(C.is_deadline_start(v) for v in vals) / k,
                "body": sum(C.body_at_start(v) for v in vals) / k,
                "len": sum(map(len, vals)) / k,
                "n": len(vals),
            }
        )
    roles: Roles = {}
    free = set(range(n_cols))

    def take(role: Role, key: str, floor: float) -> None:
        best = max(free, key=lambda c: (stats[c][key], -c), default=None)
        if best is not None and stats[best][key] >= floor and stats[best]["n"]:
            roles[role] = [best]
            free.discard(best)

    take("item_no", "num", 0.6)
    take("deadline", "dl", 0.4)
    take("executor", "body", 0.3)
    take("action", "len", 0.0)
    if "deadline" in roles and "action" in roles and ("item_no" in roles or "executor" in roles):
        return roles
    return None


# --- grid ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _GRow:
    texts: list[str]
    spans: list[tuple[int, int, str]]
    full: bool
    page: int | None
    conf: float | None


def _grid(table: Table) -> list[_GRow]:
    """Rows as column-indexed texts; rowspans repeat the merged cell's text below."""
    n = table.n_cols
    carry: dict[int, tuple[Cell, int]] = {}
    out: list[_GRow] = []
    for row in table.rows:
        texts = [""] * n
        spans: list[tuple[int, int, str]] = []
        confs: list[float] = []
        page: int | None = None
        for col, (cell, left) in list(carry.items()):
            if col < n:
                texts[col] = cell.text
            carry[col] = (cell, left - 1)
            if left - 1 <= 0:
                del carry[col]
        real = [c for c in row if c.text.strip()]
        for cell in row:
            if 0 <= cell.col < n:
                texts[cell.col] = cell.text
            spans.append((cell.col, cell.colspan, cell.text))
            if cell.rowspan > 1:
                carry[cell.col] = (cell, cell.rowspan - 1)
            if cell.confidence is not None:
                confs.append(cell.confidence)
            if page is None and cell.page is not None:
                page = cell.page
        full = len(real) == 1 and real[0].colspan >= n > 1
        out.append(_GRow(texts, spans, full, page or table.page, min(confs) if confs else None))
    return out


def _cell(row: _GRow, roles: Roles, role: Role) -> list[str]:
    lines: list[str] = []
    for c in roles.get(role, []):
        if c < len(row.texts):
            lines.extend(C.cell_lines(row.texts[c]))
    return lines


# --- reading plan tables -------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    item_no: str | None
    section: str | None
    action: list[str]
    deadline: list[str]
    executor: list[str]
    basis: list[str]
    page: int | None
    conf: float | None

    def to_row(self) -> PlanRow:
        return PlanRow(
            item_no=self.item_no,
            section=self.section,
            action=C.join_text(self.action),
            deadline=C.join_text(self.deadline),
            executor=C.join_executor(self.executor),
            page=self.page,
            confidence=self.conf,
            basis=C.join_text(self.basis),
        )


def _min(a: float | None, b: float | None) -> float | None:
    vals = [x for x in (a, b) if x is not None]
    return min(vals) if vals else None


class _Reader:
    """Accumulates rows over one or more plan tables."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.section: str | None = None

    def heading(self, text: str) -> None:
        text = C.join_text(C.cell_lines(text))
        if text:
            bare = re.sub(
                r"^(?:раздел\s+)?(?:\d{1,2}|[IVXLC]+)[.)]?\s+(?=\S)", "", text, flags=re.I
            )
            self.section = bare or text

    def add_rows(self, grid: Sequence[_GRow], roles: Roles) -> None:
        for row in grid:
            self._add(row, roles)

    def _add(self, row: _GRow, roles: Roles) -> None:
        nonempty = [t for t in row.texts if C.clean_line(t)]
        if not nonempty:
            return
        flat = [C.clean_line(t) for t in row.texts]
        if C.is_column_numbers(" ".join(t for t in flat if t)) and all(
            t.isdigit() for t in flat if t
        ):
            return
        if header_roles(row.spans) is not None or _header_fragment(row.spans, roles):
            return  # a repeated header row, or the wrapped second line of one
        if row.full or (len({C.clean_line(t) for t in nonempty}) == 1 and len(nonempty) > 1):
            text = nonempty[0]
            if C.is_note(text):
                return
            if self._labelled_line(text):
                return
            if C.starts_lower(text) and self.items:
                self.items[-1].action.extend(C.cell_lines(text))
            else:
                self.heading(text)
            return
        no = C.join_text(_cell(row, roles, "item_no"))
        action = _cell(row, roles, "action")
        deadline = _cell(row, roles, "deadline")
        executor = _cell(row, roles, "executor")
        basis = _cell(row, roles, "basis")
        others = deadline or executor or basis
        if no and not _is_number(no):
            if not others or re.match(r"^(?:[IVXLC]+\.?|раздел|глава)\b", no, re.I):
                if not others:  # a heading written in the number column
                    self.heading(" ".join([no, *action]))
                    return
            else:
                action = [no, *action]  # text that slipped into the number column
            no = ""
        if not no and action and "item_no" not in roles:
            no, action = self._number_in_action(action, bool(others))
        if no:
            self._new(no.rstrip(".)"), action, deadline, executor, basis, row)
            return
        prev = self.items[-1] if self.items else None
        lead = action[0] if action else ""
        if action and not others:
            if (C.starts_lower(lead) or _left_open(prev, action)) and prev is not None:
                prev.action.extend(action)
            elif C.is_note(lead):
                return
            else:
                self.heading("\n".join(action))
            return
        if (action and not C.starts_lower(lead) and not _left_open(prev, action)) or prev is None:
            self._new(None, action, deadline, executor, basis, row)
            return
        # a continuation of the previous row (split across pages or lines)
        prev.action.extend(action)
        prev.deadline.extend(deadline)
        prev.executor.extend(executor)
        prev.basis.extend(basis)
        prev.conf = _min(prev.conf, row.conf)

    def _labelled_line(self, text: str) -> bool:
        """A row across the table that gives one more cell of the item above: "Основание:
        п. 7 ст. 19 …", "Срок: …", "Ответственный: …"."""
        label = C.labelled(C.clean_line(text))
        if label is None or not label[1] or not self.items:
            return False
        item = self.items[-1]
        role, value = label
        {"basis": item.basis, "deadline": item.deadline, "executor": item.executor}[role].append(
            value
        )
        return True

    def _number_in_action(self, action: list[str], dated: bool) -> tuple[str, list[str]]:
        """A table without a number column: "3. Организация …" numbers its own item, and a
        lettered sub-item with cells of its own ("а) опубликование …") is numbered under
        the last numbered item ("3.а")."""
        lead = action[0]
        m = _NUMBER_LEAD.match(lead)
        if m:
            return m.group(1), [lead[m.end() :], *action[1:]]
        m = _LETTER_LEAD.match(lead)
        parent = next(
            (it.item_no for it in reversed(self.items) if it.item_no and it.item_no[-1].isdigit()),
            None,
        )
        if m and dated and parent:
            return f"{parent}.{m.group(1)}", [lead[m.end() :], *action[1:]]
        return "", action

    def _new(
        self,
        no: str | None,
        action: list[str],
        deadline: list[str],
        executor: list[str],
        basis: list[str],
        row: _GRow,
    ) -> None:
        self.items.append(
            _Item(no, self.section, action, deadline, executor, basis, row.page, row.conf)
        )

    def rows(self) -> list[PlanRow]:
        return C.numbered_sections([it.to_row() for it in self.items])


def _table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        for cell in row:
            lines.extend(C.cell_lines(cell.text))
    return lines


def _paragraph_lines(p: Paragraph) -> list[str]:
    return [x for x in (C.clean_line(t) for t in p.text.split("\n")) if x]


def _continues(grid: Sequence[_GRow], n_cols: int, prev_cols: int, roles: Roles) -> bool:
    """A header-less table continues the previous plan table: same width, or narrower
    (trailing empty cells dropped), and rows that look like plan rows (an item number in
    the number column or a deadline phrase in the deadline column)."""
    if not 2 <= n_cols <= prev_cols:
        return False
    first = next((t for t in grid[0].texts if t.strip()), "") if grid else ""
    if C.is_column_header(first) and C.column_role(first) == "item_no":
        return False  # a table with a header of its own, not a plan's ("№ п/п | Адрес | …")
    plan_like = dated = 0
    for row in grid:
        no = C.join_text(_cell(row, roles, "item_no"))
        deadline = C.is_deadline_start(C.join_text(_cell(row, roles, "deadline")))
        plan_like += _is_number(no) or deadline or row.full
        dated += deadline or row.full
    if len(grid) >= 5 and not dated:
        return False  # numbered rows, but nothing like a deadline where deadlines go
    need = 1 if n_cols == prev_cols else max(1, len(grid) // 2)
    return plan_like >= need


def _plan_tables(blocks: Sequence[Block]) -> dict[int, tuple[list[_GRow], Roles]]:
    """Block index → (data rows, roles) for each plan table."""
    found: dict[int, tuple[list[_GRow], Roles]] = {}
    prev: tuple[int, Roles] | None = None
    for k, block in enumerate(blocks):
        if not isinstance(block, Table) or not block.rows:
            continue
        grid = _grid(block)
        roles: Roles | None = None
        start = 0
        for h, row in enumerate(grid[:3]):
            roles = header_roles(row.spans)
            if roles is not None:
                start = h + 1
                if start < len(grid) and _sub_header(grid[start], row):
                    start += 1
                break
        if roles is None and prev is not None and _continues(grid, block.n_cols, *prev):
            found[k] = (grid, prev[1])
            continue
        if roles is None:
            roles = infer_roles([r.texts for r in grid], block.n_cols)
        if roles is None:
            continue
        found[k] = (grid[start:], roles)
        prev = (block.n_cols, roles)
    return found


def _read_tables(blocks: Sequence[Block]) -> PlanLayout | None:
    plans = _plan_tables(blocks)
    if not plans:
        return None
    first, last = min(plans), max(plans)
    reader = _Reader()
    header: list[str] = []
    footer: list[str] = []
    between: list[str] = []
    for k, block in enumerate(blocks):
        lines = _paragraph_lines(block) if isinstance(block, Paragraph) else []
        if k in plans:
            if between:
                reader.heading(" ".join(between))
                between = []
            grid, roles = plans[k]
            reader.add_rows(grid, roles)
        elif k < first:
            header.extend(lines if isinstance(block, Paragraph) else _table_lines(block))
        elif k > last:
            footer.extend(lines if isinstance(block, Paragraph) else _table_lines(block))
        else:
            between.extend(
                t
                for t in lines
                if not (C.is_page_furniture(t) or C.is_column_header(t) or C.is_note(t))
                and not _repeats(t, header)  # a running header: "Приложение к решению …"
            )
    rows = reader.rows()
    while rows and rows[-1].item_no is None and C.is_signature(_row_text(rows[-1])):
        footer.insert(0, _row_text(rows.pop()))  # "Секретарь комиссии | | И.И. Иванов"
    return PlanLayout(header=header, rows=rows, footer=footer) if rows else None


def _repeats(line: str, header: list[str]) -> bool:
    """``line`` is a line of the text above the plan again (repeated on each page)."""
    key = C.clean_line(line).lower()
    return len(key) > 12 and any(C.clean_line(h).lower() == key for h in header)


def _row_text(row: PlanRow) -> str:
    return " ".join(t for t in (row.action, row.deadline, row.executor.replace("\n", " ")) if t)


# --- tab-separated text --------------------------------------------------------------------


def tables_from_tabs(blocks: Sequence[Block]) -> list[Block]:
    """Runs of tab-separated paragraph lines become Tables (one cell per tab field)."""
    out: list[Block] = []
    run: list[tuple[list[str], Paragraph]] = []

    def flush() -> None:
        if run:
            n = max(len(f) for f, _ in run)
            rows = [
                [
                    Cell(text=t, row=r, col=c, page=p.page, confidence=p.confidence)
                    for c, t in enumerate(fields)
                ]
                for r, (fields, p) in enumerate(run)
            ]
            out.append(Table(rows=rows, n_cols=n, page=run[0][1].page))
        run.clear()

    for block in blocks:
        if isinstance(block, Paragraph):
            parts = [x for x in block.text.split("\n") if x.strip()] or [""]
            for part in parts:
                if "\t" in part:
                    para = Paragraph(part, block.page, block.bbox, block.confidence)
                    run.append((part.split("\t"), para))
                else:
                    flush()
                    out.append(Paragraph(part, block.page, block.bbox, block.confidence))
        else:
            flush()
            out.append(block)
    flush()
    return out


def _lines(blocks: Sequence[Block]) -> list[Line]:
    lines: list[Line] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            for text in block.text.split("\n"):
                lines.append(Line(text, block.page, block.confidence))
        else:
            for row in block.rows:
                confs = [c.confidence for c in row if c.confidence is not None]
                page = next((c.page for c in row if c.page is not None), block.page)
                text = "\t".join(c.text.replace("\n", " ") for c in row)
                lines.append(Line(text, page, min(confs) if confs else None))
    return lines


def read_plan_rows(raw: RawDocument) -> PlanLayout:
    """The plan's rows, with the free text before (header) and after (footer) the plan."""
    blocks: list[Block] = list(raw.blocks)
    layout = _read_tables(blocks)
    if layout is None and any("\t" in b.text for b in blocks if isinstance(b, Paragraph)):
        layout = _read_tables(tables_from_tabs(blocks))
    if layout is not None:
        return layout
    seg = segment_lines(_lines(blocks))
    return PlanLayout(header=seg.header, rows=seg.rows, footer=seg.footer)
