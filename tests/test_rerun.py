"""What a re-run reads again: nothing by default; everything when the anchors change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.store import DatasetStore

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "004_55a8721802e65df6.txt"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    inp = tmp_path_factory.mktemp("in")
    shutil.copy(SAMPLE, inp / SAMPLE.name)
    out = tmp_path_factory.mktemp("out")
    store = DatasetStore(str(out))
    snapshots = []
    for extra in ([], ["--voting-day", "2026-09-20"], ["--voting-day", "2026-09-20"]):
        assert main(["ingest", str(inp), "--out", str(out), "--quiet", *extra]) == 0
        snapshots.append(
            (
                store.read("documents").to_pylist(),
                store.read("items").to_pylist(),
                sorted(p.name for p in out.rglob("*.parquet")),
            )
        )
    return snapshots


def test_new_anchors_re_read_the_plan_and_replace_its_rows(runs):
    (docs1, items1, _), (docs2, items2, _), _ = runs
    assert len(docs2) == 1 and len(items2) == len(items1) == 110
    assert docs1[0]["pipeline_version"] != docs2[0]["pipeline_version"]
    assert docs2[0]["pipeline_version"].endswith("+voting_day=2026-09-20")
    assert docs2[0]["voting_day"].isoformat() == "2026-09-20"
    by_no = {i["item_no"]: i for i in items2}
    assert by_no["87"]["deadline_end"].isoformat() == "2026-09-16"  # V − 4, recomputed


def test_the_same_anchors_again_skip_everything(runs):
    _, second, third = runs
    assert second[2] == third[2]  # no part rewritten
