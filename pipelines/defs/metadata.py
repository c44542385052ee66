"""Asset and check metadata a person reads in the UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg
import polars as pl

from pipelines.core import markdown


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> dg.MetadataValue:
    return dg.MetadataValue.md(markdown.markdown_table(columns, rows))


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.MetadataValue:
    return markdown_table(frame.columns, frame.head(rows).iter_rows())


def column_schema(schema: dict[str, pl.DataType]) -> dg.TableSchema:
    """A table's columns and their types, as the UI shows them (from core/tables.py)."""
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in schema.items()])
