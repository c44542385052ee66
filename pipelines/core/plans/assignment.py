"""Each report -> its plan: one place's work plan of one year and kind (重点工作, 民生实事 …).

A report's plan is what the report says of itself (place, year, plan type: `layout.identity`), where the
mapping file (`dbt_project/seeds/report_plans.csv`, edited by a data engineer) gives no other value. A report
whose plan type is unknown but whose place and year are known joins the plan of that place and year whose
tasks its own tasks match (PLAN_BY_TASKS_MIN_SHARE): a report saved under a name that does not say its kind
is still its plan's report. A report whose plan cannot be told has none. A plan's reports are taken in order:
`REPORT_KIND_ORDER`, then the months they cover.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from pipelines.core.plans.linking import link_text
from pipelines.core.rules import PLAN_BY_TASKS_MIN_SHARE, REPORT_KIND_ORDER, TASK_LINK_METHODS
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


def assign_plans(reports: pl.DataFrame, mapping: pl.DataFrame, tasks: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each report's place, year and plan type (the mapping's where it gives one), and its plan:
    `place-year-plan_type` when all three are known, else the plan its tasks match (`tasks`: report_id,
    requirement of the reports `task_match_candidates` names), else null."""
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
    out = out.with_columns(plan_id.alias("plan_id"))
    if tasks is not None and tasks.height:
        out = _joined_by_tasks(out, tasks)
    out = report_order(
        out.join(reports.select("report_id", "report_kind", "months_covered"), on="report_id", how="left")
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


def task_match_candidates(reports: pl.DataFrame) -> list[str]:
    """The reports whose tasks decide a plan: those of a place and year where some report's plan type is
    unknown (it may join a plan there), and the others of that place and year (the plans it may join)."""
    open_ = reports.filter(pl.col("plan_type").is_null() & pl.col("place").is_not_null() & pl.col("year").is_not_null())
    return reports.join(open_.select("place", "year").unique(), on=["place", "year"])["report_id"].to_list()


def _matched_share(texts: list[str], plan_texts: list[str]) -> float:
    """The share of `texts` that reach the lowest linking bar against one of `plan_texts`."""
    if not texts or not plan_texts:
        return 0.0
    scores = process.cdist(texts, plan_texts, scorer=fuzz.ratio, dtype=np.float64) / 100
    return float((scores.max(axis=1) >= min(bar for _, bar, _ in TASK_LINK_METHODS)).mean())


def _joined_by_tasks(out: pl.DataFrame, tasks: pl.DataFrame) -> pl.DataFrame:
    """Reports with no plan but a place and year: the plan of that place and year whose tasks theirs match best
    (at least PLAN_BY_TASKS_MIN_SHARE of them; two plans as good: neither)."""
    texts: dict[str, list[str]] = {}
    for report_id, requirement in tasks.select("report_id", "requirement").iter_rows():
        texts.setdefault(report_id, []).append(link_text(requirement))
    plans = out.filter(pl.col("plan_id").is_not_null())
    joined: dict[str, tuple[str, str]] = {}
    for report_id, place, year in (
        out.filter(pl.col("plan_id").is_null() & pl.col("place").is_not_null() & pl.col("year").is_not_null())
        .select("report_id", "place", "year")
        .iter_rows()
    ):
        shares = []
        for (plan_id, plan_type), members in plans.filter(
            (pl.col("place") == place) & (pl.col("year") == year)
        ).group_by("plan_id", "plan_type"):
            plan_texts = [t for member in members["report_id"] for t in texts.get(member, [])]
            shares.append((_matched_share(texts.get(report_id, []), plan_texts), plan_id, plan_type))
        shares.sort(reverse=True)
        if shares and shares[0][0] >= PLAN_BY_TASKS_MIN_SHARE and (len(shares) == 1 or shares[1][0] < shares[0][0]):
            joined[report_id] = (shares[0][1], shares[0][2])
    if not joined:
        return out
    found = pl.DataFrame(
        [(r, p, t) for r, (p, t) in joined.items()], schema=["report_id", "_plan_id", "_plan_type"], orient="row"
    )
    return (
        out.join(found, on="report_id", how="left")
        .with_columns(
            pl.coalesce("plan_id", "_plan_id").alias("plan_id"),
            pl.coalesce("plan_type", "_plan_type").alias("plan_type"),
            pl.when(pl.col("_plan_id").is_not_null())
            .then(pl.lit("tasks"))
            .otherwise(pl.col("plan_assigned_by"))
            .alias("plan_assigned_by"),
        )
        .drop("_plan_id", "_plan_type")
    )
