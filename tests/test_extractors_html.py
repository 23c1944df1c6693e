"""HTML backend: spans, line breaks, site chrome, encodings, layout tables."""

from __future__ import annotations

import pytest

from extractors import extract
from schemas import Paragraph

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Сайт комиссии</title><style>td {{ border: 1px }}</style>
<script>document.write("<p>скрипт</p>")</script></head>
<body>
<header><a href="/">Логотип</a> Избирательная комиссия</header>
<nav><a href="/news">Новости</a> <a href="/docs">Документы</a></nav>
<div id="top-menu"><a href="/1">Раз</a><a href="/2">Два</a></div>
<ul><li><a href="/a">Главная</a></li><li><a href="/b">Выборы</a></li>
<li><a href="/c">Архив</a></li></ul>
<table><tr><td><a href="/x">Меню 1</a></td><td><a href="/y">Меню 2</a></td></tr>
<tr><td><a href="/z">Меню 3</a></td><td><a href="/w">Меню 4</a></td></tr></table>
<div class="content">
<p>УТВЕРЖДАЮ<br>Председатель комиссии</p>
<h1>Календарный план мероприятий</h1>
<table border="1">
<thead><tr><th>№</th><th>Мероприятие</th><th>Срок</th><th>Исполнитель</th></tr></thead>
<tbody>
<tr><td colspan="4"><b>Избирательные участки</b></td></tr>
<tr><td rowspan="2">1</td><td>Опубликование списка&nbsp;участков</td>
    <td>Не позднее 29.07.2019<br>(ч. 4 ст. 9)</td>
    <td rowspan="2"><ul><li>Глава администрации</li><li>ТИК</li></ul></td></tr>
