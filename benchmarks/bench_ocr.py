"""OCR benchmark: speed (pages/s per core, tesseract's share of wall time) and accuracy of
the scanned samples against their gold files.

    python benchmarks/bench_ocr.py [--scans DIR] [--workers N] [--pages N] [--accuracy]

The scans come from ``samples/make_scans.py`` (made into ``--scans`` when missing). Speed is
measured on the first ``--pages`` pages of every scan; accuracy runs the whole OCR path
(``extractors.ocr`` → ``parsers.rows.read_plan_rows`` → the cell parsers) and compares the
rows to ``tests/gold/<stem>.json``:

* row recall — gold items found (by item number, else by order and action similarity);
* action similarity — difflib ratio after whitespace normalisation, share of rows ≥ 0.9;
* deadline window — share of gold items whose parsed window (start, end) is exact.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors import ocr  # noqa: E402
from extractors.base import ExtractOptions  # noqa: E402
from schemas import Anchors, RawDocument  # noqa: E402

_WS = re.compile(r"\s+")


def ws(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def ratio(a: str, b: str) -> float:
    a, b = ws(a), ws(b)
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def ensure_scans(scans: Path) -> list[Path]:
    found = sorted(scans.glob("*.scan.pdf"))
    if not found:
        subprocess.run(
            [sys.executable, str(ROOT / "samples" / "make_scans.py"), "--out", str(scans)],
            check=True,
        )
        found = sorted(scans.glob("*.scan.pdf"))
    return found


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


# --- speed ------------------------------------------------------------------------------------


def bench_speed(files: list[Path], workers: int, max_pages: int) -> dict[str, float]:
    options = ExtractOptions(extra={"ocr_workers": workers})
    # Warm-up: engines, language model, morphology.
    first = files[0].read_bytes()
    ocr.ocr_pdf_pages(first, [1], options)
    ocr.stats(reset=True)
    pages = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for f in files:
        data = f.read_bytes()
        wanted = list(range(1, min(page_count(data), max_pages) + 1))
        ocr.ocr_pdf_pages(data, wanted, options)
        pages += len(wanted)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    st = ocr.stats(reset=True)
    return {
        "pages": pages,
        "workers": workers,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "pages_per_s": round(pages / wall, 3),
        "pages_per_s_per_core": round(pages / wall / workers, 3),
        "pages_per_cpu_s": round(pages / cpu, 3) if cpu else 0.0,
        "tesseract_share_of_wall": round(st.tesseract / (wall * workers), 3),
        "tesseract_share_of_cpu": round(st.tesseract_cpu / cpu, 3) if cpu else 0.0,
        "geometry_share_of_cpu": round(st.geometry_cpu / cpu, 3) if cpu else 0.0,
        "cells": st.cells,
        "empty_cells": st.empty_cells,
    }


# --- accuracy ---------------------------------------------------------------------------------


@dataclass
class Row:
    item_no: str | None
    action: str
    deadline: str
    executor: str
    confidence: float | None


def read_rows(raw: RawDocument) -> list[Row]:
    """The plan rows via the project's row reader, OCR fixes applied per column."""
    from parsers.ocr_fix import fix_ocr_text
    from parsers.rows import read_plan_rows

    layout = read_plan_rows(raw)
    out = []
    for r in layout.rows:
        conf = r.confidence
        fix = (lambda t, role: fix_ocr_text(t, role)) if conf is not None else (lambda t, _: t)
        out.append(
            Row(
                item_no=fix(r.item_no, "item_no") if r.item_no else None,
                action=ws(fix(r.action, "action")),
                deadline=ws(fix(r.deadline, "deadline")),
                executor=fix(r.executor, "executor"),
                confidence=conf,
            )
        )
    return out


def match(gold: list[dict[str, Any]], rows: list[Row]) -> list[Row | None]:
    """Each gold item's row: same item number, else the next row in order whose action is
    similar enough."""
    by_no: dict[str, list[Row]] = {}
    for r in rows:
        if r.item_no:
            by_no.setdefault(r.item_no.rstrip("."), []).append(r)
    out: list[Row | None] = []
    used: set[int] = set()
    pos = 0
    for g in gold:
        found: Row | None = None
        no = (g.get("item_no") or "").rstrip(".")
        if no and by_no.get(no):
            cands = [r for r in by_no[no] if id(r) not in used]
            if cands:
                found = max(cands, key=lambda r: ratio(r.action, g["action"]))
        if found is None:
            best = None
            for i in range(pos, min(len(rows), pos + 6)):
                if id(rows[i]) in used:
                    continue
                score = ratio(rows[i].action, g["action"])
                if score >= 0.6 and (best is None or score > best[0]):
                    best = (score, i)
            if best is not None:
                found = rows[best[1]]
        if found is not None:
            used.add(id(found))
            pos = rows.index(found) + 1
        out.append(found)
    return out


