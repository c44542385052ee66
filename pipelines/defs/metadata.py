"""Asset and check metadata a person reads in the UI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import dagster as dg
import polars as pl

from pipelines.core import markdown
from pipelines.core.quality.files import COLUMNS
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


def files_table(rows: Iterable[Sequence[object]]) -> dg.MetadataValue:
    """Files not read or read without a task, one row each (status, file, place, reason: core/quality/files.py),
    as a table the UI sorts and filters; `make run` prints each row from it."""
    return dg.MetadataValue.table(
        records=[dg.TableRecord(dict(zip(COLUMNS, (str(v) for v in row), strict=True))) for row in rows],
        schema=dg.TableSchema(columns=[dg.TableColumn(name, "string") for name in COLUMNS]),
    )
