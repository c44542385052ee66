"""Asset and check metadata a person reads in the UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg
import polars as pl

from pipelines.core import markdown
from pipelines.core.warehouse.tables import Table


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> dg.MetadataValue:
    return dg.MetadataValue.md(markdown.markdown_table(columns, rows))


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.MetadataValue:
    return markdown_table(frame.columns, frame.head(rows).iter_rows())


def column_schema(table: Table) -> dg.TableSchema:
    """A table's columns, their types and what each means, as the UI shows them (declared in
    core/warehouse/tables.py)."""
    return dg.TableSchema(
        columns=[dg.TableColumn(name, str(c.dtype), description=c.description) for name, c in table.columns.items()]
    )