def window(text: str, anchors: Anchors) -> tuple[date | None, date | None]:
    from parsers.deadlines import parse_deadline

    d = parse_deadline(text, anchors)
    return d.start, d.end


def anchors_of(doc: dict[str, Any]) -> Anchors:
    def day(v: Any) -> date | None:
        return date.fromisoformat(v) if v else None

    return Anchors(
        publication=day(doc.get("publication_date")),
        voting_day=day(doc.get("voting_day")),
        approval=day(doc.get("act_date")),
        year=doc.get("year"),
    )


def bench_accuracy(files: list[Path], workers: int, verbose: bool) -> dict[str, Any]:
    options = ExtractOptions(extra={"ocr_workers": workers})
    report: dict[str, Any] = {}
    for f in files:
        stem = f.name[: -len(".scan.pdf")]
        gold_path = ROOT / "tests" / "gold" / f"{stem}.json"
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        data = f.read_bytes()
        t0 = time.perf_counter()
        blocks = ocr.ocr_pdf_pages(data, list(range(1, page_count(data) + 1)), options)
        seconds = time.perf_counter() - t0
        raw = RawDocument(source=str(f), format="pdf", method="ocr", blocks=blocks,
                          pages=page_count(data))  # fmt: skip
        rows = read_rows(raw)
        items = gold["items"]
        matched = match(items, rows)
        anchors = anchors_of(gold["document"])
        found = [(g, r) for g, r in zip(items, matched, strict=True) if r is not None]
        sims = [ratio(r.action, g["action"]) for g, r in found]
        dl_text = [ratio(r.deadline, g.get("deadline_text", "")) for g, r in found]
        exact = 0
        exact_vs_text = 0
        misses: list[tuple[object, ...]] = []
        for g, r in zip(items, matched, strict=True):
            if r is None:
                misses.append(("MISSING", g.get("item_no"), g["action"][:60]))
                continue
            got = window(r.deadline, anchors)
            want = (
                date.fromisoformat(g["deadline_start"]) if g.get("deadline_start") else None,
                date.fromisoformat(g["deadline_end"]) if g.get("deadline_end") else None,
            )
            if got == want:
                exact += 1
            if got == window(g.get("deadline_text", ""), anchors):
                exact_vs_text += 1
            else:
                misses.append(("DEADLINE", g.get("item_no"), r.deadline, g.get("deadline_text")))
        for (g, r), s in zip(found, sims, strict=True):
            if s < 0.9:
                misses.append(("ACTION", g.get("item_no"), round(s, 3), r.action, g["action"]))
        n = len(items)
        report[stem] = {
            "gold_items": n,
            "rows_read": len(rows),
            "row_recall": round(len(found) / n, 4),
            "action_sim_ge_0.9": round(sum(s >= 0.9 for s in sims) / n, 4),
            "action_sim_mean": round(sum(sims) / len(sims), 4) if sims else 0.0,
            "deadline_text_sim_mean": round(sum(dl_text) / len(dl_text), 4) if dl_text else 0.0,
            "window_exact_vs_gold": round(exact / n, 4),
            "window_same_as_typed_text": round(exact_vs_text / n, 4),
            "low_conf_rows": sum(1 for r in rows if r.confidence is not None and r.confidence < 60),
            "seconds": round(seconds, 1),
        }
        if verbose:
            for m in misses:
                print(stem, *m, sep=" | ")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=Path, default=ROOT / "samples" / "scanned")
    ap.add_argument("--workers", type=int, default=ocr.workers(ExtractOptions()))
    ap.add_argument("--pages", type=int, default=6, help="pages per scan for the speed run")
    ap.add_argument("--accuracy", action="store_true", help="also score against the gold")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = ap.parse_args(argv)
    files = ensure_scans(args.scans)
    out: dict[str, Any] = {}
    if not args.no_speed:
        out["speed"] = bench_speed(files, args.workers, args.pages)
    if args.accuracy:
        out["accuracy"] = bench_accuracy(files, args.workers, args.verbose)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
