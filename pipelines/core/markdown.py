"""Markdown tables, for what a person reads in the Dagster UI and in check failures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[object]], width: int = 60) -> str:
    """Cells cut to `width` characters, pipes escaped, line breaks as spaces."""

    def cell(value: object) -> str:
        return str(value)[:width].replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
