"""``kalplan eval``: score the datasets field by field against gold annotations.

A gold file (CONTRACT "Gold files") scores every document whose source has the gold
source's stem (``samples/x.txt`` scores ``x.docx``, ``x.pdf``, ``x.scan.pdf`` …). Items
match by ``item_no`` where both have one, else by order and action similarity. A field
left out of a gold item is not scored.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pipeline.store import DatasetStore

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "ё": "е"})
EXACT_ITEM_FIELDS = (
    "section",
    "deadline_kind",
    "deadline_start",
    "deadline_end",
    "deadline_start_time",
    "deadline_end_time",
    "offset_days",
    "recurrence",
)
ANCHOR_KEYS = ("publication", "voting_day")
DOC_FIELDS = (
    "kind",
    "publication_date",
    "voting_day",
    "year",
    "act_date",
    "act_number",
    "approved_by",
    "issuer",
    "title",
)
SIMILAR_DOC_FIELDS = ("issuer", "title", "approved_by")


def norm(text: Any) -> str:
    """Comparison form: case, quotes, ё and whitespace folded."""
    if text is None:
        return ""
    return _WS.sub(" ", str(text).translate(_QUOTES).lower()).strip(" .")


def similarity(a: Any, b: Any) -> float:
    a, b = norm(a), norm(b)
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Scores:
    """Per document (source) → field → (hits, total)."""

    table: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def add(self, doc: str, name: str, hit: float, total: float = 1.0) -> None:
        cell = self.table.setdefault(doc, {}).setdefault(name, [0.0, 0.0])
        cell[0] += hit
        cell[1] += total

    def field_score(self, name: str) -> float | None:
        hits = sum(d[name][0] for d in self.table.values() if name in d)
        total = sum(d[name][1] for d in self.table.values() if name in d)
        return hits / total if total else None

    def fields(self) -> list[str]:
        seen: dict[str, None] = {}
        for d in self.table.values():
            seen.update(dict.fromkeys(d))
        return list(seen)

    def overall(self) -> float:
        values = [v for f in self.fields() if (v := self.field_score(f)) is not None]
        return sum(values) / len(values) if values else 0.0


def load_gold(paths: list[str]) -> list[dict[str, Any]]:
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def stem(source: str) -> str:
    name = os.path.basename(source.split("!")[-1])
    return name.split(".")[0]


def evaluate(gold_paths: list[str], out: str) -> Scores:
    """Scores of every output document that a gold file covers."""
    store = DatasetStore(out)
    docs = store.read("documents").to_pylist()
    items_by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.read("items").to_pylist():
        items_by_doc[row["doc_id"]].append(row)
    scores = Scores()
    for gold in load_gold(gold_paths):
        matched = [d for d in docs if stem(d["source"]) == stem(gold["source"])]
        if not matched:
            scores.add(gold["source"], "documents_found", 0.0)
        for doc in matched:
            rows = sorted(items_by_doc[doc["doc_id"]], key=lambda r: r["ordinal"])
            _score_document(scores, doc["source"], gold, doc, rows)
    return scores


def _score_document(
    scores: Scores, name: str, gold: dict[str, Any], doc: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    scores.add(name, "documents_found", 1.0)
    for key in DOC_FIELDS:
        if key in gold.get("document", {}):
            want, got = gold["document"][key], doc.get(key)
            if key in SIMILAR_DOC_FIELDS and want and got:
                scores.add(name, f"doc.{key}", float(similarity(want, got) >= 0.9))
            else:
                scores.add(name, f"doc.{key}", float(_value(want) == _value(got)))
    if "definitions" in gold.get("document", {}):
        want_terms = Counter(norm(d["term"]) for d in gold["document"]["definitions"])
        got_terms = Counter(norm(d["term"]) for d in doc.get("definitions") or [])
        _f1(scores, name, "doc.definitions_f1", want_terms, got_terms)
    pairs = match_items(gold["items"], rows)
    scores.add(name, "rows_recall", len(pairs), len(gold["items"]))
    scores.add(name, "rows_precision", len(pairs), max(len(rows), 1) if rows else 0)
    for g, r in pairs:
        _score_item(scores, name, g, r)


def _value(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return norm(v)
    return v


def _score_item(scores: Scores, name: str, g: dict[str, Any], r: dict[str, Any]) -> None:
    if "action" in g:
        sim = similarity(g["action"], r["action"])
        scores.add(name, "action_sim", sim)
        scores.add(name, "action_sim>=0.9", float(sim >= 0.9))
    if "deadline_text" in g:
        scores.add(name, "deadline_text_sim", similarity(g["deadline_text"], r["deadline_text"]))
    for key in EXACT_ITEM_FIELDS:
        if key in g:
            scores.add(name, key, float(_value(g[key]) == _value(r.get(key))))
    if "anchor" in g:
        scores.add(name, "anchor", float(same_anchor(g["anchor"], r.get("anchor"))))
    if {"deadline_kind", "deadline_start", "deadline_end"} <= g.keys():
        window = all(
            _value(g[k]) == _value(r.get(k))
            for k in ("deadline_kind", "deadline_start", "deadline_end")
        )
        scores.add(name, "deadline_window", float(window))
    if "executors" in g:
        _f1(
            scores,
            name,
            "executors_f1",
            Counter(map(norm, g["executors"])),
            Counter(map(norm, r.get("executors") or [])),
        )
    if "legal_refs" in g:
        _refs_f1(scores, name, g["legal_refs"], r.get("legal_refs") or [])


def same_anchor(want: str | None, got: str | None) -> bool:
    """Anchor keys match exactly; a free-text event matches when it names the same event:
    similar text, or one wording extends the other ("заседания" / "заседания, на котором …").
    """
    if want is None or got is None or want in ANCHOR_KEYS or got in ANCHOR_KEYS:
        return want == got
    a, b = norm(want), norm(got)
    return similarity(a, b) >= 0.8 or a.startswith(b) or b.startswith(a)


def _f1(scores: Scores, name: str, key: str, want: Counter[str], got: Counter[str]) -> None:
    """Micro F1 accumulated as (2·tp, |want| + |got|)."""
    tp = sum((want & got).values())
    total = sum(want.values()) + sum(got.values())
    if total:
        scores.add(name, key, 2.0 * tp, float(total))


def _ref_key(ref: dict[str, Any]) -> tuple[str, ...]:
    return tuple(norm(ref.get(k)) for k in ("article", "part", "point", "subpoint"))


def _refs_f1(
    scores: Scores, name: str, want: list[dict[str, Any]], got: list[dict[str, Any]]
) -> None:
    """A reference matches when its numbers agree and its act is ≥ 0.85 similar."""
    free = list(got)
    tp = 0
    for w in want:
        for i, g in enumerate(free):
            if _ref_key(w) == _ref_key(g) and similarity(w.get("act"), g.get("act")) >= 0.85:
                tp += 1
                del free[i]
                break
    total = len(want) + len(got)
    if total:
        scores.add(name, "legal_refs_f1", 2.0 * tp, float(total))


def match_items(
    gold: list[dict[str, Any]], rows: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs (gold item, output row): by item_no, then in order by action similarity."""
    by_no: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r.get("item_no"):
            by_no[norm(r["item_no"])].append(r)
    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    unmatched: list[dict[str, Any]] = []
    for g in gold:
        cands = [r for r in by_no.get(norm(g.get("item_no")), []) if id(r) not in used]
        if g.get("item_no") and cands:
            best = max(cands, key=lambda r: similarity(g.get("action"), r["action"]))
            used.add(id(best))
            pairs.append((g, best))
        else:
            unmatched.append(g)
    rest = [r for r in rows if id(r) not in used]
    for g in unmatched:
        scored = [(similarity(g.get("action"), r["action"]), r) for r in rest if id(r) not in used]
        if scored:
            sim, best = max(scored, key=lambda t: t[0])
            if sim >= 0.6:
                used.add(id(best))
                pairs.append((g, best))
    return pairs


def print_scores(scores: Scores) -> None:
    """A per-field table (columns: documents by format) and, last, ``overall:``."""
    docs = sorted(scores.table)
    labels = [_label(d) for d in docs]
    width = max([len(f) for f in scores.fields()] + [5])
    print(f"{'field':<{width}}  " + "  ".join(f"{lab:>12}" for lab in labels) + f"  {'all':>7}")
    for f in scores.fields():
        cells = []
        for d in docs:
            cell = scores.table[d].get(f)
            cells.append(f"{cell[0] / cell[1]:>12.3f}" if cell and cell[1] else f"{'-':>12}")
        total = scores.field_score(f)
        print(f"{f:<{width}}  " + "  ".join(cells) + f"  {total if total is not None else 0:>7.3f}")
    print(f"overall: {scores.overall():.4f}")


def _label(source: str) -> str:
    base = os.path.basename(source.split("!")[-1])
    head = base.split(".")[0][:3]
    ext = ".".join(base.split(".")[1:])
    return f"{head}.{ext}"[:12]
