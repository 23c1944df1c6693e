"""parsers.rows: plan tables → PlanRow (synthetic tables, plus the tab-separated sample)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from parsers.executors import split_executors
from parsers.rows import (
    PlanLayout,
    column_role,
    header_roles,
    infer_roles,
    read_plan_rows,
    tables_from_tabs,
)
from schemas.raw import Block, Cell, Paragraph, RawDocument, Table

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

HEAD = ["№ п/п", "Содержание мероприятия", "Срок исполнения", "Исполнитель"]


def table(
    rows: Sequence[Sequence[str | Cell]], n_cols: int | None = None, page: int | None = None
) -> Table:
    """A Table from texts (or ready Cells) row by row."""
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        cells: list[Cell] = []
        for c, x in enumerate(row):
            cells.append(x if isinstance(x, Cell) else Cell(text=x, row=r, col=c, page=page))
        out.append(cells)
    return Table(rows=out, n_cols=n_cols or max(len(r) for r in rows), page=page)


def doc(*blocks: Block) -> RawDocument:
    return RawDocument(source="t", format="docx", method="docx", blocks=list(blocks))


def read(*blocks: Block) -> PlanLayout:
    return read_plan_rows(doc(*blocks))


# --- column roles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("№ п/п", "item_no"),
        ("№", "item_no"),
        ("N п/п", "item_no"),
        ("Содержание мероприятия", "action"),
        ("Мероприятия", "action"),
        ("НАИМЕНОВАНИЕ МЕРОПРИЯТИЯ", "action"),
        ("Срок исполнения", "deadline"),
        ("Сроки проведения", "deadline"),
        ("Срок", "deadline"),
        ("Дата проведения", "deadline"),
        ("Исполнитель", "executor"),
        ("Ответственный", "executor"),
        ("Ответственные исполнители", "executor"),
        ("Ответственный за исполнение", "executor"),
        ("Основание", "basis"),
        ("Правовое основание", "basis"),
        ("Примечание", "extra"),
        ("Отметка о выполнении", "extra"),
        ("Сроки выполнения", "deadline"),
        ("Срок выполнения мероприятия", "deadline"),
        ("Ответственные за выполнение", "executor"),
        ("Результат выполнения", "extra"),
        ("Исполнители (ответственные за выполнение)", "executor"),
        ("Место проведения", None),
    ],
)
def test_column_role(text: str, role: str | None) -> None:
    assert column_role(text) == role


def _spans(texts: list[str]) -> list[tuple[int, int, str]]:
    return [(c, 1, t) for c, t in enumerate(texts)]


def test_header_roles_any_order() -> None:
    roles = header_roles(_spans(["Исполнитель", "Срок", "Мероприятие", "№"]))
    assert roles == {"executor": [0], "deadline": [1], "action": [2], "item_no": [3]}


@pytest.mark.parametrize(
    "row",
    [
        [
            "1.",
            "Проведение мероприятий",
            "в сроки, установленные законом",
            "Ответственный секретарь",
        ],
        ["", "Проведение мероприятий по плану", "Срок по графику", "Территориальная комиссия"],
        ["1", "2", "3", "4"],
    ],
)
def test_data_rows_are_not_headers(row: list[str]) -> None:
    assert header_roles(_spans(row)) is None


# --- reading tables ----------------------------------------------------------------------


def test_basic_table_with_header_and_footer() -> None:
    lay = read(
        Paragraph("УТВЕРЖДАЮ"),
        Paragraph("Председатель комиссии"),
        Paragraph("КАЛЕНДАРНЫЙ ПЛАН"),
        table(
            [
                HEAD,
                [
                    "1.",
                    "Опубликование  списка\nизбирательных участков",
                    "Не позднее\n29.07.2019",
                    "Глава администрации",
                ],
                [
                    "2.",
                    "Составление списка избирателей",
                    "не позднее 27.08.2019",
                    "Территориальная комиссия\nУчастковая комиссия",
                ],
            ],
            page=3,
        ),
        Paragraph(""),
        Paragraph("Председатель ТИК ________ И.И. Иванов"),
    )
    assert lay.header == ["УТВЕРЖДАЮ", "Председатель комиссии", "КАЛЕНДАРНЫЙ ПЛАН"]
    assert lay.footer == ["Председатель ТИК ________ И.И. Иванов"]
    assert [r.item_no for r in lay.rows] == ["1", "2"]
    r1, r2 = lay.rows
    assert r1.action == "Опубликование списка избирательных участков"
    assert r1.deadline == "Не позднее 29.07.2019"
    assert r1.executor == "Глава администрации"
    assert r1.section is None
    assert r1.page == 3
    assert r2.executor == "Территориальная комиссия\nУчастковая комиссия"


def test_column_order_and_item_number_forms() -> None:
    lay = read(
        table(
            [
                ["Ответственный", "Наименование мероприятия", "Срок", "№"],
                ["Избирательная комиссия", "Утверждение формы бюллетеня", "до 18.08.2019", "3.1"],
                ["Избирательная комиссия", "Изготовление бюллетеней", "до 28.08.2019", "3.2."],
                ["ИКМО", "Передача бюллетеней", "за 1 день до голосования", "4)"],
            ]
        )
    )
    assert [(r.item_no, r.action, r.deadline, r.executor) for r in lay.rows] == [
        ("3.1", "Утверждение формы бюллетеня", "до 18.08.2019", "Избирательная комиссия"),
        ("3.2", "Изготовление бюллетеней", "до 28.08.2019", "Избирательная комиссия"),
        ("4", "Передача бюллетеней", "за 1 день до голосования", "ИКМО"),
    ]


def test_colspan_section_rows() -> None:
    t = table(
        [
            HEAD,
            [Cell("I. ИЗБИРАТЕЛЬНЫЕ УЧАСТКИ", row=1, col=0, colspan=4)],
            ["1", "Образование избирательных участков", "до 15.07", "Глава района"],
            [Cell("Избирательные комиссии", row=3, col=0, colspan=4)],
            ["2", "Формирование УИК", "до 01.08", "ТИК"],
        ],
        n_cols=4,
    )
    rows = read(t).rows
    assert [(r.item_no, r.section) for r in rows] == [
        ("1", "ИЗБИРАТЕЛЬНЫЕ УЧАСТКИ"),
        ("2", "Избирательные комиссии"),
    ]


def test_section_as_only_nonempty_cell() -> None:
    rows = read(
        table(
            [
                HEAD,
                ["", "Финансирование выборов", "", ""],
                ["1", "Открытие счета", "в течение 3 дней", "Кредитная организация"],
            ]
        )
    ).rows
    assert len(rows) == 1 and rows[0].section == "Финансирование выборов"


def test_continuation_tables_and_paragraph_headings_between() -> None:
    first = table([HEAD, ["1", "Первое", "до 01.07", "ТИК"], ["2", "Второе", "до 02.07", "ТИК"]])
    cont = table([["3", "Третье", "до 03.07", "УИК"]])
    cont2 = table([["4", "Четвертое", "постоянно", "УИК"]])
    lay = read(
        first, Paragraph("- 2 -"), cont, Paragraph("Статус кандидатов"), cont2, Paragraph("Прим.")
    )
    assert [r.item_no for r in lay.rows] == ["1", "2", "3", "4"]
    assert [r.section for r in lay.rows] == [None, None, None, "Статус кандидатов"]
    assert lay.footer == ["Прим."]


def test_a_running_header_between_table_parts_is_no_section() -> None:
    running = "Приложение к решению ТИК от 17.06.2036 № 58/341"
    first = table([HEAD, ["1", "Первое", "до 01.07", "ТИК"]])
    cont = table([["2", "Второе", "до 02.07", "ТИК"]])
    cont2 = table([["3", "Третье", "до 03.07", "УИК"]])
    lay = read(
        Paragraph(running), first, Paragraph(running), cont, Paragraph("Статус кандидатов"), cont2
    )
    assert [r.section for r in lay.rows] == [None, None, "Статус кандидатов"]
    assert lay.header == [running]


def test_a_two_level_header_is_no_item() -> None:
    top = [
        Cell("№ п/п", 0, 0, rowspan=2),
        Cell("Мероприятие", 0, 1, rowspan=2),
        Cell("Срок", 0, 2, colspan=2),
        Cell("Исполнители", 0, 4, colspan=2),
    ]
    sub = [
        Cell("начало", 1, 2),
        Cell("окончание", 1, 3),
        Cell("ответственный", 1, 4),
        Cell("соисполнители", 1, 5),
    ]
    row = [
        Cell(t, 2, c) for c, t in enumerate(["1", "Прием", "с 1 июля", "по 5 июля", "ТИК", "УИК"])
    ]
    lay = read(Table(rows=[top, sub, row], n_cols=6))
    assert [(r.item_no, r.deadline, r.executor) for r in lay.rows] == [
        ("1", "с 1 июля по 5 июля", "ТИК\nУИК")
    ]  # fmt: skip


def test_numbers_and_lettered_sub_items_inside_the_action_column() -> None:
    head = ["Наименование мероприятия", "Срок проведения", "Ответственные"]
    lay = read(
        table(
            [
                head,
                ["3. Формирование нового состава МИК", "II полугодие", "ТИК"],
                ["а) опубликование сообщения", "август", "ТИК"],
                ["б) прием предложений", "сентябрь", "ТИК, МИК"],
                ["4. Обучение членов МИК", "ноябрь", "ТИК"],
            ]
        )
    )
    assert [(r.item_no, r.action) for r in lay.rows] == [
        ("3", "Формирование нового состава МИК"),
        ("3.а", "опубликование сообщения"),
        ("3.б", "прием предложений"),
        ("4", "Обучение членов МИК"),
    ]


def test_table_of_another_width_is_not_a_continuation() -> None:
    plan = table([HEAD, ["1", "Первое", "до 01.07", "ТИК"]])
    sign = table([["Председатель", "", "И.И. Иванов"]])
    lay = read(plan, sign)
    assert len(lay.rows) == 1
    assert lay.footer == ["Председатель", "И.И. Иванов"]


def test_repeated_header_and_column_number_rows_dropped() -> None:
    rows = read(
        table(
            [
                HEAD,
                ["1", "2", "3", "4"],
                ["1", "Первое", "до 01.07", "ТИК"],
                HEAD,
                ["1", "2", "3", "4"],
                ["2", "Второе", "до 02.07", "ТИК"],
            ]
        )
    ).rows
    assert [r.action for r in rows] == ["Первое", "Второе"]


def test_unnumbered_item_versus_continuation() -> None:
    rows = read(
        table(
            [
                HEAD,
                ["6.", "Проработка правовых вопросов", "постоянно", "Рабочая группа"],
                ["", "Размещение материалов на сайте", "постоянно", "Общественная палата"],
                ["7.", "Прием документов от кандидатов,", "с 10.07", "ТИК"],
                ["", "выдвинутых избирательными объединениями", "по 20.07", "УИК"],
                ["", "", "", "Глава поселения"],
            ]
        )
    ).rows
    assert [(r.item_no, r.action) for r in rows] == [
        ("6", "Проработка правовых вопросов"),
        (None, "Размещение материалов на сайте"),
        ("7", "Прием документов от кандидатов, выдвинутых избирательными объединениями"),
    ]
    assert rows[2].deadline == "с 10.07 по 20.07"
    assert rows[2].executor == "ТИК\nУИК\nГлава поселения"


def test_basis_column_kept_apart_and_extra_ignored() -> None:
    rows = read(
        table(
            [
                [
                    "№ п/п",
                    "Мероприятие",
                    "Срок",
                    "Правовое основание",
                    "Исполнитель",
                    "Отметка о выполнении",
                ],
                [
                    "1",
                    "Выдвижение кандидатов",
                    "не ранее 24.06",
                    "ч. 1 ст. 18 Закона",
                    "Граждане",
                    "выполнено",
                ],
                ["2", "Регистрация", "в течение 10 дней", "(ч. 5 ст. 28)", "ТИК", ""],
                ["3", "Публикация", "", "ст. 30", "ТИК", ""],
            ]
        )
    ).rows
    assert [r.deadline for r in rows] == ["не ранее 24.06", "в течение 10 дней", ""]
    assert [r.basis for r in rows] == ["ч. 1 ст. 18 Закона", "(ч. 5 ст. 28)", "ст. 30"]
    assert rows[0].executor == "Граждане"


def test_rowspan_executor_is_shared() -> None:
    t = table(
        [
            HEAD,
            [
                Cell("1", 1, 0),
                Cell("Первое", 1, 1),
                Cell("до 01.07", 1, 2),
                Cell("Территориальная комиссия", 1, 3, rowspan=2),
            ],
            [Cell("2", 2, 0), Cell("Второе", 2, 1), Cell("до 02.07", 2, 2)],
            [Cell("3", 3, 0), Cell("Третье", 3, 1), Cell("до 03.07", 3, 2), Cell("УИК", 3, 3)],
        ],
        n_cols=4,
    )
    assert [r.executor for r in read(t).rows] == [
        "Территориальная комиссия",
        "Территориальная комиссия",
        "УИК",
    ]


def test_header_less_table_by_content() -> None:
    t = table(
        [
            [
                "1.",
                "Опубликование списка избирательных участков",
                "Не позднее 29.07.2019",
                "Глава администрации",
            ],
            [
                "2.",
                "Составление списков избирателей",
                "Не позднее 27.08.2019",
                "Территориальная комиссия",
            ],
            ["3.", "Передача списков", "Не позднее 28.08.2019", "Территориальная комиссия"],
        ]
    )
    assert infer_roles(t.texts(), 4) == {
        "item_no": [0],
        "deadline": [2],
        "executor": [3],
        "action": [1],
    }
    rows = read(Paragraph("План"), t).rows
    assert [r.item_no for r in rows] == ["1", "2", "3"]
    assert rows[1].deadline == "Не позднее 27.08.2019"


def test_non_plan_table_is_header_material() -> None:
    approve = table([["", "УТВЕРЖДАЮ\nПредседатель комиссии\n______ А.Б. Петров"]])
    plan = table([HEAD, ["1", "Первое", "до 01.07", "ТИК"]])
    lay = read(approve, Paragraph("План работы"), plan)
    assert lay.header == ["УТВЕРЖДАЮ", "Председатель комиссии", "______ А.Б. Петров", "План работы"]
    assert len(lay.rows) == 1


def test_numbered_section_rows_with_sub_items() -> None:
    rows = read(
        table(
            [
                HEAD,
                ["1.", "Общие положения", "", ""],
                ["1.1.", "Назначение выборов", "до 20.06", "Совет депутатов"],
                ["1.2.", "Опубликование решения", "в течение 5 дней", "Совет депутатов"],
                ["2.", "Отчет о расходах", "до 01.12", "ТИК"],
            ]
        )
    ).rows
    assert [(r.item_no, r.section) for r in rows] == [
        ("1.1", "Общие положения"),
        ("1.2", "Общие положения"),
        ("2", None),
    ]


def test_confidence_and_page_provenance() -> None:
    t = table(
        [
            HEAD,
            [
                Cell("1", 1, 0, page=2, confidence=91.0),
                Cell("Первое", 1, 1, page=2, confidence=72.5),
                Cell("до 01.07", 1, 2, page=2),
                Cell("ТИК", 1, 3, page=2, confidence=88.0),
            ],
        ],
        n_cols=4,
    )
    (row,) = read(t).rows
    assert row.page == 2 and row.confidence == 72.5


def test_html_markup_and_whitespace_in_cells() -> None:
    rows = read(
        table(
            [
                HEAD,
                ["1.", "<p>Формирование групп:</p> <ul> - первая;  - вторая. ", "июль", " ТИК "],
            ]
        )
    ).rows
    assert rows[0].action == "Формирование групп: - первая; - вторая."
    assert rows[0].executor == "ТИК"


def test_executor_lines_are_kept_for_the_executor_parser() -> None:
    rows = read(
        table([HEAD, ["1", "Первое", "до 01.07", "Глава администрации\nсельского поселения\nТИК"]])
    ).rows
    assert rows[0].executor == "Глава администрации\nсельского поселения\nТИК"
    assert split_executors(rows[0].executor) == ["Глава администрации сельского поселения", "ТИК"]


def test_no_plan_table_falls_back_to_flattened_text() -> None:
    lay = read(
        Paragraph("План"),
        Paragraph("1 Составление списка избирателей Не позднее 27.08.2019 г."),
        Paragraph("Территориальная комиссия"),
    )
    assert [(r.item_no, r.deadline, r.executor) for r in lay.rows] == [
        ("1", "Не позднее 27.08.2019 г.", "Территориальная комиссия")
    ]


# --- the tab-separated sample through the Table route -----------------------------------


def _sample_000() -> list[Block]:
    text = (SAMPLES / "000_d1ca76bf053992ad.txt").read_text(encoding="utf-8")
    return [Paragraph(line, page=1) for line in text.split("\n")]


def test_tab_runs_become_tables() -> None:
    blocks = tables_from_tabs(_sample_000())
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) >= 1 and all(t.n_cols == 4 for t in tables)
    assert sum(len(t.rows) for t in tables) == 33  # header row + 32 rows


@pytest.mark.parametrize("prebuilt", [False, True])
def test_sample_000_table_route(prebuilt: bool) -> None:
    blocks = _sample_000()
    if prebuilt:  # as the text extractor delivers it
        blocks = tables_from_tabs(blocks)
    lay = read(*blocks)
    assert lay.header[0] == "УТВЕРЖДАЮ"
    assert lay.header[-2:] == ["ПЛАН", "работы общественного штаба по наблюдению за выборами"]
    assert len(lay.rows) == 32
    nos = [r.item_no for r in lay.rows]
    assert nos[:8] == ["1", "2", "3", "4", "5", "6", None, "7"]
    assert nos[-1] == "31"
    unnumbered = lay.rows[6]
    assert unnumbered.action.startswith("Размещение и наполнение материалами")
    assert unnumbered.deadline == "постоянно"
    row20 = lay.rows[20]
    assert row20.item_no == "20" and row20.deadline == ""
    assert row20.executor == "Общественный штаб по наблюдению за выборами"
    row9 = lay.rows[9]
    assert row9.action.startswith(
        "Формирование групп общественного штаба по наблюдению за выборами: -"
    )
    assert "<" not in row9.action and row9.action.endswith("корпуса наблюдателей.")
    assert lay.rows[0].executor == 'Белоглазов А.С. КГКУ "Аппарат Общественной палаты края"'
    assert all(r.section is None for r in lay.rows)
    assert all(r.page == 1 for r in lay.rows)


def test_narrower_continuation_table_with_numbers_continues() -> None:
    first = table([HEAD, ["1", "Первое", "до 01.07", "ТИК"]])
    cont = table([["2", "Второе", "до 02.07"], ["3", "Третье", "постоянно"]])  # no executors
    sign = table([["Председатель", "", "И.И. Иванов"]])
    lay = read(first, cont, sign)
    assert [(r.item_no, r.deadline, r.executor) for r in lay.rows] == [
        ("1", "до 01.07", "ТИК"),
        ("2", "до 02.07", ""),
        ("3", "постоянно", ""),
    ]
    assert lay.footer == ["Председатель", "И.И. Иванов"]


def test_signature_row_after_the_last_item_goes_to_the_footer() -> None:
    layout = read(
        table(
            [
                HEAD,
                ["1", "Первое", "до 01.07", "ТИК"],
                ["", "Секретарь комиссии", "А.В. Петрова", ""],
            ]
        )
    )
    assert [r.item_no for r in layout.rows] == ["1"]
    assert layout.footer == ["Секретарь комиссии А.В. Петрова"]


def test_a_header_split_over_two_rows_by_a_page_break_is_dropped() -> None:
    head = ["№\nп/п", "Содержание мероприятия", "Срок исполнения", "Ответственные\nисполнители"]
    lay = read(
        table(
            [
                head,
                ["1.", "Опубликование списка участков", "Не позднее 29.07.2019", "Глава"],
                ["№", "Содержание мероприятия", "Срок исполнения", "Ответственные"],
                ["п/п", "", "", "исполнители"],
                ["2.", "Составление списка", "не позднее 27.08.2019", "ТИК"],
            ]
        )
    )
    assert [(r.item_no, r.executor) for r in lay.rows] == [("1", "Глава"), ("2", "ТИК")]


def test_a_numbered_lead_in_among_flat_items_stays_an_item() -> None:
    from parsers.cells import numbered_sections
    from parsers.row import PlanRow

    def row(no: str, action: str, deadline: str = "", executor: str = "") -> PlanRow:
        return PlanRow(no, "Выдвижение", action, deadline, executor)

    flat = [
        row("9", "Опубликование перечня", "не позднее 10.06", "ТИК"),
        row("10", "Выдвижение кандидатов:"),
        row("10.1", "в порядке самовыдвижения", "с 12.06 по 01.07", "Граждане"),
        row("11", "Регистрация кандидатов", "в течение 10 дней", "ТИК"),
    ]
    assert [r.item_no for r in numbered_sections(flat)] == ["9", "10", "10.1", "11"]
    outline = [
        row("1", "Общие мероприятия"),
        row("1.1", "Назначение выборов", "до 20.06", "Совет"),
        row("2", "Списки избирателей"),
        row("2.1", "Составление списков", "до 27.08", "ТИК"),
    ]
    got = numbered_sections(outline)
    assert [(r.item_no, r.section) for r in got] == [
        ("1.1", "Общие мероприятия"),
        ("2.1", "Списки избирателей"),
    ]
