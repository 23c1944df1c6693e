"""The seed plans rendered by ``samples/render.py`` round-trip through the extractors:
every gold item's action and deadline come back as neighbouring cells of one table row."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from extractors import extract
from extractors.textutil import normalize_ws

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "gold"
STEMS = sorted(p.stem for p in GOLD.glob("*.json") if (SAMPLES / f"{p.stem}.txt").exists())
CASES = [
    pytest.param(stem, ext, marks=[pytest.mark.slow] if ext == "rtf" else [])
    for stem in STEMS
    for ext in ("docx", "pdf", "html", "rtf")
]


def _render_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kalplan_render", SAMPLES / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("stem", "ext"), CASES)
def test_rendering_round_trips(stem: str, ext: str) -> None:
    path = SAMPLES / f"{stem}.{ext}"
    if not path.exists():
        pytest.skip(f"{path.name} not rendered (run samples/render.py)")
    if ext == "rtf":
        from tests.conftest_extractors import soffice_or_skip

        soffice_or_skip()
    data = path.read_bytes()
    assert len(data) < 300 * 1024
    raw = extract(path.name, data)
    assert raw.format == ext
    rows = [[normalize_ws(c.text) for c in row] for t in raw.tables for row in t.rows]
    items = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))["items"]
    missing = []
    for item in items:
        action, deadline = normalize_ws(item["action"]), normalize_ws(item["deadline_text"] or "")
        if not any(
            action in r and r.index(action) + 1 < len(r) and r[r.index(action) + 1] == deadline
            for r in rows
        ):
            missing.append(item["item_no"])
    assert missing == []
    # executors come back one per line in the executor cell
    by_action = {r[1]: r for r in rows if len(r) == 4}
    for item in items:
        row = by_action.get(normalize_ws(item["action"]))
        if row is not None and ext != "pdf":  # PDF cells also break lines inside names
            assert row[3] == normalize_ws(" ".join(item["executors"]))


@pytest.mark.skipif(not STEMS, reason="no gold files")
def test_renderer_is_deterministic_and_keeps_header() -> None:
    render = _render_module()
    plan = render.load_plan(STEMS[0])
    assert render.render_docx(plan) == render.render_docx(plan)
    assert render.render_html(plan, "utf-8") == render.render_html(plan, "utf-8")
    raw = extract("x.docx", render.render_docx(plan))
    assert [p.text for p in raw.paragraphs] == plan.header_lines
    assert raw.tables[0].texts()[0] == list(plan.columns)


def test_split_deadline() -> None:
    render = _render_module()
    assert render.split_deadline("Не позднее 27.08.2019 г. (ч. 10 ст. 7 закона)") == [
        "Не позднее 27.08.2019 г.",
        "(ч. 10 ст. 7 закона)",
    ]
    assert render.split_deadline("(ч. 4 ст. 17 закона)") == ["(ч. 4 ст. 17 закона)"]
    assert render.split_deadline("постоянно") == ["постоянно"]
