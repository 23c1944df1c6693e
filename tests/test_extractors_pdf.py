"""PDF text-layer backend: tables, paragraphs, tables across pages, errors, OCR hook."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from extractors import ExtractionError, extract
from extractors import pdf as pdf_backend
from extractors.pdf import text_layer_problem
from schemas import Paragraph, Table
from tests.conftest_extractors import image_only_pdf, table_pdf

HEADER = ["№ п/п", "Мероприятие", "Срок", "Исполнитель"]
NUMBERS = ["1", "2", "3", "4"]


def _table(raw_tables: list[Table]) -> Table:
    assert len(raw_tables) == 1, [t.texts() for t in raw_tables]
    return raw_tables[0]


def test_single_page_table_paragraphs_and_provenance() -> None:
    data = table_pdf(
        [[HEADER, ["Раздел 1. Списки"], ["1", "Опубликование", "до 1 марта", "ТИК"]]],
        before=["УТВЕРЖДАЮ", "План мероприятий"],
        after=["Секретарь комиссии"],
        merged_rows=[(0, 1)],
    )
    raw = extract("plan.pdf", data)
    assert (raw.format, raw.method, raw.pages) == ("pdf", "text_layer", 1)
    kinds = [type(b).__name__ for b in raw.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    assert [p.text for p in raw.paragraphs] == [
        "УТВЕРЖДАЮ",
        "План мероприятий",
        "Секретарь комиссии",
    ]
    first = raw.paragraphs[0]
    assert first.page == 1 and first.bbox is not None and first.bbox[1] < 100
    table = _table(raw.tables)
    assert table.texts() == [
        HEADER,
        ["Раздел 1. Списки"],
        ["1", "Опубликование", "до 1 марта", "ТИК"],
    ]
    assert table.rows[1][0].colspan == 4
    cell = table.rows[2][1]
    assert cell.page == 1 and cell.bbox is not None and cell.bbox[0] > 80


def test_multiline_cells_and_dehyphenation() -> None:
    data = table_pdf(
        [
            [
                HEADER,
                [
                    "1",
                    ["Составление списка избира-", "тельных участков"],
                    ["Не позднее", "27.08.2019"],
                    ["Территориальная", "комиссия"],
                ],
            ]
        ]
    )
    row = _table(extract("a.pdf", data).tables).texts()[1]
    assert row[1] == "Составление списка избирательных участков"
    assert row[2] == "Не позднее\n27.08.2019"


def test_table_across_pages_is_one_table() -> None:
    page1: list[list[Any]] = [
        HEADER,
        NUMBERS,
        ["1", "Опубликование списка", "до 1 марта", "ТИК"],
        ["2", ["Составление списка", "избирателей по"], ["Не позднее", "27.08.2019"], "ТИК"],
    ]
    page2: list[list[Any]] = [
        HEADER,  # repeated header row
        NUMBERS,  # repeated column numbers
        ["", ["избирательному участку"], "", ["Участковая", "комиссия"]],  # row 2 continued
        ["3", "Передача списка", "28.08.2019", "УИК"],
    ]
    page3: list[list[Any]] = [
        HEADER,
        ["", "Размещение материалов на сайте", "постоянно", "Аппарат"],  # a real unnumbered row
        ["4", "Итоги", "после выборов", "ТИК"],
    ]
    raw = extract("a.pdf", table_pdf([page1, page2, page3], footer_numbers=True))
    assert raw.pages == 3
    table = _table(raw.tables)
    assert table.texts() == [
        HEADER,
        NUMBERS,
        ["1", "Опубликование списка", "до 1 марта", "ТИК"],
        [
            "2",
            "Составление списка\nизбирателей по\nизбирательному участку",
            "Не позднее\n27.08.2019",
            "ТИК\nУчастковая\nкомиссия",
        ],
        ["3", "Передача списка", "28.08.2019", "УИК"],
        ["", "Размещение материалов на сайте", "постоянно", "Аппарат"],
        ["4", "Итоги", "после выборов", "ТИК"],
    ]
    assert [r[0].row for r in table.rows] == list(range(7))
    assert [table.rows[i][1].page for i in (2, 4, 6)] == [1, 2, 3]
    assert raw.paragraphs == []  # page numbers in the footer are dropped


def test_different_columns_on_next_page_stay_separate() -> None:
    page1 = [HEADER, ["1", "Опубликование", "до 1 марта", "ТИК"]]
    page2 = [["Дата", "Событие", "Примечание"], ["14.06", "Публикация", "—"]]
    data = table_pdf([page1, page2], page_widths={1: (100, 200, 100)})
    tables = extract("a.pdf", data).tables
    assert [len(t.rows) for t in tables] == [2, 2]
    assert tables[1].texts()[0] == ["Дата", "Событие", "Примечание"]


def test_text_above_table_on_next_page_prevents_joining() -> None:
    page1 = [HEADER, ["1", "Опубликование", "до 1 марта", "ТИК"]]
    page2 = [HEADER, ["1", "Другой план", "до 2 марта", "УИК"]]
    raw = extract("a.pdf", table_pdf([page1, page2], page_before={1: ["Приложение 2"]}))
    assert [len(t.rows) for t in raw.tables] == [2, 2]
    assert [type(b).__name__ for b in raw.blocks] == ["Table", "Paragraph", "Table"]


def test_borderless_table_is_laid_out_from_word_positions() -> None:
    rows = [
        ["№", "Мероприятие", "Срок", "Исполнитель"],
        ["1", "Опубликование", "до 1 марта", "ТИК"],
        ["2", "Передача", "28 августа", "УИК"],
        ["3", "Голосование", "8 сентября", "УИК"],
    ]
    raw = extract("a.pdf", table_pdf([rows], ruled=False))
    table = _table(raw.tables)
    assert table.n_cols >= 4
    flat = [" ".join(r) for r in table.texts()]
    assert any("Передача" in r and "28 августа" in r for r in flat)


def test_zebra_striped_table_takes_its_columns_from_the_shaded_rows() -> None:
    rows = [
        ["№", "Мероприятие", "Срок", "Исполнитель"],
        ["1", "Опубликование", "до 1 марта", "ТИК"],
        [
            "2",
            ["Передача списков избирателей", "в участковые комиссии"],
            ["за 10 дней", "до дня"],
            "ТИК",
        ],
        ["3", "Голосование", "8 сентября", "УИК"],
        ["4", ["Подведение итогов", "голосования"], "9 сентября", "ТИК"],
        ["5", "Опубликование итогов", "10 сентября", "ТИК"],
    ]
    raw = extract("a.pdf", table_pdf([rows], ruled=False, shaded=True))
    table = _table(raw.tables)
    assert table.n_cols == 4
    texts = [r for r in table.texts() if len(r) == 4]
    assert [r[0] for r in texts] == ["№", "1", "2", "3", "4", "5"]
    assert texts[2][1:3] == [
        "Передача списков избирателей\nв участковые комиссии",
        "за 10 дней\nдо дня",
    ]
    assert texts[4][1] == "Подведение итогов\nголосования"


def test_a_last_row_without_its_bottom_rule_is_still_a_row() -> None:
    rows = [
        ["№", "Мероприятие", "Срок", "Исполнитель"],
        ["1", "Опубликование", "до 1 марта", "ТИК"],
        ["2", "Передача списков", "28 августа", "УИК"],
    ]
    table = _table(extract("a.pdf", table_pdf([rows], open_end=True)).tables)
    assert table.texts()[-1] == ["2", "Передача списков", "28 августа", "УИК"]


def test_prose_page_without_lines_is_not_a_table() -> None:
    lines = [
        "Территориальная избирательная комиссия сообщает о проведении",
        "заседания по вопросу утверждения календарного плана мероприятий",
        "по подготовке и проведению выборов депутатов.",
    ]
    raw = extract("a.pdf", table_pdf([[]], before=lines, ruled=False))
    assert raw.tables == []
    assert [p.text for p in raw.paragraphs] == lines


def test_encrypted_pdf() -> None:
    data = table_pdf([[HEADER]], encrypt="secret")
    with pytest.raises(ExtractionError, match=r"^the PDF is encrypted$"):
        extract("locked.pdf", data)


def test_owner_password_only_pdf_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    locked = StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0)
    data = table_pdf([[HEADER, ["1", "Опубликование", "до 1 марта", "ТИК"]]], encrypt=locked)
    assert b"/Encrypt" in data
    assert _table(extract("a.pdf", data).tables).texts()[1][1] == "Опубликование"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< >>\n%%EOF",
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
    ],
)
def test_damaged_pdf(data: bytes) -> None:
    with pytest.raises(ExtractionError, match=r"^the PDF is damaged"):
        extract("broken.pdf", data)


def test_truncated_pdf_is_damaged_or_partial() -> None:
    data = table_pdf([[HEADER, ["1", "Опубликование", "до 1 марта", "ТИК"]]])
    try:
        raw = extract("cut.pdf", data[: len(data) // 3])
    except ExtractionError as err:
        assert str(err).startswith("the PDF")
    else:
        assert raw.format == "pdf"


def test_no_text_layer_without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_backend, "_ocr_module", lambda: None)
    with pytest.raises(ExtractionError, match="no text layer; OCR is not available"):
        extract("scan.pdf", image_only_pdf())


def test_no_text_layer_goes_to_ocr_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[int]] = []
    fake = types.ModuleType("extractors.ocr")

    def ocr_pdf_pages(data: bytes, pages: list[int], options: object) -> dict[int, list[Paragraph]]:
        calls.append(pages)
        return {p: [Paragraph(text="распознанный текст", page=p)] for p in pages}

    fake.ocr_pdf_pages = ocr_pdf_pages  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "extractors.ocr", fake)
    monkeypatch.setattr(pdf_backend, "_ocr_module", lambda: fake)
    raw = extract("scan.pdf", image_only_pdf())
    assert calls == [[1]]
    assert raw.method == "ocr"
    assert [p.text for p in raw.paragraphs] == ["распознанный текст"]


@pytest.mark.parametrize(
    ("texts", "images", "problem"),
    [
        ([], True, "no text layer"),
        ([], False, None),
        (["(cid:12)"] * 30 + list("План"), False, "unmapped glyphs (cid)"),
        (list("#$%^&*()_+=!?<>") * 3, False, "mostly non-letters"),
        (list("Ïëàí ìåðîïðèÿòèé ïî ïîäãîòîâêå"), False, "garbled encoding"),
        (list("План мероприятий по подготовке 01.02.2019"), False, None),
        (list("01.02.2019 15.03.2019 20.04.2019 1 2 3 4"), False, None),
    ],
)
def test_text_layer_problem(texts: list[str], images: bool, problem: str | None) -> None:
    assert text_layer_problem(texts, images) == problem
    words = " ".join(texts).split()  # the same text as words: the same verdict
    assert text_layer_problem(words, images) == problem


@pytest.mark.parametrize(
    ("prev_action", "cont_row", "merged"),
    [
        (["Составление списка"], ["", "", ["(ч. 4 ст. 9", "закона)"], ""], True),
        (["Направление сведений в"], ["", "Избирательную комиссию", "", ""], True),
        (["Направление сведений"], ["", "Избирательная комиссия", "", "УИК"], False),
        (["Направление сведений"], ["", "", "", ""], True),
    ],
)
def test_row_split_by_page_break(
    prev_action: list[str], cont_row: list[str | list[str]], merged: bool
) -> None:
    page1: list[list[Any]] = [HEADER, ["1", prev_action, "до 1 марта", "ТИК"]]
    page2: list[list[Any]] = [HEADER, cont_row, ["2", "Итоги", "после выборов", "ТИК"]]
    table = _table(extract("a.pdf", table_pdf([page1, page2])).tables)
    assert len(table.rows) == (3 if merged else 4)
    assert table.rows[-1][0].text == "2"


def _place(c: dict[str, Any]) -> tuple[int, int]:
    return round((c["top"] + c["bottom"]) / 8), round(c["x0"])


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_pdfium_pages_place_characters_where_pdfplumber_does(turn: int) -> None:
    import io

    import pdfplumber
    import pypdfium2 as pdfium

    from extractors.pdfium_page import PdfiumPage, open_document

    data = table_pdf([[HEADER, ["1", "Опубликование списка", "до 1 марта", "ТИК"]]])
    doc = pdfium.PdfDocument(data)
    doc[0].set_rotation(turn)  # /Rotate: the page as displayed is turned
    buf = io.BytesIO()
    doc.save(buf)
    ours = PdfiumPage(open_document(buf.getvalue()), 0, chars=True)
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        theirs = pdf.pages[0]
        assert (ours.width, ours.height) == pytest.approx((theirs.width, theirs.height))
        want = sorted((c for c in theirs.chars if c["text"].strip()), key=_place)
    got = sorted((c for c in ours.chars if c["text"].strip()), key=_place)
    assert [c["text"] for c in got] == [c["text"] for c in want]
    for a, b in zip(got, want, strict=True):  # same centres (font boxes differ in height)
        assert (a["x0"] + a["x1"]) / 2 == pytest.approx((b["x0"] + b["x1"]) / 2, abs=2)
        assert (a["top"] + a["bottom"]) / 2 == pytest.approx((b["top"] + b["bottom"]) / 2, abs=3)
        assert a["upright"] == b["upright"]


def _canvas_pdf(draw: Any) -> bytes:
    import io

    from reportlab.pdfgen import canvas

    from tests.conftest_extractors import cyrillic_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(400, 300))
    c.setFont(cyrillic_font(), 10)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _words(data: bytes) -> list[Any]:
    from extractors.pdfium_page import PdfiumPage, open_document

    return PdfiumPage(open_document(data), 0).words


def test_a_word_crossed_by_a_ruling_line_is_cut_there() -> None:
    def draw(c: Any) -> None:
        c.line(150, 50, 150, 250)  # a column rule through one run of text
        c.drawString(100, 150, "ИзбирательнаяТИК")

    words = _words(_canvas_pdf(draw))
    assert len(words) == 2, [w.text for w in words]
    left, right = sorted(words, key=lambda w: w.x0)
    assert left.x1 <= right.x0 + 0.5 and left.x0 < 150 < right.x1
    assert left.text + right.text == "ИзбирательнаяТИК"


def test_a_word_running_on_to_the_next_line_is_cut_at_the_line() -> None:
    def draw(c: Any) -> None:
        text = c.beginText(100, 200)
        text.textLine("сведений о кандидатах, каких-")
        text.textLine("либо документов")
        c.drawText(text)

    words = _words(_canvas_pdf(draw))
    assert all(w.bottom - w.top < 15 for w in words), [(w.text, w.top, w.bottom) for w in words]
    lines = pdf_backend._lines(words)
    assert [t for t, _ in lines] == ["сведений о кандидатах, каких-", "либо документов"]


def test_fake_bold_text_is_read_once() -> None:
    def draw(c: Any) -> None:
        for dx in (0.0, 0.3):  # the same line printed twice, shifted: "fake bold"
            c.drawString(100 + dx, 200, "План мероприятий")

    raw = extract("bold.pdf", _canvas_pdf(draw))
    assert [p.text for p in raw.paragraphs] == ["План мероприятий"]
