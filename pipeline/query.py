"""DuckDB over the output datasets: views ``documents``, ``items``, ``failures`` and ready queries.

Each ready query is also a table macro of the same name, so ``SELECT * FROM
by_executor('комиссия')`` works in any SQL given to ``kalplan query``. As plain SQL (the
``READY_QUERIES`` text) the parameters come from DuckDB variables, which are NULL unless
set with ``SET VARIABLE executor = '…'`` (or ``run_query(..., params=...)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb
import fsspec
import pandas as pd

from schemas import DATASETS, schema_of

# name → (parameters, SQL body). Parameters appear in the body as getvariable('NAME').
_READY: dict[str, tuple[tuple[str, ...], str]] = {
    "due_this_week": (
        ("today",),
        """
WITH week AS (
    SELECT coalesce(getvariable('today'), current_date)::DATE AS lo,
           coalesce(getvariable('today'), current_date)::DATE + 6 AS hi
)
SELECT d.title AS plan, i.item_no, i.action, i.deadline_text, i.deadline_kind,
       i.deadline_start, i.deadline_end, i.deadline_end_time, i.executors, i.doc_id, i.ordinal
FROM items i JOIN documents d USING (doc_id), week
WHERE CASE i.deadline_kind
        WHEN 'by' THEN i.deadline_end BETWEEN week.lo AND week.hi
        WHEN 'from' THEN i.deadline_start BETWEEN week.lo AND week.hi
        ELSE coalesce(i.deadline_start, i.deadline_end) <= week.hi
             AND coalesce(i.deadline_end, i.deadline_start) >= week.lo
      END
ORDER BY coalesce(i.deadline_end, i.deadline_start), d.title, i.ordinal
""",
    ),
    "by_executor": (
        ("executor",),
        """
WITH pairs AS (
    SELECT i.doc_id, i.ordinal, unnest(i.executors) AS written,
           unnest(i.executors_canonical) AS canonical
    FROM items i
)
SELECT coalesce(p.canonical, p.written) AS executor, d.title AS plan, i.item_no, i.action,
       i.deadline_text, i.deadline_kind, i.deadline_start, i.deadline_end, i.doc_id, i.ordinal
FROM pairs p
JOIN items i USING (doc_id, ordinal)
JOIN documents d USING (doc_id)
WHERE getvariable('executor') IS NULL
   OR lower(p.written) LIKE '%' || lower(getvariable('executor')) || '%'
   OR lower(p.canonical) LIKE '%' || lower(getvariable('executor')) || '%'
ORDER BY coalesce(p.canonical, p.written),
         coalesce(i.deadline_end, i.deadline_start) NULLS LAST, d.title, i.ordinal
""",
    ),
    "by_article": (
        (),
        """
WITH refs AS (
    SELECT i.doc_id, i.ordinal, coalesce(i.item_no, '#' || i.ordinal) AS item_no,
           unnest(i.legal_refs) AS r
    FROM items i
)
SELECT r.act, r.article, count(*) AS items, count(DISTINCT doc_id) AS documents,
       string_agg(item_no, ', ' ORDER BY doc_id, ordinal) AS item_nos
FROM refs
GROUP BY r.act, r.article
ORDER BY r.act, try_cast(regexp_extract(r.article, '^\\d+') AS INTEGER) NULLS LAST, r.article
""",
    ),
    "warnings": (
        (),
        """
SELECT d.title AS plan, d.source, NULL::VARCHAR AS item_no, 'document' AS level,
       split_part(w, ':', 1) AS code, w AS warning, NULL::VARCHAR AS action,
       d.doc_id, NULL::INTEGER AS ordinal
FROM documents d, unnest(d.warnings) AS t(w)
UNION ALL
SELECT d.title, d.source, i.item_no, 'item', split_part(w, ':', 1), w, i.action,
       i.doc_id, i.ordinal
FROM items i JOIN documents d USING (doc_id), unnest(i.warnings) AS t(w)
ORDER BY source, ordinal NULLS FIRST, warning
""",
    ),
    "per_document": (
        (),
        """
WITH stats AS (
    SELECT doc_id, count(*) AS items,
           count(*) FILTER (WHERE coalesce(deadline_start, deadline_end) IS NOT NULL) AS dated,
           sum(len(warnings)) AS item_warnings,
           min(coalesce(deadline_start, deadline_end)) AS first_day,
           max(coalesce(deadline_end, deadline_start)) AS last_day
    FROM items GROUP BY doc_id
)
SELECT d.source, d.title, d.kind, d.format, d.method, d.publication_date, d.voting_day,
       coalesce(s.items, 0) AS items, coalesce(s.dated, 0) AS dated,
       coalesce(s.items, 0) - coalesce(s.dated, 0) AS undated,
       (len(d.warnings) + coalesce(s.item_warnings, 0))::INTEGER AS warnings,
       s.first_day, s.last_day, d.doc_id
FROM documents d LEFT JOIN stats s USING (doc_id)
ORDER BY d.source
""",
    ),
}

READY_QUERIES: dict[str, str] = {name: sql.strip() for name, (_, sql) in _READY.items()}
"""Ready-made SQL by name. ``due_this_week`` reads ``getvariable('today')`` (default: today);
``by_executor`` reads ``getvariable('executor')``, a case-insensitive substring (default: all)."""

_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


def _source(out: str) -> tuple[fsspec.AbstractFileSystem, str, str]:
    """Filesystem, root path, and the prefix DuckDB should read from."""
    fs, root = fsspec.core.url_to_fs(out.rstrip("/"))
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    prefix = root if protocol in ("file", "local") else f"{protocol}://{root}"
    return fs, root, prefix


def connect(out: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over the datasets under ``out``."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    fs, root, prefix = _source(out)
    if not prefix.startswith(root):  # a remote fsspec location: let DuckDB read through fsspec
        con.register_filesystem(fs)
    for name, model in DATASETS.items():
        if fs.glob(f"{root}/{name}/**/*.parquet"):
            pattern = f"{prefix}/{name}/**/*.parquet".replace("'", "''")
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM "
                f"read_parquet('{pattern}', union_by_name = true)"
            )
        else:  # no data yet: the contract's columns, no rows
            con.register(f"_empty_{name}", schema_of(model).empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
    for name, (params, sql) in _READY.items():
        body = sql
        for p in params:
            body = body.replace(f"getvariable('{p}')", p)
        args = ", ".join(f"{p} := NULL" for p in params)
        con.execute(f"CREATE MACRO {name}({args}) AS TABLE {body}")
    return con


def run_query(out: str, sql: str, params: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Run SQL (or the name of a ready query) over the datasets; returns a DataFrame.

    ``params`` set DuckDB variables (read by ``getvariable``) and bind the ``$name``
    parameters the SQL uses.
    """
    sql = READY_QUERIES.get(sql.strip(), sql)
    con = connect(out)
    try:
        for key, value in (params or {}).items():
            if not key.isidentifier():
                raise ValueError(f"bad parameter name {key!r}")
            con.execute(f"SET VARIABLE {key} = $v", {"v": value})
        used = set(_PARAM.findall(sql))
        bound = {k: v for k, v in (params or {}).items() if k in used}
        missing = used - bound.keys()
        if missing:
            raise ValueError(f"the query needs values for: {', '.join(sorted(missing))}")
        relation = con.sql(sql, params=bound or None)
        if relation is None:  # a statement without rows (CREATE …)
            return pd.DataFrame()
        return relation.to_arrow_table().to_pandas(integer_object_nulls=True)
    except duckdb.Error as err:
        raise ValueError(f"query failed: {err}") from err
    finally:
        con.close()
