"""The output datasets: directories of Parquet parts, written crash-safely.

Layout: ``OUT/{documents,items,failures}/part-*.parquet``. Every part is written under
a temporary name and renamed, so a crash never leaves a half-written file. A document
is keyed by ``doc_id``: writing it again first rewrites the older parts without its
rows, then adds the new ones, so re-ingesting replaces and never duplicates. The
``documents`` part is written last; a document counts as ingested only once it is there.

``OUT`` is a local directory or any fsspec URL (``s3://bucket/prefix``). On object
stores a part is uploaded straight to its final key: an object appears whole or not at
all, so no rename is needed. Which parts hold which documents is indexed once per store,
so writing new documents never re-reads old parts.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem
from pydantic import BaseModel

from schemas import DATASETS, schema_of

LOCK_NAME = ".kalplan.lock"


class StoreLocked(OSError):
    """Another ingest is writing to the same output directory."""


@dataclass(slots=True)
class Batch:
    """Records to write together."""

    documents: list[BaseModel] = field(default_factory=list)
    items: list[BaseModel] = field(default_factory=list)
    failures: list[BaseModel] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.documents) + len(self.failures)

    def records(self, name: str) -> list[BaseModel]:
        out: list[BaseModel] = getattr(self, name)
        return out


def to_table(name: str, records: Sequence[BaseModel]) -> pa.Table:
    """Records of one dataset as an Arrow table with the contract's schema."""
    schema = schema_of(DATASETS[name])
    return pa.Table.from_pylist([r.model_dump() for r in records], schema=schema)


class DatasetStore:
    """Reads and writes the three datasets under one output location (path or fsspec URL)."""

    def __init__(self, out: str, storage_options: dict[str, Any] | None = None) -> None:
        self.out = out.rstrip("/") or out
        self.fs, self.root = fsspec.core.url_to_fs(self.out, **(storage_options or {}))
        self.local = isinstance(self.fs, LocalFileSystem)
        for name in DATASETS:
            self.fs.makedirs(f"{self.root}/{name}", exist_ok=True)
        # dataset → key (doc_id, or "source:" + source for failures) → parts holding it
        self._index: dict[str, dict[str, set[str]]] | None = None

    def parts(self, name: str) -> list[str]:
        """Finished Parquet parts of a dataset, oldest first."""
        if not self.local:
            self.fs.invalidate_cache(f"{self.root}/{name}")
        paths = self.fs.glob(f"{self.root}/{name}/part-*.parquet")
        return sorted(str(p) for p in paths)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the output for one writer (local directories; a no-op on object stores).

        The lock dies with its process, so a killed run never leaves the output locked.
        """
        if not self.local:
            yield
            return
        import fcntl

        fd = os.open(os.path.join(self.root, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise StoreLocked(
                    f"another kalplan ingest is writing to {self.out}; wait for it to finish"
                ) from err
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def read(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """A whole dataset as one table (empty with the schema when there is none)."""
        schema = schema_of(DATASETS[name])
        tables = [pq.read_table(p, columns=columns, filesystem=self.fs) for p in self.parts(name)]
        if not tables:
            return schema.empty_table() if columns is None else schema.empty_table().select(columns)
        return pa.concat_tables(tables, promote_options="permissive")

    def ingested(self) -> dict[str, tuple[str, str]]:
        """doc_id → (pipeline_version, dataset) of everything already written.

        Inputs that could not be read at all have no doc_id; their failures appear under
        the key ``"source:" + source``.
        """
        done: dict[str, tuple[str, str]] = {}
        docs = self.read("documents", ["doc_id", "pipeline_version"])
        for doc_id, version in zip(
            docs["doc_id"].to_pylist(), docs["pipeline_version"].to_pylist(), strict=True
        ):
            done[doc_id] = (version, "documents")
        fails = self.read("failures", ["doc_id", "source", "pipeline_version"])
        for doc_id, source, version in zip(
            fails["doc_id"].to_pylist(),
            fails["source"].to_pylist(),
            fails["pipeline_version"].to_pylist(),
            strict=True,
        ):
            key = doc_id or f"source:{source}"
            if key not in done:
                done[key] = (version or "", "failures")
        return done

    def write(self, batch: Batch) -> None:
        """Replace the batch's documents in the datasets, crash-safely."""
        if not len(batch):
            return
        records: list[Any] = [*batch.documents, *batch.failures]
        doc_ids: set[str] = {r.doc_id for r in records if r.doc_id}
        sources: set[str] = {r.source for r in records}
        for name in DATASETS:  # documents first: from here on, they count as not ingested
            self._drop(name, doc_ids, sources)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        part = f"part-{stamp}-{uuid.uuid4().hex[:8]}.parquet"
        index = self._ensure_index()
        for name in ("items", "failures", "documents"):  # documents last: the commit record
            records = batch.records(name)
            if records:
                path = f"{self.root}/{name}/{part}"
                table = to_table(name, records)
                self._write_atomic(path, table)
                for key in _keys(name, table):
                    index[name].setdefault(key, set()).add(path)

    def _ensure_index(self) -> dict[str, dict[str, set[str]]]:
        if self._index is None:
            index: dict[str, dict[str, set[str]]] = {name: {} for name in DATASETS}
            for name in DATASETS:
                cols = ["doc_id", "source"] if name == "failures" else ["doc_id"]
                for path in self.parts(name):
                    head = pq.read_table(path, columns=cols, filesystem=self.fs)
                    for key in _keys(name, head):
                        index[name].setdefault(key, set()).add(path)
            self._index = index
        return self._index

    def _drop(self, name: str, doc_ids: set[str], sources: set[str]) -> None:
        """Rewrite the parts holding rows of these documents without them."""
        index = self._ensure_index()[name]
        wanted = set(doc_ids)
        if name == "failures":  # a failure without doc_id (unreadable file) keys on source
            wanted |= {f"source:{s}" for s in sources}
        paths = sorted({p for key in wanted & index.keys() for p in index[key]})
        if not paths:
            return
        keys = pa.array(sorted(doc_ids), pa.string())
        srcs = pa.array(sorted(sources), pa.string())
        for path in paths:
            table = pq.read_table(path, filesystem=self.fs)
            hit = pc.fill_null(pc.is_in(table["doc_id"], keys), False)
            if name == "failures":
                hit = pc.or_(hit, pc.fill_null(pc.is_in(table["source"], srcs), False))
            if not pc.any(hit).as_py():
                continue
            kept = table.filter(pc.invert(hit))
            if kept.num_rows:
                self._write_atomic(path, kept)
            else:
                self.fs.rm(path)
            for key in _keys(name, table.filter(hit)):
                holders = index.get(key)
                if holders is not None:
                    holders.discard(path)
                    if not holders:
                        del index[key]

    def _write_atomic(self, path: str, table: pa.Table) -> None:
        """A whole part or none: temporary file + fsync + rename locally; one PUT remotely."""
        if not self.local:
            with self.fs.open(path, "wb") as fh:
                pq.write_table(table, fh, compression="zstd")
            return
        tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def clean_temporaries(self) -> int:
        """Remove leftovers of an interrupted write; returns how many."""
        leftovers: Iterable[str] = self.fs.glob(f"{self.root}/*/*.tmp")
        n = 0
        for p in leftovers:
            self.fs.rm(p)
            n += 1
        return n


def _keys(name: str, table: pa.Table) -> set[str]:
    """Index keys of a part's rows: doc_ids, and for failures also their sources."""
    keys = {k for k in table["doc_id"].to_pylist() if k}
    if name == "failures":
        keys |= {f"source:{s}" for s in table["source"].to_pylist()}
    return keys
