"""Batch throughput, Prefect's share, worker scaling and memory of ``kalplan ingest``.

Corpora of N plans (default N = 100, 1,000, 10,000; ``--quick``: 100 and 1,000 with fewer
runs) are rendered from the seed plans (``samples/*.txt`` + ``tests/gold``) with varied
content — dates shifted, day counts and people's names changed, items dropped — as TXT,
DOCX and HTML, plus a few PDF and RTF (LibreOffice makes those, slowly). Then:

* ``loop``: ``pipeline.process.process`` in a plain in-process loop (the floor);
* ``direct``: the same path as the flow — worker processes, timeouts, Parquet parts —
  driven without Prefect;
* ``flow``: ``kalplan ingest`` (the Prefect flow), ``--workers`` 1 and 2.

Each flow / direct run is a subprocess whose process tree is sampled for RSS. Prints a
table and writes ``benchmarks/out/bench_batch.json``.

    .venv/bin/python benchmarks/bench_batch.py [--quick] [--sizes 100,1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from copy import deepcopy
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT_JSON = ROOT / "benchmarks" / "out" / "bench_batch.json"
MIX = {"txt": 0.40, "docx": 0.30, "html": 0.28}  # the rest: pdf / rtf, capped
SLOW_FORMATS_CAP = 6  # PDFs and RTFs per corpus (LibreOffice renders ~1 s each)
VARIANTS_PER_FORMAT = 40  # distinct renderings; the other documents differ in a few bytes
SURNAMES = [
    "Иванов",
    "Петрова",
    "Сидоров",
    "Кузнецова",
    "Смирнов",
    "Попова",
    "Васильев",
    "Морозова",
    "Новиков",
    "Фёдорова",
    "Волков",
    "Алексеева",
    "Лебедев",
    "Семёнова",
    "Егоров",
    "Павлова",
]
_DMY = re.compile(r"\b(\d{1,2})\.(\d{2})\.\s?(\d{4})\b")
_DAYS = re.compile(r"\b(\d{1,3})(\s+(?:дн|календарн))")
_PERSON = re.compile(
    r"\b([А-ЯЁ]\.\s?[А-ЯЁ]\.\s?)[А-ЯЁ][а-яё]+|\b[А-ЯЁ][а-яё]+(\s[А-ЯЁ]\.\s?[А-ЯЁ]\.)"
)


# --- corpus ---------------------------------------------------------------------------


def _vary_text(text: str, rng: random.Random, shift: int) -> str:
    def dmy(m: re.Match[str]) -> str:
        try:
            d = date(int(m[3]), int(m[2]), int(m[1])) + timedelta(days=shift)
        except ValueError:
            return m[0]
        return d.strftime("%d.%m.%Y")

    def person(m: re.Match[str]) -> str:
        name = rng.choice(SURNAMES)
        return f"{m[1]}{name}" if m[1] else f"{name}{m[2]}"

    text = _DMY.sub(dmy, text)
    text = _DAYS.sub(lambda m: f"{max(1, int(m[1]) + rng.randint(-3, 3))}{m[2]}", text)
    return _PERSON.sub(person, text)


def _variant(plan: Any, rng: random.Random) -> Any:
    """A copy of a seed plan with other dates, numbers, names and fewer items."""
    p = deepcopy(plan)
    shift = rng.randint(-400, 400)
    p.header_lines = [_vary_text(x, rng, shift) for x in p.header_lines]
    items = [i for i in p.items if rng.random() > 0.1] or p.items[:1]
    for n, item in enumerate(items, start=1):
        item["item_no"] = str(n)
        item["action"] = _vary_text(str(item["action"]), rng, shift)
        item["deadline_text"] = _vary_text(str(item.get("deadline_text") or ""), rng, shift)
        item["executors"] = [_vary_text(str(e), rng, shift) for e in item.get("executors") or []]
    p.items = items
    return p


def _render_txt(plan: Any) -> bytes:
    lines = [*plan.header_lines, "", "\t".join(plan.columns)]
    section = None
    for item in plan.items:
        if item.get("section") and item["section"] != section:
            section = item["section"]
            lines.append(str(section))
        executors = " ".join(item.get("executors") or [])
        lines.append(f"{item['item_no']}.\t{item['action']}\t{item['deadline_text']}\t{executors}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _unique(fmt: str, data: bytes, n: int) -> bytes:
    """The same document with a few bytes changed (a new doc_id, the same content)."""
    if n == 0:
        return data
    if fmt == "txt":
        return data + f"\nЭкземпляр {n}\n".encode()
    if fmt == "html":
        return data + f"<!-- {n} -->".encode()
    if fmt in ("docx",):
        import io

        buf = io.BytesIO(data)
        with zipfile.ZipFile(buf, "a") as zf:
            zf.comment = f"copy {n}".encode()
        return buf.getvalue()
    if fmt == "pdf":
        return data + f"\n% copy {n}\n".encode()
    return data.replace(b"}", f"{{\\*\\kalplancopy {n}}}}}".encode(), 1) if fmt == "rtf" else data


def make_corpus(root: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Write ``n`` documents under ``root``; returns documents per format."""
    from extractors.office import convert_with_libreoffice
    from samples.render import load_plan, render_docx, render_html, stems

    rng = random.Random(seed)
    seeds = [load_plan(s) for s in stems()]
    counts: dict[str, int] = defaultdict(int)
    slow = min(SLOW_FORMATS_CAP, max(2, n // 50))
    plan_formats = [("pdf" if i % 2 == 0 else "rtf") for i in range(slow)]
    rest = n - len(plan_formats)
    for fmt, share in MIX.items():
        plan_formats += [fmt] * round(rest * share / sum(MIX.values()))
    plan_formats += ["txt"] * (n - len(plan_formats))
    plan_formats = plan_formats[:n]
    rng.shuffle(plan_formats)
    rendered: dict[tuple[str, int], bytes] = {}
    root.mkdir(parents=True, exist_ok=True)
    for i, fmt in enumerate(plan_formats):
        k = rng.randrange(VARIANTS_PER_FORMAT if fmt in MIX else 2)
        key = (fmt, k)
        if key not in rendered:
            plan = _variant(seeds[k % len(seeds)], random.Random(seed * 1000 + k))
            if fmt == "txt":
                rendered[key] = _render_txt(plan)
            elif fmt == "html":
                rendered[key] = render_html(plan, "utf-8")
            else:
                docx = render_docx(plan)
                rendered[key] = (
                    docx if fmt == "docx" else convert_with_libreoffice(docx, "docx", fmt, 180.0)
                )
        sub = root / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"plan-{i:05d}.{fmt}").write_bytes(_unique(fmt, rendered[key], i + 1))
        counts[fmt] += 1
    return dict(counts)


# --- measurements -----------------------------------------------------------------------


def _tree_rss(pid: int) -> tuple[int, int]:
    """(RSS of the process, largest RSS of its descendants), bytes."""
    import psutil

    try:
        proc = psutil.Process(pid)
        main = proc.memory_info().rss
        kids = [
            c.memory_info().rss
            for c in proc.children(recursive=True)
            if "uvicorn" not in " ".join(c.cmdline())
        ]
    except psutil.Error:
        return 0, 0
    return main, max(kids, default=0)


def _run_child(mode: str, corpus: Path, out: Path, workers: int) -> dict[str, Any]:
    """Run one measured batch in a subprocess; sample its RSS every 0.2 s."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--workers",
        str(workers),
        str(corpus),
        str(out),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    peak = [0, 0]

    def sample() -> None:
        while proc.poll() is None:
            main, kid = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], main), max(peak[1], kid)
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    stdout, _ = proc.communicate()
    t.join()
    result: dict[str, Any] = json.loads(stdout.decode().strip().splitlines()[-1])
    result["peak_rss_mb"] = round(peak[0] / 2**20, 1)
    result["peak_worker_rss_mb"] = round(peak[1] / 2**20, 1)
    return result


def child(mode: str, corpus: str, out: str, workers: int) -> None:
    """Inside the measured subprocess: one batch, JSON on the last line of stdout."""
    from pipeline.process import Outcome

    per_fmt: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    fmt_of = _format_of

    def tally(o: Outcome) -> None:
        f = per_fmt[fmt_of(o.source)]
        f[0] += 1
        f[1] += len(o.items)
        f[2] += o.seconds

    started = time.perf_counter()
    if mode == "flow":
        from pipeline.flow import run_ingest

        s = run_ingest([corpus], out, workers=workers, on_outcome=tally)
        docs, items, failures, flow_s = s.documents, s.items, s.failures, s.seconds
    else:
        docs, items, failures, flow_s = _direct(corpus, out, workers, tally)
    wall = time.perf_counter() - started
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "mode": mode,
                "workers": workers,
                "documents": docs,
                "items": items,
                "failures": failures,
                "wall_s": round(wall, 2),
                "batch_s": round(flow_s, 2),
                "parent_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                "per_format": {k: v for k, v in per_fmt.items()},
            }
        )
    )


def _format_of(source: str) -> str:
    return os.path.splitext(source)[1].lstrip(".").lower()


def _direct(corpus: str, out: str, workers: int, tally: Any) -> tuple[int, int, int, float]:
    """The flow's work without Prefect: same workers, timeouts and writer."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.discover import discover
    from pipeline.flow import DEFAULT_FLUSH_EVERY, Summary, _collect, _pending, run_one
    from pipeline.process import RunOptions
    from pipeline.store import Batch, DatasetStore
    from pipeline.worker import pool

    pool().warm(workers)
    started = time.perf_counter()
    store, summary, batch, options = DatasetStore(out), Summary(), Batch(), RunOptions()
    pending = _pending(iter(list(discover([corpus]))), store, False, summary)
    with ThreadPoolExecutor(workers) as ex:
        for outcome in ex.map(lambda job: run_one(job[0], options, job[1]), pending):
            _collect(outcome, batch, summary)
            tally(outcome)
            if len(batch) >= DEFAULT_FLUSH_EVERY:
                store.write(batch)
                batch = Batch()
    store.write(batch)
    return summary.documents, summary.items, summary.failures, time.perf_counter() - started


def loop(corpus: Path, limit: int) -> dict[str, Any]:
    """``process()`` in a plain loop, in this process (first ``limit`` documents)."""
    from pipeline.discover import discover
    from pipeline.process import RunOptions, process, warm_up

    warm_up()
    inputs = list(discover([str(corpus)]))[:limit]
    per_fmt: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    started = time.perf_counter()
    docs = items = 0
    for inp in inputs:
        o = process(inp, RunOptions(isolate=False))
        f = per_fmt[_format_of(inp.source)]
        f[0], f[1], f[2] = f[0] + 1, f[1] + len(o.items), f[2] + o.seconds
        docs += o.document is not None
        items += len(o.items)
    wall = time.perf_counter() - started
    return {
        "mode": "loop",
        "workers": 1,
        "documents": docs,
        "items": items,
        "wall_s": round(wall, 2),
        "batch_s": round(wall, 2),
        "per_format": dict(per_fmt),
    }


# --- driver -----------------------------------------------------------------------------


def _rate(r: dict[str, Any]) -> str:
    return f"{r['documents'] / r['batch_s']:.1f}" if r["batch_s"] else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="N = 100 and 1,000; fewer runs")
    ap.add_argument("--sizes", help="comma-separated corpus sizes (default 100,1000,10000)")
    ap.add_argument("--keep", type=Path, help="keep the corpora under this directory")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.rest[0], args.rest[1], args.workers)
        return 0
    sizes = [
        int(x) for x in (args.sizes or ("100,1000" if args.quick else "100,1000,10000")).split(",")
    ]
    base = args.keep or Path(tempfile.mkdtemp(prefix="kalplan-bench-"))
    os.environ.setdefault("PREFECT_HOME", str(base / "prefect-home"))
    results: list[dict[str, Any]] = []
    first_use = _first_prefect_use(base)
    print(
        f"first Prefect run on a new PREFECT_HOME (database created): {first_use:.1f} s; "
        "the runs below reuse it, as every run after a user's first does",
        flush=True,
    )
    try:
        for n in sizes:
            corpus = base / f"corpus-{n}"
            if not corpus.exists():
                t = time.perf_counter()
                counts = make_corpus(corpus, n)
                print(f"N={n}: rendered {counts} in {time.perf_counter() - t:.0f} s", flush=True)
            runs: list[tuple[str, int]] = [("flow", 1)]
            if n <= 1000:
                runs += [("direct", 1), ("flow", 2)]
                if not args.quick or n <= 100:
                    runs += [("direct", 2)]
            else:
                runs = [("flow", 2)]
            if n <= 1000:
                r = loop(corpus, n)
                r["n"] = n
                results.append(r)
                _print(r)
            for mode, workers in runs:
                out = base / f"out-{n}-{mode}-{workers}"
                shutil.rmtree(out, ignore_errors=True)
                r = _run_child(mode, corpus, out, workers)
                r["n"] = n
                results.append(r)
                _print(r)
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    _summarise(results)
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _first_prefect_use(base: Path) -> float:
    """One-document ``kalplan ingest`` on the (new) PREFECT_HOME: its database migrations
    are a one-off cost of the first run on a machine, kept out of the measured runs."""
    tiny = base / "first-use"
    (tiny / "in").mkdir(parents=True, exist_ok=True)
    (tiny / "in" / "plan.txt").write_text("1.\tОпубликование\tдо 1 марта\tТИК\n", "utf-8")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(tiny / "in"), "--out",
         str(tiny / "out"), "--quiet"],
        cwd=ROOT, check=False, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _print(r: dict[str, Any]) -> None:
    fmts = ", ".join(
        f"{k}: {v[0] / v[2]:.1f} docs/s {v[1] / v[2]:.0f} rows/s"
        for k, v in sorted(r["per_format"].items())
        if v[2]
    )
    rss = (
        f" rss {r['peak_rss_mb']} MB (worker {r['peak_worker_rss_mb']} MB)"
        if "peak_rss_mb" in r
        else ""
    )
    if "parent_cpu_s" in r:
        rss += f" parent cpu {r['parent_cpu_s']} s"
    print(
        f"N={r['n']:>6} {r['mode']:>6} w={r['workers']} docs={r['documents']} "
        f"items={r['items']} wall={r['wall_s']} s batch={r['batch_s']} s "
        f"→ {_rate(r)} docs/s{rss}\n    per format (processing time in the worker): {fmts}",
        flush=True,
    )


def _summarise(results: list[dict[str, Any]]) -> None:
    by = {(r["n"], r["mode"], r["workers"]): r for r in results}
    for n in sorted({r["n"] for r in results}):
        flow1, direct1 = by.get((n, "flow", 1)), by.get((n, "direct", 1))
        if flow1 and direct1:
            share = 1 - direct1["wall_s"] / flow1["wall_s"]
            in_flow = 1 - direct1["batch_s"] / flow1["batch_s"]
            print(
                f"N={n}: Prefect's share of wall time {share:.1%} "
                f"(inside the flow run, server start excluded: {in_flow:.1%})"
            )
        flow2 = by.get((n, "flow", 2))
        if flow1 and flow2:
            print(f"N={n}: workers 2 vs 1: {flow1['batch_s'] / flow2['batch_s']:.2f}x")
    mem = [
        (r["n"], r["peak_rss_mb"], r["peak_worker_rss_mb"])
        for r in results
        if r["mode"] == "flow" and "peak_rss_mb" in r
    ]
    print(
        "peak RSS vs N (flow; main, largest worker):",
        ", ".join(f"N={n}: {a} MB / {b} MB" for n, a, b in mem),
    )


if __name__ == "__main__":
    sys.exit(main())
