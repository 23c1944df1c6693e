"""CSV and XLSX exports of the datasets, for spreadsheet users.

List columns become readable text: names joined with "; ", legal references as their
text, definitions as "term — meaning". CSV files are UTF-8 with a byte-order mark so
that Excel opens Cyrillic correctly; the workbook has one sheet per dataset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow as pa
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.store import DatasetStore
from schemas import DATASETS

SEP = "; "
XLSX_CELL_LIMIT = 32767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters Excel rejects
_WIDE = {"action", "title", "deadline_text", "error", "detail", "source", "legal_refs"}


def _struct_text(value: dict[str, Any]) -> str:
    if value.get("text"):
        return str(value["text"])
    if "term" in value and "meaning" in value:
        return f"{value['term']} — {value['meaning']}"
    return json.dumps({k: v for k, v in value.items() if v is not None}, ensure_ascii=False)


def _cell(typ: pa.DataType) -> Callable[[Any], Any]:
    """How one Arrow value becomes one spreadsheet cell."""
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        inner = typ.value_type
        item = _struct_text if pa.types.is_struct(inner) else str
        return lambda v: SEP.join(item(x) for x in v if x is not None) if v else ""
    if pa.types.is_struct(typ):
        return lambda v: _struct_text(v) if v else ""
    if pa.types.is_timestamp(typ):  # spreadsheets have no time zones: naive UTC
        return _naive_utc
    return lambda v: v


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def frame(table: pa.Table) -> pd.DataFrame:
    """A dataset as a flat DataFrame: one text cell per list column."""
    columns: dict[str, Any] = {}
    for field in table.schema:
        convert = _cell(field.type)
        values = [convert(v) for v in table.column(field.name).to_pylist()]
        if pa.types.is_integer(field.type):  # keep 12, not 12.0, when the column has nulls
            columns[field.name] = pd.array(values, dtype="Int64")
        else:
            columns[field.name] = values
    return pd.DataFrame(columns, columns=table.column_names)


def _frames(out: str) -> dict[str, pd.DataFrame]:
    store = DatasetStore(out)
    return {name: frame(store.read(name)) for name in DATASETS}


def _write_csv(frames: dict[str, pd.DataFrame], to: str) -> list[str]:
    fs, root = fsspec.core.url_to_fs(to)
    fs.makedirs(root, exist_ok=True)
    written = []
    for name, df in frames.items():
        path = f"{root.rstrip('/')}/{name}.csv"
        with fs.open(path, "w", encoding="utf-8-sig", newline="") as fh:
            df.to_csv(fh, index=False, date_format="%Y-%m-%d %H:%M:%S")
        written.append(to.rstrip("/") + f"/{name}.csv" if "://" in to else path)
    return written


def _excel_safe(value: Any) -> Any:
    if isinstance(value, str):
        value = _ILLEGAL.sub(" ", value)
        if len(value) > XLSX_CELL_LIMIT:
            value = value[: XLSX_CELL_LIMIT - 1] + "…"
    return value


def _write_xlsx(frames: dict[str, pd.DataFrame], to: str) -> list[str]:
    fs, path = fsspec.core.url_to_fs(to)
    parent = str(Path(path).parent)
    if parent not in ("", "."):
        fs.makedirs(parent, exist_ok=True)
    with fs.open(path, "wb") as fh, pd.ExcelWriter(fh, engine="openpyxl") as writer:
        for name, df in frames.items():
            safe = df.apply(lambda col: col.map(_excel_safe)) if len(df) else df
            safe.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            if len(df.columns):
                sheet.auto_filter.ref = sheet.dimensions
            for idx, col in enumerate(df.columns, start=1):
                letter = get_column_letter(idx)
                sheet[f"{letter}1"].font = Font(bold=True)
                longest = max([len(str(col)), *(len(str(v)) for v in df[col] if v is not None)])
                width = min(60 if col in _WIDE else 30, max(10, longest + 2))
                sheet.column_dimensions[letter].width = width
                if col in _WIDE:
                    for cell in sheet[letter][1:]:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                for cell in sheet[letter][1:]:
                    if isinstance(cell.value, datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm:ss"
                    elif cell.is_date:
                        cell.number_format = "yyyy-mm-dd"
    return [to]


def export_tables(out: str, fmt: str, to: str) -> list[str]:
    """Export every dataset of ``out`` as ``csv`` (a directory) or ``xlsx`` (one workbook).

    Returns the paths written.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}: use csv or xlsx")
    frames = _frames(out)
    return _write_csv(frames, to) if fmt == "csv" else _write_xlsx(frames, to)
