"""Each report -> its plan: one place's work plan of one year and kind (重点工作, 民生实事 …).

A report's plan is what the report says of itself (place, year, plan type: `layout.identity`), where the
mapping file (`dbt_project/seeds/report_plans.csv`, edited by a data engineer) gives no other value; a report
whose plan cannot be told has none. A plan's reports are taken in order: `REPORT_KIND_ORDER`, then the months
they cover.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from pipelines.core.rules import REPORT_KIND_ORDER
from pipelines.core.warehouse.tables import RAW_REPORT_PLANS

MAPPING_COLUMNS = ("report_id", "place", "year", "plan_type", "note")


class MappingError(ValueError):
    pass


def read_report_plans(path: Path) -> pl.DataFrame:
    """The mapping file: a row per report whose plan its own words do not tell (blank cells keep the report's)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != MAPPING_COLUMNS:
            raise MappingError(f"{path}: line 1: the columns must be {', '.join(MAPPING_COLUMNS)}")
        rows, seen = [], {}
        for line, row in enumerate(reader, start=2):
            year = (row["year"] or "").strip()
            if year and not year.isdigit():
                raise MappingError(f"{path}: line {line}: year {year!r} is not a year")
            if (report_id := row["report_id"].strip()) in seen:
                raise MappingError(f"{path}: line {line}: {report_id} is already on line {seen[report_id]}")
            seen[report_id] = line
            rows.append(
                {
                    "report_id": report_id,
                    "place": (row["place"] or "").strip() or None,
                    "year": int(year) if year else None,
                    "plan_type": (row["plan_type"] or "").strip() or None,
                }
            )
    return pl.DataFrame(
        rows, schema={"report_id": pl.String, "place": pl.String, "year": pl.Int64, "plan_type": pl.String}
    )


def assign_plans(reports: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """Each report's place, year and plan type (the mapping's where it gives one), and its plan:
    `place-year-plan_type` when all three are known, else null."""
    given = mapping.rename({c: f"{c}_mapped" for c in ("place", "year", "plan_type")})
    joined = reports.select("report_id", "place", "year", "plan_type").join(given, on="report_id", how="left")
    mapped = pl.any_horizontal(pl.col(f"{c}_mapped").is_not_null() for c in ("place", "year", "plan_type"))
    out = joined.select(
        "report_id",
        *(pl.coalesce(f"{c}_mapped", c).alias(c) for c in ("place", "year", "plan_type")),
        pl.when(mapped).then(pl.lit("mapping")).otherwise(pl.lit("report")).alias("plan_assigned_by"),
    )
    known = pl.all_horizontal(pl.col(c).is_not_null() for c in ("place", "year", "plan_type"))
    plan_id = pl.when(known).then(pl.concat_str("place", pl.col("year").cast(pl.String), "plan_type", separator="-"))
    out = report_order(
        out.with_columns(plan_id.alias("plan_id")).join(
            reports.select("report_id", "report_kind", "months_covered"), on="report_id", how="left"
        )
    )
    seq = pl.int_range(1, pl.len() + 1).over(pl.col("plan_id").fill_null(pl.col("report_id")))
    return out.with_columns(seq.alias("report_seq")).select(list(RAW_REPORT_PLANS.schema))


def report_order(reports: pl.DataFrame) -> pl.DataFrame:
    """A plan's reports in the order their tasks become plan tasks."""
    rank = {kind: i for i, kind in enumerate(REPORT_KIND_ORDER)}
    return (
        reports.with_columns(
            pl.col("report_kind").replace_strict(rank, default=len(rank), return_dtype=pl.Int64).alias("_rank"),
        )
        .sort("_rank", "months_covered", "report_id", nulls_last=True)
        .drop("_rank")
    )
