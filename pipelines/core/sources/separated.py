"""Comma- or tab-separated text (the csv module)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.core.sources.grid import Grid, GridRow, LayoutHints, decode


def read_csv(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """Comma-separated text."""
    return _read_separated(path, data, ",", "csv")


def read_tsv(path: Path, data: bytes, hints: LayoutHints) -> Grid:
    """Tab-separated text."""
    return _read_separated(path, data, "\t", "tsv")


def _read_separated(path: Path, data: bytes, delimiter: str, source_format: str) -> Grid:
    """One record per row (a quoted cell may hold line breaks)."""
    text, encoding = decode(data, path)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows = [GridRow([c.strip() for c in record] or [""], i, i) for i, record in enumerate(records, start=1)]
    return Grid(rows, source_format, encoding, len(rows), source_rows=len(records))
