"""The ``kalplan`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date

from pipeline.version import PIPELINE_VERSION


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from err


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kalplan",
        description="Russian election plans → validated, queryable datasets.",
    )
    p.add_argument("--version", action="version", version=f"kalplan {PIPELINE_VERSION}")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read plans into the datasets under --out")
    ing.add_argument("paths", nargs="+", help="files, directories, globs or .zip archives")
    ing.add_argument("--out", default="outputs", help="output directory or fsspec URL")
    ing.add_argument("--voting-day", type=_date, help="override the voting day (YYYY-MM-DD)")
    ing.add_argument("--publication-date", type=_date, help="override the publication anchor")
    ing.add_argument("--year", type=int, help="year for dates written without one")
    ing.add_argument("--workers", type=int, default=1, help="parallel worker processes")
    ing.add_argument("--dask-address", help="run the tasks on this Dask scheduler")
    ing.add_argument("--force", action="store_true", help="re-process documents already read")
    ing.add_argument("--timeout", type=float, default=120.0, help="per-document timeout, s")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")

    ev = sub.add_parser("eval", help="score the datasets against gold annotations")
    ev.add_argument("gold", nargs="+", help="gold JSON files or directories of them")
    ev.add_argument("--out", default="outputs", help="the datasets to score")

    q = sub.add_parser("query", help="run SQL (DuckDB) over documents/items/failures")
    q.add_argument("out", help="the datasets directory")
    q.add_argument("sql", help="SQL text, or the name of a ready query")

    ics = sub.add_parser("export-ics", help="calendar export (RFC 5545)")
    ics.add_argument("out", help="the datasets directory")
    ics.add_argument("--to", required=True, help="the .ics file to write")
    ics.add_argument("--doc", action="append", dest="doc_ids", help="only this doc_id")
    ics.add_argument("--executor", help="only items of this executor (substring)")
    ics.add_argument("--from", dest="start", type=_date, help="only windows from this day")
    ics.add_argument("--until", dest="end", type=_date, help="only windows until this day")
    ics.add_argument("--todo", action="store_true", help="VTODO with DUE instead of VEVENT")

    ex = sub.add_parser("export", help="CSV or XLSX tables for spreadsheet users")
    ex.add_argument("out", help="the datasets directory")
    ex.add_argument("--format", choices=["csv", "xlsx"], required=True)
    ex.add_argument("--to", required=True, help="directory (csv) or .xlsx file")

    rep = sub.add_parser("report", help="a self-contained HTML report of the batch")
    rep.add_argument("out", help="the datasets directory")
    rep.add_argument("--to", required=True, help="the .html file to write")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    handler = {
        "ingest": _ingest,
        "eval": _eval,
        "query": _query,
        "export-ics": _export_ics,
        "export": _export,
        "report": _report,
    }[args.command]
    try:
        return handler(args)
    except (OSError, ValueError) as err:
        print(f"kalplan: {err}", file=sys.stderr)
        return 2


def _ingest(args: argparse.Namespace) -> int:
    from pipeline.console import run_with_progress

    return run_with_progress(args)


def _eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate, print_scores

    scores = evaluate(args.gold, args.out)
    print_scores(scores)
    return 0


def _query(args: argparse.Namespace) -> int:
    import pandas as pd

    from pipeline.query import READY_QUERIES, run_query

    sql = READY_QUERIES.get(args.sql, args.sql)
    frame = run_query(args.out, sql)
    for col in frame.columns:  # lists (executors, warnings, legal_refs) shown readably
        if frame[col].map(lambda v: isinstance(v, list | tuple) or hasattr(v, "tolist")).any():
            frame[col] = frame[col].map(_cell)
    with pd.option_context("display.max_rows", 200, "display.max_colwidth", 60):
        print(frame.to_string(index=False))
    return 0


def _cell(value: object) -> object:
    items = value.tolist() if hasattr(value, "tolist") else value
    if not isinstance(items, list | tuple):
        return value
    return "; ".join(str(v.get("text", v)) if isinstance(v, dict) else str(v) for v in items)


def _export_ics(args: argparse.Namespace) -> int:
    from pipeline.ics import export_ics

    n = export_ics(
        args.out,
        args.to,
        doc_ids=args.doc_ids,
        executor=args.executor,
        start=args.start,
        end=args.end,
        todo=args.todo,
    )
    print(f"wrote {n} events to {args.to}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipeline.tabular import export_tables

    for path in export_tables(args.out, args.format, args.to):
        print(f"wrote {path}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report

    write_report(args.out, args.to)
    print(f"wrote {args.to}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
