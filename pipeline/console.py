"""``kalplan ingest`` in a terminal: progress bar and a one-screen summary."""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.discover import discover
from pipeline.flow import Summary, run_ingest
from pipeline.process import Outcome, RunOptions
from schemas import Anchors


def run_with_progress(args: argparse.Namespace) -> int:
    """Run the batch, show progress, print the summary; exit code 0 when the batch ran."""
    console = Console(stderr=False)
    try:
        os.makedirs(args.out, exist_ok=True) if "://" not in args.out else None
    except OSError as err:
        console.print(f"[red]kalplan: cannot write to {args.out}: {err}[/red]")
        return 2
    overrides = Anchors(
        publication=args.publication_date, voting_day=args.voting_day, year=args.year
    )
    options = RunOptions(overrides=overrides, timeout=args.timeout)
    total = sum(1 for _ in discover(args.paths))
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=args.quiet,
        transient=True,
    )
    with progress:
        bar = progress.add_task("", total=total)

        def tick(outcome: Outcome) -> None:
            progress.update(bar, advance=1, description=os.path.basename(outcome.source)[:40])

        summary = run_ingest(
            args.paths,
            args.out,
            options=options,
            workers=args.workers,
            dask_address=args.dask_address,
            force=args.force,
            on_outcome=tick,
        )
    print_summary(console, summary, args.out)
    return 0


def print_summary(console: Console, s: Summary, out: str) -> None:
    """One screen: counts, speed, failures with reasons."""
    table = Table(title=f"kalplan ingest → {out}", show_header=False)
    rate = s.documents / s.seconds if s.seconds else 0.0
    for key, value in [
        ("inputs seen", s.seen),
        ("documents written", s.documents),
        ("items written", s.items),
        ("failures", s.failures),
        ("skipped (already ingested)", s.skipped),
        ("duplicates (same bytes)", s.duplicates),
        ("time", f"{s.seconds:.1f} s ({rate:.1f} docs/s)"),
    ]:
        table.add_row(key, str(value))
    console.print(table)
    for source, error in s.failed[:20]:
        console.print(f"  [yellow]failed[/yellow] {source}: {error}")
    if len(s.failed) > 20:
        console.print(f"  … and {len(s.failed) - 20} more (see the failures dataset)")
