"""DOCX backend: order, merged cells, nested tables, numbering, safety guards."""

from __future__ import annotations

from typing import Any

import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extractors import ExtractionError, ExtractOptions, extract
from schemas import Paragraph, Table
from tests.conftest_extractors import docx_bytes, patch_zip

HEADER = ["№", "Мероприятие", "Срок", "Исполнитель"]


def _plan(d: Any) -> None:
    d.add_paragraph("УТВЕРЖДАЮ")
    d.add_paragraph("Календарный план")
    t = d.add_table(rows=5, cols=4)
    hdr = t.rows[0]
    hdr._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(hdr.cells, HEADER, strict=True):
        cell.text = text
    section = t.cell(1, 0).merge(t.cell(1, 3))
    section.text = "Избирательные участки. Списки избирателей"
    t.cell(2, 0).text = "1"
    t.cell(2, 1).text = "Составление списка избирателей"
    deadline = t.cell(2, 2)
    deadline.text = "Не позднее 27.08.2019 г."
    deadline.add_paragraph("(ч. 10 ст. 7 Республиканского закона)")
    executor = t.cell(2, 3)
    executor.text = "Территориальная комиссия"
    executor.add_paragraph("Участковая комиссия")
    # item 2 spans two rows in the № and executor columns
    t.cell(3, 0).merge(t.cell(4, 0)).text = "2"
    t.cell(3, 3).merge(t.cell(4, 3)).text = "ТИК"
    t.cell(3, 1).text = "Передача списка"
    t.cell(3, 2).text = "28.08.2019"
    t.cell(4, 1).text = "Уточнение списка"
    t.cell(4, 2).text = "постоянно"
    nested = t.cell(4, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "вложенная"
    nested.cell(0, 1).text = "таблица"
    d.add_paragraph("Секретарь комиссии")


def test_order_merged_cells_and_paragraphs() -> None:
    raw = extract("plan.docx", docx_bytes(_plan))
    assert (raw.format, raw.method) == ("docx", "docx")
    kinds = [type(b).__name__ for b in raw.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = raw.tables[0]
    assert table.n_cols == 4
    assert table.texts()[0] == HEADER  # the repeated header row is there once
    (section,) = table.rows[1]
    assert (section.text, section.col, section.colspan) == (
        "Избирательные участки. Списки избирателей",
        0,
        4,
    )
    assert table.texts()[2] == [
        "1",
        "Составление списка избирателей",
        "Не позднее 27.08.2019 г.\n(ч. 10 ст. 7 Республиканского закона)",
        "Территориальная комиссия\nУчастковая комиссия",
    ]
    first, *_rest, last = table.rows[3]
    assert (first.text, first.rowspan, last.text, last.rowspan) == ("2", 2, "ТИК", 2)
    # continuation cells of vertical merges are omitted
    assert [c.col for c in table.rows[4]] == [1, 2]
    assert table.rows[4][0].text == "Уточнение списка\nвложенная\nтаблица"


def test_split_tables_stay_separate() -> None:
    def build(d: Any) -> None:
        for part in (1, 2):
            t = d.add_table(rows=2, cols=3)
            for r in range(2):
                for c in range(3):
                    t.cell(r, c).text = f"{part}-{r}-{c}"
            d.add_paragraph("")

    raw = extract("plan.docx", docx_bytes(build))
    assert [len(t.rows) for t in raw.tables] == [2, 2]
    assert raw.paragraphs == []  # empty paragraphs are not blocks


def test_automatic_numbering_and_breaks() -> None:
    def build(d: Any) -> None:
        d.add_paragraph("Первый", style="List Number")
        d.add_paragraph("Второй", style="List Number")
        p = d.add_paragraph("до 18")
        p.add_run().add_break()
        p.add_run("часов")
        p.add_run("\tтаб")
        d.add_paragraph("пункт", style="List Bullet")

    texts = [
        b.text for b in extract("a.docx", docx_bytes(build)).blocks if isinstance(b, Paragraph)
    ]
    # a tab in a paragraph stays: columns typed with tab stops make a table row
    assert texts == ["1. Первый", "2. Второй", "до 18\nчасов\tтаб", "- пункт"]


def test_numbered_cells_get_their_numbers() -> None:
    def build(d: Any) -> None:
        t = d.add_table(rows=2, cols=2)
        for r in range(2):
            t.cell(r, 0).paragraphs[0].style = d.styles["List Number"]
            t.cell(r, 1).text = f"действие {r}"

    table = extract("a.docx", docx_bytes(build)).tables[0]
    assert [row[0].text for row in table.rows] == ["1.", "2."]


def test_deleted_revisions_and_markup_text() -> None:
    def build(d: Any) -> None:
        p = d.add_paragraph("Оставлено ")
        deleted = OxmlElement("w:del")
        run = OxmlElement("w:r")
        text = OxmlElement("w:delText")
        text.text = "удалено"
        run.append(text)
        deleted.append(run)
        p._p.append(deleted)
        d.add_paragraph("<p>Текст</p><ul><li>пункт</li></ul>")

    texts = [b.text for b in extract("a.docx", docx_bytes(build)).paragraphs]
    assert texts == ["Оставлено", "Текст\n- пункт"]


def test_xxe_is_refused() -> None:
    data = docx_bytes(lambda d: d.add_paragraph("x"))
    evil = patch_zip(
        data,
        "word/document.xml",
        lambda xml: xml.replace(
            b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1
        ),
    )
    with pytest.raises(ExtractionError, match="DOCTYPE or entity"):
        extract("evil.docx", evil)


def test_oversized_member_is_refused() -> None:
    data = docx_bytes(lambda d: d.add_paragraph("x" * 5000))
    with pytest.raises(ExtractionError, match="too large to read safely"):
        extract("big.docx", data, ExtractOptions(extra={"docx_max_member_bytes": 2000}))


def test_damaged_docx() -> None:
    data = docx_bytes(lambda d: d.add_paragraph("x"))
    broken = patch_zip(data, "word/document.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ExtractionError, match="damaged"):
        extract("broken.docx", broken)


def test_macro_enabled_content_type_is_read() -> None:
    data = docx_bytes(lambda d: d.add_paragraph("макрос"))
    docm = patch_zip(
        data,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"officedocument.wordprocessingml.document.main",
            b"ms-word.document.macroEnabled.main",
        ).replace(b"application/vnd.openxmlformats-ms-word", b"application/vnd.ms-word"),
    )
    raw = extract("a.docm", docm)
    assert raw.paragraphs[0].text == "макрос"


def test_grid_before_shifts_columns() -> None:
    def build(d: Any) -> None:
        t = d.add_table(rows=2, cols=3)
        for c in range(3):
            t.cell(0, c).text = f"h{c}"
        row = t.rows[1]._tr
        row.remove(row.tc_lst[0])
        tr_pr = row.get_or_add_trPr()
        before = OxmlElement("w:gridBefore")
        before.set(qn("w:val"), "1")
        tr_pr.insert(0, before)
        t.cell(1, 1).text = "x"

    table = extract("a.docx", docx_bytes(build)).tables[0]
    assert isinstance(table, Table)
    assert [c.col for c in table.rows[1]] == [1, 2]