<tr><td>&lt;p&gt;Уточнение&lt;/p&gt;&lt;ul&gt;&lt;li&gt;списка&lt;/li&gt;&lt;/ul&gt;</td><td>постоянно</td></tr>
<tr><td>2</td><td><p>Передача</p><p>списка</p></td><td>28.08.2019</td><td>УИК</td></tr>
</tbody></table>
<p>Секретарь {secret}</p>
</div>
<footer><p>© 2024 Все права защищены</p></footer>
</body></html>
"""


def _page(secret: str = "комиссии") -> str:
    return PAGE.format(secret=secret)


@pytest.mark.parametrize("encoding", ["windows-1251", "utf-8"])
def test_plan_table_and_text(encoding: str) -> None:
    html = _page()
    if encoding == "utf-8":
        html = html.replace("charset=windows-1251", "charset=utf-8")
    raw = extract("plan.html", html.encode(encoding))
    assert (raw.format, raw.method) == ("html", "html")
    assert [p.text for p in raw.paragraphs] == [
        "УТВЕРЖДАЮ",
        "Председатель комиссии",
        "Календарный план мероприятий",
        "Секретарь комиссии",
    ]
    (table,) = raw.tables
    assert table.n_cols == 4
    assert table.texts() == [
        ["№", "Мероприятие", "Срок", "Исполнитель"],
        ["Избирательные участки"],
        [
            "1",
            "Опубликование списка участков",
            "Не позднее 29.07.2019\n(ч. 4 ст. 9)",
            "Глава администрации\nТИК",
        ],
        ["Уточнение\n- списка", "постоянно"],
        ["2", "Передача\nсписка", "28.08.2019", "УИК"],
    ]
    assert table.rows[1][0].colspan == 4
    assert (table.rows[2][0].rowspan, table.rows[2][3].rowspan) == (2, 2)
    assert [c.col for c in table.rows[3]] == [1, 2]  # rowspan cells appear once
    assert [b for b in raw.blocks].index(table) == 3


def test_meta_charset_wrong_but_utf8_bytes() -> None:
    raw = extract("plan.html", _page().encode("utf-8"))  # declares windows-1251
    assert raw.paragraphs[0].text == "УТВЕРЖДАЮ"


def test_no_meta_cp1251_uses_charset_detection() -> None:
    html = _page().replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', ""
    )
    raw = extract("plan.htm", html.encode("cp1251"))
    assert raw.paragraphs[-1].text == "Секретарь комиссии"


def test_layout_table_around_plan_is_unwrapped() -> None:
    inner = (
        "<table><tr><th>№</th><th>Мероприятие</th><th>Срок</th></tr>"
        + "".join(f"<tr><td>{i}</td><td>Дело {i}</td><td>март</td></tr>" for i in range(1, 6))
        + "</table>"
    )
    html = (
        "<html><body><table width='100%'><tr><td class='left'><p>Решение № 5</p></td>"
        f"<td>{inner}</td></tr></table></body></html>"
    )
    raw = extract("a.html", html.encode())
    (table,) = raw.tables
    assert len(table.rows) == 6
    assert raw.paragraphs[0].text == "Решение № 5"


def test_second_data_table_is_kept_and_menu_table_dropped() -> None:
    plan = "".join(f"<tr><td>{i}</td><td>Дело {i}</td><td>март</td></tr>" for i in range(6))
    more = "".join(f"<tr><td>{i}</td><td>Ещё {i}</td><td>май</td></tr>" for i in range(3))
    menu = "".join(
        f"<tr><td><a href='/{i}'>Раздел {i}</a></td><td><a href='/q{i}'>Ещё</a> x</td></tr>"
        for i in range(2)
    )
    html = (
        f"<html><body><table>{menu}</table><table>{plan}</table><table>{more}</table></body></html>"
    )
    raw = extract("a.html", html.encode())
    assert [len(t.rows) for t in raw.tables] == [6, 3]


def test_rowspan_zero_and_bad_spans() -> None:
    html = (
        "<table><tr><td rowspan='0'>A</td><td colspan='x'>B</td></tr>"
        "<tr><td>C</td></tr><tr><td>D</td></tr></table>"
    )
    (table,) = extract("a.html", html.encode()).tables
    assert table.rows[0][0].rowspan == 3
    assert [[c.col for c in r] for r in table.rows] == [[0, 1], [1], [1]]


def test_numbered_lists_get_the_numbers_a_browser_shows() -> None:
    page = (
        "<html><body><h3>Раздел</h3><ol start='4'><li><p>Опубликование</p>"
        "<p>Срок: до 1 марта</p></li><li value='9'>Передача</li><li>Прием</li></ol>"
        "<ul><li>пункт</li></ul></body></html>"
    )
    texts = [p.text for p in extract("a.html", page.encode()).paragraphs]
    assert texts == ["Раздел", "4. Опубликование", "Срок: до 1 марта", "9. Передача", "10. Прием",
                     "пункт"]  # fmt: skip


def test_a_table_drawn_with_div_blocks_is_a_table() -> None:
    rows = "".join(
        f'<div class="row"><div class="col-1">{n}</div><div class="col-5">Мероприятие {n}</div>'
        f'<div class="col-3">не позднее {n}.07.2030</div><div class="col-3">ТИК</div></div>'
        for n in range(1, 4)
    )
    page = (
        '<html><body><div class="plan"><div class="row"><div class="col-1">№ п/п</div>'
        '<div class="col-5">Содержание мероприятия</div><div class="col-3">Срок</div>'
        '<div class="col-3">Ответственные</div></div>'
        '<div class="row"><div class="col-12">Раздел 1</div></div>'
        f"{rows}</div></body></html>"
    )
    raw = extract("plan.html", page.encode("utf-8"))
    assert len(raw.tables) == 1
    table = raw.tables[0]
    assert table.n_cols == 4
    assert table.texts()[1] == ["Раздел 1"] and table.rows[1][0].colspan == 4
    assert table.texts()[2] == ["1", "Мероприятие 1", "не позднее 1.07.2030", "ТИК"]


def test_a_page_layout_of_blocks_is_not_a_table() -> None:
    page = (
        '<html><body><div class="row"><div class="col-8"><p>Новости</p></div>'
        '<div class="col-4"><p>Меню</p></div></div></body></html>'
    )
    assert extract("page.html", page.encode("utf-8")).tables == []


def test_a_tables_caption_is_read_before_it() -> None:
    page = (
        "<html><body><table><caption>ПЛАН работы палаты на 2048 год</caption>"
        "<tr><th>№</th><th>Мероприятие</th><th>Срок</th></tr>"
        "<tr><th scope='row'>1</th><td>Заседание</td><td>март</td></tr></table></body></html>"
    )
    raw = extract("plan.html", page.encode("utf-8"))
    assert (
        isinstance(raw.blocks[0], Paragraph)
        and raw.blocks[0].text == "ПЛАН работы палаты на 2048 год"
    )
    assert raw.tables[0].texts()[1] == ["1", "Заседание", "март"]
