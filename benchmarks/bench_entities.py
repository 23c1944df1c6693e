"""Entity parsing speed: executors, legal references and definitions of every row of seed 004.

Run: ``.venv/bin/python benchmarks/bench_entities.py`` (one core, warm caches are the
figure that counts: a plan repeats most of its executor and reference cells).
Rows (action, deadline, executor cells) are cut from ``samples/004_*.txt`` into
``benchmarks/seed_rows.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parsers.definitions import Glossary, find_definitions  # noqa: E402
from parsers.executors import canonical_executors, split_executors  # noqa: E402
from parsers.legal_refs import parse_legal_refs  # noqa: E402

TARGET_MS = 50.0


def load_rows(key: str = "004") -> list[dict[str, str]]:
    """The seed rows of one sample."""
    data = json.loads((ROOT / "benchmarks" / "seed_rows.json").read_text(encoding="utf-8"))
    return list(data[key])


def parse_all(rows: list[dict[str, str]], glossary: Glossary) -> int:
    """Executors (as written and canonical) and references of every row; returns a count."""
    n = 0
    for r in rows:
        ex = split_executors(r["executor"])
        n += len(canonical_executors(ex, glossary))
        n += len(parse_legal_refs(r["action"], glossary))
        n += len(parse_legal_refs(r["deadline"], glossary))
    return n


def main() -> float:
    """Prints cold and warm timings; returns the warm median in milliseconds."""
    rows = load_rows()
    text = "\n".join(f"{r['action']}\n{r['deadline']}\n{r['executor']}" for r in rows)
    t0 = time.perf_counter()
    glossary = Glossary(find_definitions(text))
    parse_all(rows, glossary)
    cold = (time.perf_counter() - t0) * 1000
    warm = []
    for _ in range(20):
        t0 = time.perf_counter()
        glossary = Glossary(find_definitions(text))
        parse_all(rows, glossary)
        warm.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(warm)
    print(
        f"rows={len(rows)} cold={cold:.1f} ms warm median={med:.2f} ms (target <= {TARGET_MS} ms)"
    )
    return med


if __name__ == "__main__":
    main()
