"""A deployable flow for a Prefect server: the same batch, with JSON-friendly parameters.

``ingest`` (pipeline.flow) takes Python objects (``RunOptions``, a progress callback);
a deployment's parameters come from the UI or the API as JSON. ``ingest_batch`` takes
plain values, runs the batch (the ``ingest`` flow becomes its subflow) and returns the
summary as a dict. Serve it from any machine that sees the inputs and the output:

    PREFECT_API_URL=http://HOST:4200/api python -m pipeline.deploy [--name NAME]

or deploy it to a work pool (see docs/scaling.md). No ``from __future__ import annotations``
here: Prefect builds the parameter model from the real annotations when it loads the flow.
"""

import argparse
import dataclasses
import sys
from datetime import date
from typing import Any

from prefect import flow

from pipeline.flow import run_ingest
from pipeline.process import RunOptions
from schemas import Anchors


@flow(name="kalplan-ingest-batch", log_prints=True, persist_result=False)
def ingest_batch(
    paths: list[str],
    out: str,
    workers: int = 1,
    dask_address: str | None = None,
    force: bool = False,
    timeout: float = 120.0,
    voting_day: date | None = None,
    publication_date: date | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Ingest ``paths`` into ``out`` (a directory or an fsspec URL such as s3://…)."""
    overrides = Anchors(publication=publication_date, voting_day=voting_day, year=year)
    options = RunOptions(overrides=overrides, timeout=timeout)
    summary = run_ingest(
        paths, out, options=options, workers=workers, dask_address=dask_address, force=force
    )
    result = dataclasses.asdict(summary)
    print(
        f"{summary.documents} documents, {summary.items} items, {summary.failures} failures, "
        f"{summary.skipped} skipped in {summary.seconds:.1f} s"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """Serve ``ingest_batch`` as a deployment (runs until interrupted)."""
    ap = argparse.ArgumentParser(description="serve the kalplan ingest deployment")
    ap.add_argument("--name", default="kalplan-ingest", help="deployment name")
    args = ap.parse_args(argv)
    ingest_batch.serve(name=args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
