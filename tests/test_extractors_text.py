"""Plain-text backend: encodings, tab and pipe tables, cleanup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import extract
from extractors.textutil import (
    Vocabulary,
    clean_cell_text,
    join_wrapped_lines,
    normalize_ws,
    strip_markup,
)
from schemas import Table

ROOT = Path(__file__).resolve().parent.parent
PLAN = (
    "УТВЕРЖДАЮ\n**ПЛАН\nработы штаба**\n\n"
    "№\tМероприятия\tСроки проведения\tОтветственный\n"
    "1.\tПодготовка положения\tдо 01 марта\tПетров П.П.\n"
    "\n"
    "2.\tОткрытие штаба\t01 марта\tОбщественная палата\n"
    "\tРазмещение материалов\tпостоянно\tАппарат палаты\n"
    "Секретарь\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r", "utf-16"])
def test_encodings(encoding: str) -> None:
    plan = PLAN.replace("№", "N") if encoding == "koi8_r" else PLAN  # KOI8-R has no №
    raw = extract("plan.txt", plan.encode(encoding))
    assert (raw.format, raw.method) == ("txt", "text")
    assert raw.paragraphs[0].text == "УТВЕРЖДАЮ"
    assert [p.text for p in raw.paragraphs[1:3]] == ["ПЛАН", "работы штаба"]  # ** stripped
    (table,) = raw.tables
    assert table.n_cols == 4
    assert table.texts()[1] == ["1.", "Подготовка положения", "до 01 марта", "Петров П.П."]
    assert table.texts()[3] == ["", "Размещение материалов", "постоянно", "Аппарат палаты"]
    assert raw.paragraphs[-1].text == "Секретарь"


def test_short_koi8_and_cp1251_are_told_apart() -> None:
    text = "Срок: не позднее 10 дней до дня голосования"
    assert extract("a.txt", text.encode("koi8_r")).paragraphs[0].text == text
    assert extract("a.txt", text.encode("cp1251")).paragraphs[0].text == text


def test_blank_lines_inside_tab_table_do_not_split_it() -> None:
    raw = extract("a.txt", PLAN.encode())
    assert len(raw.tables) == 1
    assert len(raw.tables[0].rows) == 4
    assert all(p.text for p in raw.paragraphs)  # blank lines are not kept as blocks


def test_continuation_line_and_section_heading_inside_tab_run() -> None:
    text = (
        "№\tДействие\tСрок\tИсполнитель\n"
        "Раздел 1. Списки избирателей\n"
        "1\tСоставление списка\tне позднее 27.08.2019\tТерриториальная\n"
        "комиссия\n"
        "2\tПередача списка\tне позднее 28.08.2019\tТИК\n"
    )
    table = extract("a.txt", text.encode()).tables[0]
    assert table.texts()[1] == ["Раздел 1. Списки избирателей"]
    assert table.rows[1][0].colspan == 4
    assert table.texts()[2][3] == "Территориальная\nкомиссия"
    assert len(table.rows) == 4


def test_pipe_table_with_separator_and_br() -> None:
    text = (
        "# План\n\n"
        "| № | Мероприятие | Срок |\n"
        "|---|:-----------|-----:|\n"
        "| 1 | **Опубликование** списка | до 1 марта<br>(ч. 4 ст. 9) |\n"
        "| 2 | Передача | постоянно |\n"
    )
    raw = extract("plan.md", text.encode())
    (table,) = raw.tables
    assert table.texts() == [
        ["№", "Мероприятие", "Срок"],
        ["1", "Опубликование списка", "до 1 марта\n(ч. 4 ст. 9)"],
        ["2", "Передача", "постоянно"],
    ]


def test_single_tab_lines_are_not_a_table() -> None:
    raw = extract("a.txt", "Дата\t14 июня\nДень\t8 сентября\n".encode())
    assert raw.tables == []
    assert len(raw.paragraphs) == 2


def test_markup_typed_as_text_is_cleaned() -> None:
    cell = (
        '<p>Формирование групп:</p> <ul style="list-style-type: none"> - первая группа; '
        "- вторая группа. </ul>"
    )
    assert clean_cell_text(cell) == "Формирование групп:\n- первая группа; - вторая группа."
    assert strip_markup(
        "&lt;p&gt;Текст&lt;/p&gt;&lt;ul&gt;&lt;li&gt;а&lt;/li&gt;&lt;/ul&gt;"
    ).split() == [
        "Текст",
        "-",
        "а",
    ]
    assert strip_markup("ООО &quot;Ромашка&quot;") == 'ООО "Ромашка"'
    assert strip_markup("не позднее < 5 дней") == "не позднее < 5 дней"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["избира-", "тельных участков"], "избирательных участков"),
        (["№ 152/1137-", "6)"], "№ 152/1137-6)"),
        (["Северо-", "Западный"], "Северо-Западный"),
        (["что-", "либо"], "что-либо"),
        (["Не позднее", "28.08.2019"], "Не позднее\n28.08.2019"),
        (["ТИК -", "участковая"], "ТИК -\nучастковая"),
    ],
)
def test_join_wrapped_lines(lines: list[str], expected: str) -> None:
    assert join_wrapped_lines(lines, Vocabulary()) == expected


def test_vocabulary_keeps_compounds_seen_elsewhere() -> None:
    vocab = Vocabulary(["семинары тренеров-преподавателей", "медиа и плана"])
    assert (
        join_wrapped_lines(["для тренеров-", "преподавателей"], vocab)
        == "для тренеров-преподавателей"
    )
    assert join_wrapped_lines(["медиа-", "плана"], vocab) == "медиа-плана"
    assert join_wrapped_lines(["избира-", "тельных"], vocab) == "избирательных"


def test_seed_text_sample_round_trips_against_gold() -> None:
    stem = "000_d1ca76bf053992ad"
    gold_path = ROOT / "tests" / "gold" / f"{stem}.json"
    if not gold_path.exists():
        pytest.skip("gold file not written yet")
    raw = extract(f"{stem}.txt", (ROOT / "samples" / f"{stem}.txt").read_bytes())
    (table,) = raw.tables
    rows = [tuple(normalize_ws(t) for t in r) for r in table.texts()]
    for item in json.loads(gold_path.read_text(encoding="utf-8"))["items"]:
        wanted = (normalize_ws(item["action"]), normalize_ws(item["deadline_text"]))
        assert any(r[1:3] == wanted for r in rows), item["item_no"]
    assert isinstance(table, Table)


def test_flattened_text_words_broken_by_hyphens_are_joined() -> None:
    text = (
        "1\nСоставление списков избира-\nтельных участков (Закона\nРеспублики о выборах в "
        "органы госу-\nдарственной власти)\nв информационно-\nтелекоммуникационной сети\n"
    )
    lines = [p.text for p in extract("plan.txt", text.encode()).paragraphs]
    assert "Составление списков избирательных участков (Закона" in lines
    assert "Республики о выборах в органы государственной власти)" in lines
    assert "в информационно-телекоммуникационной сети" in lines


def test_dash_separated_records_wrapped_over_lines_become_a_table() -> None:
    text = (
        "КАЛЕНДАРНЫЙ ПЛАН\n\n№ — Мероприятие — Срок исполнения — Исполнитель\n\n"
        "I. ИЗБИРАТЕЛЬНЫЕ УЧАСТКИ\n"
        "1. Опубликование списков участков — не позднее чем за 40 дней до дня голосования —\n"
        "Глава администрации\n"
        "2. Представление сведений об избирателях — не позднее 23 июня (не позднее\n"
        "23 июня 2021 г.), а при наличии обстоятельств – позднее — Глава администрации,\n"
        "командиры воинских частей\n"
        "3. Составление списков избирателей — не позднее 8 сентября — ТИК\n\n"
        "Председатель комиссии С.В. Горбунова\n"
    )
    raw = extract("plan.txt", text.encode())
    (table,) = raw.tables
    rows = table.texts()
    assert rows[0] == ["№", "Мероприятие", "Срок исполнения", "Исполнитель"]
    assert rows[1] == ["I. ИЗБИРАТЕЛЬНЫЕ УЧАСТКИ"]
    assert rows[2] == [
        "1",
        "Опубликование списков участков",
        "не позднее чем за 40 дней до дня голосования",
        "Глава администрации",
    ]
    assert rows[3][2].endswith("а при наличии обстоятельств – позднее")  # an en dash inside
    assert rows[3][3] == "Глава администрации, командиры воинских частей"
    assert raw.paragraphs[-1].text == "Председатель комиссии С.В. Горбунова"


def test_word_text_export_rows_that_break_lines_inside_cells() -> None:
    text = (
        "№ п/п\tСодержание мероприятия\tСрок исполнения\tИсполнители\n"
        "1. Списки избирателей\n"
        "1.\tОпубликование списков участков\n"
        "(ч. 4 ст. 17 Закона)\tне позднее чем за 27 дней до дня голосования\n"
        "(не позднее 20 февраля 2028 года)\tМэр района\n"
        "2.\tОбучение членов УИК\tфевраль – март\tЧлены ТИК;\n"
        "Иванова А.С., секретарь ТИК\n"
        "3.\tПеречисление средств\tпо истечении 60 дней\tОтделение банка\n"
        "(по письменному указанию ТИК)\n"
        "2. Голосование\n"
        "4.\tГолосование\t19 марта 2028 года\tУИК\n"
    )
    raw = extract("plan.txt", text.encode("utf-8"))
    assert len(raw.tables) == 1
    rows = raw.tables[0].texts()
    assert rows[2] == [
        "1.",
        "Опубликование списков участков\n(ч. 4 ст. 17 Закона)",
        "не позднее чем за 27 дней до дня голосования\n(не позднее 20 февраля 2028 года)",
        "Мэр района",
    ]
    assert rows[3][3] == "Члены ТИК;\nИванова А.С., секретарь ТИК"
    assert rows[4][3] == "Отделение банка\n(по письменному указанию ТИК)"
    assert rows[5] == ["2. Голосование"]
    assert rows[6][0] == "4."


def test_columns_aligned_with_spaces_are_read_as_a_laid_out_page() -> None:
    text = (
        "РЕШЕНИЕ\n\n"
        "№     Содержание мероприятия          Срок исполнения          Исполнители\n"
        "п/п\n"
        "              1. Избирательные участки и списки\n"
        "1.    Опубликование списков           не позднее чем за 40     Глава\n"
        "      избирательных участков          дней до дня голосования  администрации\n"
        "2.    Составление списков             не позднее чем за 11     ТИК\n"
        "      избирателей                     дней до дня голосования\n"
        "\f"
        "Продолжение приложения\n"
        "3.    Передача списков в УИК          не позднее чем за 10     ТИК\n"
        "                                      дней до дня голосования\n"
        "4.    Голосование                     14 сентября 2025 года    УИК\n"
    )
    raw = extract("layout.txt", text.encode("utf-8"))
    tables = raw.tables
    assert len(tables) == 2 and tables[0].n_cols == 4
    rows = [[" ".join(t.split()) for t in row] for row in tables[0].texts()]
    assert rows[2] == ["1. Избирательные участки и списки"]
    assert rows[3] == [
        "1.",
        "Опубликование списков избирательных участков",
        "не позднее чем за 40 дней до дня голосования",
        "Глава администрации",
    ]
    assert tables[1].texts()[0][0] == "3." and tables[1].rows[0][0].page == 2


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \n\t\r\x0b\x85\u2028\u00a0\u2009\u200b\u00ad\ufeffаб", max_size=12))
def test_normalize_lines_shortcut_agrees_with_the_line_by_line_definition(text: str) -> None:
    from extractors.textutil import normalize_line, normalize_lines

    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert normalize_lines(text) == "\n".join(x for x in map(normalize_line, lines) if x)


BOX_TABLE = """Календарный план
┌────┬──────────────────────┬──────────────────┐
│ N  │ Мероприятие          │ Срок             │
├────┴──────────────────────┴──────────────────┤
│          Избирательные участки               │
├────┬──────────────────────┬──────────────────┤
│ 1. │ Опубликование        │ не позднее чем   │
│    │ списков участков     │ за 40 дней       │
-------- стр. 2 --------
│    │                      │ до дня голосования│
├────┼──────────────────────┼──────────────────┤
│ 2. │ Передача списков     │ 28 августа       │
└────┴──────────────────────┴──────────────────┘
Председатель"""


@pytest.mark.parametrize("ascii_art", [False, True])
def test_tables_drawn_with_box_characters(ascii_art: bool) -> None:
    text = BOX_TABLE
    if ascii_art:
        text = text.translate(str.maketrans("┌┬┐├┼┤└┴┘─│", "+++++++++-|"))
    raw = extract("plan.txt", text.encode("utf-8"))
    (table,) = raw.tables
    assert table.texts() == [
        ["N", "Мероприятие", "Срок"],
        ["Избирательные участки"],
        ["1.", "Опубликование\nсписков участков", "не позднее чем\nза 40 дней\nдо дня голосования"],
        ["2.", "Передача списков", "28 августа"],
    ]
    assert [p.text for p in raw.paragraphs] == ["Календарный план", "Председатель"]


def test_markdown_tables_keep_one_row_per_line_among_box_tables() -> None:
    part = "| № | Мероприятие | Срок |\n|:--|---|---|\n| 1 | Опубликование | до 1 марта |\n"
    part += "| 2 | Передача | 28 августа |\n"
    raw = extract("plan.md", f"{BOX_TABLE}\n\nВторая\n\n{part}".encode())
    box, markdown = raw.tables
    assert len(box.rows) == 4
    assert markdown.texts() == [
        ["№", "Мероприятие", "Срок"],
        ["1", "Опубликование", "до 1 марта"],
        ["2", "Передача", "28 августа"],
    ]


def test_a_spreadsheet_saved_as_tab_delimited_text_keeps_its_quoted_cells() -> None:
    text = (
        '"№\nп/п"\tМероприятие\tСрок\tИсполнители\r\n'
        "I. СПИСКИ ИЗБИРАТЕЛЕЙ\t\t\t\r\n"
        '1\tОпубликование\t"не позднее 1 июля\n(ч. 2 ст. 5)"\t'
        '"ТИК,\nредакция газеты ""Вестник"""\r\n'
        "2\tПередача списков\t28 августа\tТИК\r\n"
        '"Примечание. День голосования – 8 сентября 2041 года."\t\t\t\r\n'
    )
    raw = extract("plan.txt", text.encode("utf-16"))
    (table,) = raw.tables
    assert table.texts() == [
        ["№\nп/п", "Мероприятие", "Срок", "Исполнители"],
        ["I. СПИСКИ ИЗБИРАТЕЛЕЙ"],
        [
            "1",
            "Опубликование",
            "не позднее 1 июля\n(ч. 2 ст. 5)",
            'ТИК,\nредакция газеты "Вестник"',
        ],
        ["2", "Передача списков", "28 августа", "ТИК"],
    ]
    assert [p.text for p in raw.paragraphs] == [
        "Примечание. День голосования – 8 сентября 2041 года."
    ]


def test_a_table_as_a_database_console_prints_it() -> None:
    text = (
        " № | Мероприятие          | Срок\n"
        "---+----------------------+-----------------\n"
        "Избирательные участки\n"
        " 1 | Опубликование списков | не позднее чем\n"
        "   | участков              | за 40 дней\n"
        " 2 | Передача списков      | 28 августа\n"
    )
    raw = extract("plan.txt", text.encode("cp1251"))
    header, body = raw.tables
    assert header.texts() == [["№", "Мероприятие", "Срок"]]
    assert body.texts() == [
        ["1", "Опубликование списков\nучастков", "не позднее чем\nза 40 дней"],
        ["2", "Передача списков", "28 августа"],
    ]
    assert "Избирательные участки" in [p.text for p in raw.paragraphs]
