"""Cells as written -> cells as staged (polars expressions over all reports' cells at once), and what is read
from the staged texts (a completion stated without a number, a text read in part)."""

from __future__ import annotations

import re

import polars as pl

from pipelines.core.rules import FULLWIDTH_TO_ASCII, MAX_READ_CHARS, STATED_COMPLETE_PHRASES, THOUSANDS_SPACE

_NOT_WORD = r"[^A-Za-z0-9]"


def _fullwidth_to_ascii(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(FULLWIDTH_TO_ASCII), list(FULLWIDTH_TO_ASCII.values()))


_THOUSANDS_SPACE = re.compile(THOUSANDS_SPACE[0])


def _join_thousands(expr: pl.Expr) -> pl.Expr:
    """Spaces grouping a number's thousands removed (THOUSANDS_SPACE), only in the cells that have one."""

    def join(text: str) -> str:
        return _THOUSANDS_SPACE.sub(lambda m: m[1] + re.sub(r"\D", "", m[2]), text)

    spaced = expr.str.contains(r"\d[ \x{a0}\x{202f}\x{2009}]\d{3}")
    return pl.when(spaced).then(expr.map_elements(join, return_dtype=pl.String)).otherwise(expr)


def normalise_text(expr: pl.Expr) -> pl.Expr:
    """Requirement/completion text: full-width ASCII to ASCII; whitespace (line breaks inside a
    cell, stray spaces) removed, since Chinese does not space its words, except one space between
    two ASCII words or numbers ("增长 7 %" -> "增长7%", "PPP 项目" -> "PPP项目", "Wi Fi" stays)."""
    expr = _join_thousands(_fullwidth_to_ascii(expr)).str.replace_all(r"\s+", " ")
    expr = expr.str.replace_all(f"({_NOT_WORD}) ", "$1").str.replace_all(f" ({_NOT_WORD})", "$1")
    return expr.str.strip_chars()


_STATEMENT = "|".join(p for p, scope, _ in STATED_COMPLETE_PHRASES if scope == "task")
# A clause ends at a break, and at an opening bracket: "已完成(完成30%…)" states it, the details follow.
_CLAUSE_BREAK = r"[,;:!?。(]"


def completion_statement(completion: pl.Expr) -> pl.Expr:
    """The first clause of a (normalised) completion text with a statement that the target was reached, if it
    has no number (a number there is an actual, read as such), else null."""
    clauses = completion.str.replace_all(_CLAUSE_BREAK, "\x00").str.split("\x00")
    clause = clauses.list.eval(pl.element().filter(pl.element().str.contains(_STATEMENT))).list.first()
    return pl.when(clause.str.contains(r"\d")).then(None).otherwise(clause)


def normalise_tasks(tasks: pl.DataFrame) -> pl.DataFrame:
    """Cells as written -> cells as staged; then what is read from the staged texts."""
    staged = tasks.with_columns(
        normalise_text(pl.col("requirement")),
        normalise_text(pl.col("completion")),
        normalise_units_cell(pl.col("units_raw")),
        normalise_units_cell(pl.col("lead_units_raw")),
        normalise_units_cell(pl.col("support_units_raw")),
    )
    return staged.with_columns(
        completion_statement(pl.col("completion")).alias("completion_statement"),
        pl.max_horizontal(pl.col(c).str.len_chars().fill_null(0) for c in ("requirement", "completion"))
        .gt(MAX_READ_CHARS)
        .alias("text_read_in_part"),
    )


def normalise_attributes(attributes: pl.DataFrame) -> pl.DataFrame:
    """Other columns' cells as staged: as a units cell is (full-width ASCII, whitespace collapsed)."""
    return attributes.with_columns(normalise_units_cell(pl.col("value")))


def normalise_units_cell(expr: pl.Expr) -> pl.Expr:
    """Units cell: full-width ASCII to ASCII; any whitespace run (line breaks too) to one space,
    since spaces separate unit names here. Stray spaces inside a name are mended by ``units``."""
    return _fullwidth_to_ascii(expr).str.replace_all(r"\s+", " ").str.strip_chars()
