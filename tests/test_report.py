"""The HTML report: content, self-containedness, and a headless-Chromium screenshot."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from pipeline.report import BAR, VOTING, executor_load, render, window, write_report
from tests.datasets import build_output, calendar_items, work_items


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("report")
    out = build_output(base / "out")
    target = base / "html" / "report.html"
    write_report(str(out), str(target))
    return target


def test_self_contained(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    without_ns = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:|//)", without_ns)
    assert not re.search(r"url\(\s*[\"']?(https?:|//)|@import", without_ns)
    assert "<script src" not in page and "<link" not in page


def test_both_plans_with_timelines(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count('<svg class="gantt"') == 2
    assert "Календарный план мероприятий" in page and "План работы территориальной" in page
    assert page.count(f'fill="{BAR}"') >= 7  # range and one-day bars of both plans
    assert f'stroke="{VOTING}"' in page and "20.09.2026" in page  # voting-day line
    assert "12.06.2026" in page  # publication line


def test_warnings_failures_and_load(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert "⚠ 10." in page  # the timeline row of the warned item
    assert "STATED_DATE_MISMATCH" in page and "ROW_MERGED" in page
    assert "The file is damaged and could not be opened." in page and "plans/broken.pdf" in page
    assert "Нагрузка исполнителей по месяцам" in page
    assert "Пункты без дат (3" in page


def test_escapes_markup(tmp_path: Path) -> None:
    from pipeline.store import Batch, DatasetStore
    from schemas import ItemRecord
    from tests.datasets import documents

    doc = documents()[1]
    item = ItemRecord(
        doc_id=doc.doc_id,
        ordinal=1,
        action="<script>alert(1)</script> & co",
        deadline_text="июль",
        deadline_kind="range",
        deadline_start=date(2026, 7, 1),
        deadline_end=date(2026, 7, 31),
    )
    DatasetStore(str(tmp_path)).write(Batch(documents=[doc], items=[item]))
    page = render(str(tmp_path))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_empty_output(tmp_path: Path) -> None:
    page = render(str(tmp_path))
    assert "Нет прочитанных планов" in page and "<svg" not in page


def test_windows() -> None:
    items = {i.ordinal: i.model_dump() for i in calendar_items()}
    series = window(items[6], date(2026, 12, 31))
    assert series is not None and series.kind == "recurring"
    assert series.occurrences == (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1))
    by = window(items[2])
    assert by is not None and (by.kind, by.first) == ("by", date(2026, 8, 10))
    opened = window(items[5])
    assert opened is not None and opened.kind == "from"
    assert window(items[8]) is None  # on_event without a date
    endless = dict(items[6], deadline_end=None, recurrence="FREQ=WEEKLY")
    weekly = window(endless, date(2026, 7, 31))
    assert weekly is not None and len(weekly.occurrences) == 5  # Jul 1, 8, 15, 22, 29


def test_executor_load() -> None:
    months, rows = executor_load([i.model_dump() for i in work_items()])
    assert months[0] == date(2026, 3, 1) and months[-1] == date(2026, 10, 1)
    load = dict(rows)
    tik = load["Территориальная избирательная комиссия Энского района"]
    assert tik == [1, 1, 1, 1, 0, 1, 0, 0]  # March–June training, August check


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.slow
def test_screenshot_shows_both_timelines(report: Path, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (Debian package 'chromium')")
    from PIL import Image

    shot = tmp_path / "report.png"
    width, height = 1400, 2400
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tempfile.mkdtemp()}",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            report.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.exists()
    image = Image.open(shot).convert("RGB")
    assert image.size == (width, height)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not blank
    bar = tuple(int(BAR[i : i + 2], 16) for i in (1, 3, 5))
    red = tuple(int(VOTING[i : i + 2], 16) for i in (1, 3, 5))
    pixels = image.load()
    assert pixels is not None
    bar_rows = [
        y for y in range(height) if sum(pixels[x, y] == bar for x in range(0, width, 2)) > 8
    ]
    assert len(bar_rows) > 40  # the timelines' bars are drawn
    groups = 1 + sum(1 for a, b in itertools.pairwise(bar_rows) if b - a > 150)
    assert groups == 2  # one timeline per plan, both on screen
    red_columns = [
        x for x in range(width) if sum(pixels[x, y] == red for y in range(0, height, 2)) > 40
    ]
    assert red_columns  # the voting-day line crosses the first timeline


def test_outliers_do_not_squeeze_the_timeline() -> None:
    from pipeline.report import gantt
    from tests.datasets import documents

    doc = documents()[0].model_dump()
    items = [i.model_dump() for i in calendar_items()]
    far = dict(items[1], ordinal=99, item_no="99", deadline_end=date(2029, 9, 30))
    svg = gantt(doc, [*items, far])
    assert 'class="edge"' in svg  # the far deadline is an arrow at the edge
    assert "2029" not in svg.split("<title>")[0]  # the scale stays on the campaign
    assert "30.09.2029" in svg  # its tooltip keeps the real date
    assert 'class="edge"' not in gantt(doc, items)
