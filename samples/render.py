"""Render the seed plans as DOCX, PDF, HTML and RTF from their gold annotations.

    .venv/bin/python samples/render.py            # write samples/<stem>.{docx,pdf,html,rtf}
    .venv/bin/python samples/render.py --check    # also extract each and compare with gold

Layout: the seed's header lines (text before the table header in ``samples/<stem>.txt``),
then a table № | action | deadline | executor with a repeating header row, section
headings as rows merged across all columns, executors one per paragraph (``<br>`` in
HTML), the legal reference of a deadline in its own paragraph. A long plan is split into
two Word tables at the section boundary nearest its middle. DOCX via python-docx; PDF and
RTF by converting that DOCX with LibreOffice (real ruling lines, repeated header rows on
every page); HTML from a template with a site menu, sidebar and footer around the table.
Output is deterministic: zip timestamps, PDF dates/IDs and RTF times are fixed.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from extractors import extract  # noqa: E402
from extractors.office import convert_with_libreoffice  # noqa: E402
from extractors.textutil import normalize_ws  # noqa: E402

SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "gold"
DEFAULT_HEADER = ("№ п/п", "Содержание мероприятия", "Срок исполнения", "Исполнитель")
WIDTHS_CM = (1.3, 8.2, 4.2, 3.8)
_TABLE_HEAD = re.compile(r"^\s*(№|п/п|N\s*п/п)")
_REFERENCE = re.compile(r"\s\((?=\s*(?:ч\.|ч\s|п\.|пп\.|п\.\s?п\.|ст\.|стат|част|пункт|подп|абз))")
FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass
class Plan:
    stem: str
    header_lines: list[str]
    columns: tuple[str, ...]
    items: list[dict[str, object]]


def load_plan(stem: str) -> Plan:
    """Header lines from the seed text, items from the gold file."""
    text = (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
    header: list[str] = []
    columns: tuple[str, ...] = DEFAULT_HEADER
    for line in text.splitlines():
        if _TABLE_HEAD.match(line):
            cells = [c.strip() for c in line.split("\t")]
            if len(cells) == 4 and all(cells):
                columns = tuple(cells)
            break
        clean = normalize_ws(line.replace("**", ""))
        if clean:
            header.append(clean)
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    return Plan(stem=stem, header_lines=header, columns=columns, items=list(gold["items"]))


def split_deadline(text: str) -> list[str]:
    """The deadline and, in its own paragraph, the legal reference that follows it."""
    m = _REFERENCE.search(text)
    if not m or m.start() == 0:
        return [text]
    return [text[: m.start()].strip(), text[m.start() :].strip()]


def section_rows(plan: Plan) -> list[tuple[str, object]]:
    """("section", title) and ("item", item) in order; a section row when it changes."""
    out: list[tuple[str, object]] = []
    current: object = None
    for item in plan.items:
        section = item.get("section")
        if section and section != current:
            out.append(("section", section))
        current = section
        out.append(("item", item))
    return out


def split_point(rows: list[tuple[str, object]]) -> int | None:
    """Index of the section row nearest the middle (for plans long enough to split)."""
    if len(rows) < 40:
        return None
    sections = [i for i, (kind, _) in enumerate(rows) if kind == "section" and i > 0]
    if not sections:
        return None
    return min(sections, key=lambda i: abs(i - len(rows) / 2))


# --- DOCX -----------------------------------------------------------------------------


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _set_cell(cell: object, paragraphs: list[str], bold: bool = False) -> None:
    first = True
    for text in paragraphs or [""]:
        p = cell.paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
        first = False
        run = p.add_run(text)
        run.bold = bold
        p.paragraph_format.space_after = Pt(0)


def _new_table(doc: Any, plan: Plan, with_header: bool) -> Any:
    table = doc.add_table(rows=0, cols=4)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    if with_header:
        row = table.add_row()
        _repeat_header(row)
        for cell, title in zip(row.cells, plan.columns, strict=True):
            _set_cell(cell, [title], bold=True)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def _widths(table: object) -> None:
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, WIDTHS_CM, strict=False):
            cell.width = Cm(width)
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):  # type: ignore[attr-defined]
        column.width = Cm(width)


def render_docx(plan: Plan) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    r_pr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    r_pr.append(lang)
    for line in plan.header_lines:
        p = doc.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
    rows = section_rows(plan)
    cut = split_point(rows)
    table = _new_table(doc, plan, with_header=True)
    for i, (kind, value) in enumerate(rows):
        if i == cut:
            _widths(table)
            doc.add_paragraph("")
            table = _new_table(doc, plan, with_header=False)
        row = table.add_row()
        if kind == "section":
            merged = row.cells[0].merge(row.cells[3])
            _set_cell(merged, [str(value)], bold=True)
            continue
        item = value
        assert isinstance(item, dict)
        _set_cell(row.cells[0], [str(item.get("item_no") or "")])
        _set_cell(row.cells[1], [str(item["action"])])
        _set_cell(row.cells[2], split_deadline(str(item.get("deadline_text") or "")))
        _set_cell(row.cells[3], [str(e) for e in item.get("executors") or []])  # type: ignore[attr-defined]
    _widths(table)
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps (byte-for-byte reproducible)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


# --- PDF / RTF through LibreOffice ---------------------------------------------------------


def fixed_pdf(data: bytes) -> bytes:
    """Blank out creation dates and document IDs, keeping every byte offset."""

    def blank(m: re.Match[bytes]) -> bytes:
        return m.group(1) + re.sub(rb"[0-9A-Fa-f+\-Z']", b"0", m.group(2))

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)([^)]*)", blank, data)
    data = re.sub(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)([^<]*)", blank, data)
    data = re.sub(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)", blank, data)
    data = re.sub(rb"(>\s*<)([0-9A-Fa-f]+)(?=>\s*\])", blank, data)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)", blank, data)
    return re.sub(rb"(uuid:)([0-9a-fA-F\-]+)", blank, data)


_NOISE_WORDS = re.compile(
    rb"\\(?:rtlch|ltrch|hich|loch|dbch|ltrpar|kerning0|hyphpar0|(?:af|afs|alang|lang|langfe)\d+) ?"
)


def _cp1251_escape(m: re.Match[bytes]) -> bytes:
    try:
        return b"\\'%02x" % chr(int(m.group(1))).encode("cp1251")[0]
    except (UnicodeEncodeError, ValueError, OverflowError):
        return m.group(0)


def fixed_rtf(data: bytes) -> bytes:
    """LibreOffice's RTF made compact and reproducible: Cyrillic as cp1251 ``\\'xx``
    escapes (as Word writes it) instead of ``\\uNNNN\\'3f``, no-op language/script
    control words dropped, fixed creation/revision/print times."""
    data = re.sub(rb"\\u(\d+)\\'3f", _cp1251_escape, data)
    data = data.replace(b"\\rtf1\\ansi", b"\\rtf1\\ansi\\ansicpg1251", 1)
    data = re.sub(rb"\\fcharset0(?=[ \\;])", rb"\\fcharset204", data)
    data = _NOISE_WORDS.sub(b"", data)
    return re.sub(
        rb"\\(creatim|revtim|printim)\\yr\d+\\mo\d+\\dy\d+\\hr\d+\\min\d+",
        rb"\\\1\\yr2020\\mo1\\dy1\\hr0\\min0",
        data,
    )


# --- HTML --------------------------------------------------------------------------------

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="{charset}">
<title>Избирательная комиссия — документы</title>
<style>table.plan td, table.plan th {{ border: 1px solid #000; vertical-align: top; }}</style>
<script>window.dataLayer = [];</script>
</head><body>
<header class="site-header"><a href="/">Избирательная комиссия</a>
<nav><ul class="main-menu"><li><a href="/news">Новости</a></li>
<li><a href="/docs">Документы</a></li><li><a href="/contacts">Контакты</a></li>
<li><a href="/elections">Выборы</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Главная</a> / <a href="/docs">Документы</a></div>
<table class="layout"><tr><td class="sidebar-cell">
<ul><li><a href="/a">Решения комиссии</a></li><li><a href="/b">Календарь</a></li>
<li><a href="/c">Архив</a></li></ul></td><td class="content">
{header}
<table class="plan" cellspacing="0">
<thead><tr>{columns}</tr></thead>
<tbody>
{rows}
</tbody></table>
</td></tr></table>
<footer><p>© Избирательная комиссия. Все права защищены.</p>
<p><a href="/privacy">Политика конфиденциальности</a></p></footer>
</body></html>
"""


