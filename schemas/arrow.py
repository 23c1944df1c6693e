"""Parquet (Arrow) schemas derived from the pydantic records."""

from __future__ import annotations

import types
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

from schemas.records import DocumentRecord, FailureRecord, ItemRecord


def _arrow_type(annotation: Any) -> tuple[pa.DataType, bool]:
    """Arrow type and nullability for one field annotation."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        inner, _ = _arrow_type(args[0])
        return inner, True
    if origin is Annotated:
        base, *meta = get_args(annotation)
        if "int32" in meta:
            return pa.int32(), False
        return _arrow_type(base)
    if origin is Literal:
        return pa.string(), False
    if origin is list:
        (inner,) = get_args(annotation)
        return pa.list_(_arrow_type(inner)[0]), False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_fields(annotation)), False
    simple: dict[Any, pa.DataType] = {
        str: pa.string(),
        int: pa.int64(),
        float: pa.float64(),
        bool: pa.bool_(),
        date: pa.date32(),
        datetime: pa.timestamp("us", tz="UTC"),
    }
    return simple[annotation], False


def _fields(model: type[BaseModel]) -> list[pa.Field]:
    out = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if info.metadata and annotation is int and "int32" in _metadata_tags(info.metadata):
            typ, nullable = pa.int32(), False
        else:
            typ, nullable = _arrow_type(annotation)
            # Optional[Int32] keeps its Annotated marker inside the union
        out.append(pa.field(name, typ, nullable=nullable))
    return out


def _metadata_tags(metadata: list[Any]) -> set[str]:
    return {m for m in metadata if isinstance(m, str)}


@cache
def schema_of(model: type[BaseModel]) -> pa.Schema:
    """The Arrow schema of a record class."""
    return pa.schema(_fields(model))


DATASETS: dict[str, type[BaseModel]] = {
    "documents": DocumentRecord,
    "items": ItemRecord,
    "failures": FailureRecord,
}
