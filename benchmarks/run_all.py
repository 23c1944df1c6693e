"""Run every ``benchmarks/bench_*.py`` one after the other and summarise.

    .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME ...] [--timeout S]

``--quick`` is passed on to the benchmarks that take it (their source mentions
``--quick``); the others run as they are. Each benchmark's output goes to the terminal
and to ``benchmarks/out/NAME.log``. Exit status: non-zero when any benchmark failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOGS = HERE / "out"


def benchmarks(only: list[str] | None = None) -> list[Path]:
    """The benchmark scripts, by name (``bench_batch`` or ``batch`` both select one)."""
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {n.removeprefix("bench_").removesuffix(".py") for n in only}
        found = [p for p in found if p.stem.removeprefix("bench_") in wanted]
    return found


def run(script: Path, quick: bool, timeout: float) -> tuple[int, float]:
    """Run one benchmark, tee its output to a log; (exit code, seconds)."""
    cmd = [sys.executable, str(script)]
    if quick and "--quick" in script.read_text(encoding="utf-8"):
        cmd.append("--quick")
    print(f"=== {' '.join([script.name, *cmd[2:]])}", flush=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(LOGS / f"{script.stem}.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        deadline = started + timeout
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            if time.perf_counter() > deadline:
                proc.kill()
                log.write(f"killed after {timeout:.0f} s\n")
                break
        code = proc.wait()
    return code, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short runs where supported")
    ap.add_argument("--only", nargs="+", help="benchmark names to run (e.g. batch ocr)")
    ap.add_argument("--timeout", type=float, default=3 * 3600, help="per benchmark, seconds")
    args = ap.parse_args(argv)
    results = []
    for script in benchmarks(args.only):
        code, seconds = run(script, args.quick, args.timeout)
        results.append((script.name, code, seconds))
    print("\n=== summary")
    for name, code, seconds in results:
        print(f"{name:<24} {'ok' if code == 0 else f'FAILED ({code})':<12} {seconds:8.1f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
