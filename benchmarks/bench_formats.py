"""Per-format, per-core throughput on full-size plans: extract / parse / validate.

Renders ``--variants`` different versions of the largest seed plan (110 rows; dates,
day counts and names varied so that no cache sees the same cell twice across variants)
in every typed format — tab text, flattened text (the seed's own layout), DOCX, HTML,
and, through LibreOffice, PDF, RTF and ODT — then runs each through
``pipeline.process.process`` in this process, one core, after ``--warmup`` untimed ones
(a batch's steady state: caches warm, the resident LibreOffice up).

    .venv/bin/python benchmarks/bench_formats.py [--variants 12] [--formats txt,docx]

Prints docs/s per core and the split of a document's time into stages; writes
``benchmarks/out/bench_formats.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_batch import _render_txt, _variant, _vary_text  # noqa: E402

OUT_JSON = ROOT / "benchmarks" / "out" / "bench_formats.json"
FORMATS = ("txt", "txt-flat", "docx", "html", "pdf", "rtf", "odt")
TARGET_DOCS_PER_S = 20.0


def _largest_seed() -> Any:
    from samples.render import load_plan, stems

    return max((load_plan(s) for s in stems()), key=lambda p: len(p.items))


def render_variants(fmt: str, n: int, seed: int = 11) -> list[bytes]:
    """``n`` varied renderings of the largest seed plan in ``fmt``, all items kept.

    Each format gets variants of its own (the seed mixes in the format's name), so that
    no format is measured on cell texts an earlier one already put in the caches."""
    seed = seed * 1000 + sum(map(ord, fmt))
    from extractors.office import convert_with_libreoffice
    from samples.render import render_docx, render_html

    base = _largest_seed()
    base.items = [dict(i) for i in base.items]
    out: list[bytes] = []
    for k in range(n):
        rng = random.Random(seed * 100 + k)
        if fmt == "txt-flat":
            text = (ROOT / "samples" / f"{base.stem}.txt").read_text(encoding="utf-8")
            out.append(_vary_text(text, rng, rng.randint(-400, 400)).encode("utf-8"))
            continue
        plan = _variant(base, rng)
        plan.items = [  # _variant drops a tenth of the items: keep the plan full-size
            {**i, "item_no": str(n_)} for n_, i in enumerate(_full(base, plan), start=1)
        ]
        if fmt == "txt":
            out.append(_render_txt(plan))
        elif fmt == "html":
            out.append(render_html(plan, "utf-8"))
        else:
            docx = render_docx(plan)
            out.append(docx if fmt == "docx" else convert_with_libreoffice(docx, "docx", fmt, 180))
    return out


def _full(base: Any, varied: Any) -> list[dict[str, Any]]:
    """The varied plan's items, padded back to the base plan's length."""
    items = list(varied.items)
    return items + [dict(i) for i in base.items[len(items) :]]


def measure(fmt: str, docs: list[bytes], warmup: int = 3) -> dict[str, Any]:
    """Run every rendering through ``process`` once; time per stage.

    The first ``warmup`` renderings are not timed: a batch runs with its caches (word
    forms, phrase caches) warm, and that steady state is what is measured."""
    from pipeline.discover import InputFile
    from pipeline.process import RunOptions, process, warm_up

    warm_up()
    ext = "txt" if fmt.startswith("txt") else fmt
    stages: dict[str, float] = {}

    def clock(stage: str) -> None:
        now = time.perf_counter()
        if clock.last is not None:  # type: ignore[attr-defined]
            name, t0 = clock.last  # type: ignore[attr-defined]
            stages[name] = stages.get(name, 0.0) + now - t0
        clock.last = (stage, now)  # type: ignore[attr-defined]

    rows = 0
    warm = f"warm.{ext}"
    for data in docs[:warmup]:
        process(InputFile(warm, warm), RunOptions(isolate=False), data)
    docs = docs[warmup:]
    started = time.perf_counter()
    for k, data in enumerate(docs):
        clock.last = None  # type: ignore[attr-defined]
        name = f"plan-{k}.{ext}"
        outcome = process(InputFile(name, name), RunOptions(isolate=False), data, on_stage=clock)
        clock("end")
        if outcome.failure is not None:
            raise SystemExit(f"{fmt} variant {k} failed: {outcome.failure.error}")
        rows += len(outcome.items)
    wall = time.perf_counter() - started
    n = len(docs)
    return {
        "format": fmt,
        "documents": n,
        "rows_per_doc": rows / n,
        "ms_per_doc": 1000 * wall / n,
        "docs_per_s": n / wall,
        "stage_ms": {k: round(1000 * v / n, 1) for k, v in stages.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variants", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=3, help="untimed documents first")
    ap.add_argument("--formats", default=",".join(FORMATS))
    args = ap.parse_args(argv)
    results = []
    print(f"{'format':9} {'rows':>5} {'ms/doc':>7} {'docs/s':>7}  stages (ms/doc)")
    for fmt in args.formats.split(","):
        r = measure(fmt, render_variants(fmt, args.variants + args.warmup), args.warmup)
        results.append(r)
        split = "  ".join(f"{k} {v}" for k, v in r["stage_ms"].items())
        mark = "" if r["docs_per_s"] >= TARGET_DOCS_PER_S else "  (< 20)"
        print(
            f"{fmt:9} {r['rows_per_doc']:5.0f} {r['ms_per_doc']:7.1f} {r['docs_per_s']:7.1f}  "
            f"{split}{mark}",
            flush=True,
        )
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
