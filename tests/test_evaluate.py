"""The scorer: item matching and per-field scores."""

from __future__ import annotations

from pipeline.evaluate import Scores, _score_item, match_items, norm, stem


def test_stem_covers_every_rendering():
    assert stem("samples/004_x.txt") == stem("/tmp/004_x.scan.pdf") == stem("a.zip!d/004_x.docx")


def test_norm_folds_case_quotes_and_space():
    assert norm(" Закон «О выборах»  ") == norm('закон "о выборах"')


def test_items_match_by_number_then_by_text():
    gold = [
        {"item_no": "1", "action": "Опубликование списка"},
        {"item_no": None, "action": "Размещение материалов на сайте"},
        {"item_no": "2", "action": "Составление списка"},
    ]
    rows = [
        {"item_no": "2", "action": "Составление списка", "ordinal": 2},
        {"item_no": None, "action": "Размещение материалов на сайте палаты", "ordinal": 3},
        {"item_no": "1", "action": "Опубликование списка", "ordinal": 1},
    ]
    pairs = match_items(gold, rows)
    assert [(g["action"], r["ordinal"]) for g, r in pairs] == [
        ("Опубликование списка", 1),
        ("Составление списка", 2),
        ("Размещение материалов на сайте", 3),
    ]


def test_missing_rows_and_wrong_fields_lower_the_scores():
    scores = Scores()
    g = {
        "deadline_kind": "by",
        "deadline_start": None,
        "deadline_end": "2019-09-01",
        "executors": ["ТИК", "УИК"],
        "legal_refs": [{"act": "Закон", "article": "5", "part": "1", "point": None}],
    }
    r = {
        "deadline_kind": "by",
        "deadline_start": None,
        "deadline_end": "2019-09-02",
        "executors": ["ТИК"],
        "legal_refs": [],
    }
    _score_item(scores, "d", g, r)
    assert scores.field_score("deadline_kind") == 1.0
    assert scores.field_score("deadline_end") == 0.0
    assert scores.field_score("deadline_window") == 0.0
    assert abs(scores.field_score("executors_f1") - 2 / 3) < 1e-9
    assert scores.field_score("legal_refs_f1") == 0.0