def render_html(plan: Plan, charset: str) -> bytes:
    esc = html.escape
    header = "\n".join(f"<p>{esc(line)}</p>" for line in plan.header_lines)
    columns = "".join(f"<th>{esc(c)}</th>" for c in plan.columns)
    rows = []
    for kind, value in section_rows(plan):
        if kind == "section":
            rows.append(f'<tr><td colspan="4"><b>{esc(str(value))}</b></td></tr>')
            continue
        item = value
        assert isinstance(item, dict)
        deadline = "<br>".join(esc(x) for x in split_deadline(str(item.get("deadline_text") or "")))
        executors = "<br>\n".join(esc(str(e)) for e in item.get("executors") or [])
        rows.append(
            f"<tr><td>{esc(str(item.get('item_no') or ''))}</td><td>{esc(str(item['action']))}</td>"
            f"<td>{deadline}</td><td>{executors}</td></tr>"
        )
    page = HTML_TEMPLATE.format(
        charset=charset, header=header, columns=columns, rows="\n".join(rows)
    )
    return page.encode(charset)


# --- driver ------------------------------------------------------------------------------


def stems() -> list[str]:
    return sorted(p.stem for p in SAMPLES.glob("*.txt") if (GOLD / f"{p.stem}.json").exists())


def render(stem: str, timeout: float = 180.0) -> dict[str, bytes]:
    plan = load_plan(stem)
    docx_bytes = render_docx(plan)
    charset = "windows-1251" if stem.startswith("000") else "utf-8"
    return {
        "docx": docx_bytes,
        "pdf": fixed_pdf(convert_with_libreoffice(docx_bytes, "docx", "pdf", timeout)),
        "rtf": fixed_rtf(convert_with_libreoffice(docx_bytes, "docx", "rtf", timeout)),
        "html": render_html(plan, charset),
    }


def check(stem: str, ext: str, data: bytes) -> list[str]:
    """Gold items whose action/deadline are not found as one row of an extracted table."""
    raw = extract(f"{stem}.{ext}", data)
    rows = {tuple(normalize_ws(c.text) for c in row) for table in raw.tables for row in table.rows}
    missing = []
    for item in load_plan(stem).items:
        action = normalize_ws(str(item["action"]))
        deadline = normalize_ws(str(item.get("deadline_text") or ""))
        if not any(
            len(r) >= 3 and action in r and r[r.index(action) + 1 :][:1] == (deadline,)
            for r in rows
        ):
            missing.append(str(item.get("item_no")))
    return missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="extract each rendering and compare")
    ap.add_argument("stems", nargs="*", help="sample stems (default: all with gold)")
    args = ap.parse_args(argv)
    failed = False
    for stem in args.stems or stems():
        outputs = render(stem)
        for ext, data in outputs.items():
            path = SAMPLES / f"{stem}.{ext}"
            path.write_bytes(data)
            line = f"{path.relative_to(ROOT)}: {len(data) // 1024} KB"
            if args.check:
                missing = check(stem, ext, data)
                failed |= bool(missing)
                line += f"; round trip {'OK' if not missing else 'MISSING ' + ', '.join(missing)}"
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
