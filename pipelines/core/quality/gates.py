"""Great Expectations between stages: running the saved suites on frames (built in `suite_frames`).

The GX project (suites, validation definitions, datasource) lives in `expectations/gx/` and is
edited there. At run time it is copied beside the warehouse (`<warehouse dir>/gx/`), so that
validation results and Data Docs are written with the warehouse they describe, not into the repo.
GX cannot validate DuckDB reliably through SQLAlchemy: each check reads its tables into a
DataFrame (`suite_frames`) and runs the saved validation definition on it.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.core.markdown import markdown_table
from pipelines.core.settings import REPO_ROOT
from pipelines.core.workers import worker_pool

EXPECTATIONS_DIR = REPO_ROOT / "expectations" / "gx"
# What is copied from the repo's GX project; the rest (uncommitted/: results, docs) is per warehouse.
GX_DEFINITIONS = ("great_expectations.yml", "expectations", "validation_definitions", "checkpoints", "plugins")
SAMPLE_SIZE = 10


@dataclass
class FailedExpectation:
    expectation: str
    column: str
    notes: str
    unexpected_count: int | None
    sample: list[Any]
    where: list[str] = field(default_factory=list)  # the failing rows' places: "bad.txt line 4 (bad/3)", "bad/1"


@dataclass
class SuiteResult:
    suite: str
    success: bool
    rows: int
    evaluated: int
    failed: list[FailedExpectation] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed on {self.rows} rows"
        return (
            f"{self.suite}: {len(self.failed)} of {self.evaluated} expectations failed on {self.rows} rows: "
            + "; ".join(
                f"{f.notes or f.expectation} ({f.unexpected_count} rows, e.g. {', '.join(f.where[:3]) or f.sample[:3]})"
                for f in self.failed
            )
        )

    def markdown(self) -> str:
        if not self.failed:
            return "All expectations passed."
        return markdown_table(
            ["expectation", "column", "failing rows", "where", "sample values"],
            [
                (
                    f.notes or f.expectation,
                    f.column,
                    f.unexpected_count,
                    ", ".join(f.where[:SAMPLE_SIZE]),
                    ", ".join(str(v) for v in f.sample[:SAMPLE_SIZE]),
                )
                for f in self.failed
            ],
            width=400,
        )


def merged(results: list[SuiteResult]) -> SuiteResult:
    """One suite's results on several batches of rows as one: it passes where every batch passed; an
    expectation's failing rows are counted over the batches, its samples and places taken in order."""
    by_expectation: dict[tuple[str, str, str], FailedExpectation] = {}
    for failure in (f for r in results for f in r.failed):
        key = (failure.expectation, failure.column, failure.notes)
        if key not in by_expectation:
            by_expectation[key] = FailedExpectation(*key, 0, [], [])
        kept = by_expectation[key]
        kept.unexpected_count = (kept.unexpected_count or 0) + (failure.unexpected_count or 0)
        kept.sample = (kept.sample + failure.sample)[: SAMPLE_SIZE * 2]
        kept.where = (kept.where + failure.where)[: SAMPLE_SIZE * 2]
    return SuiteResult(
        results[0].suite,
        all(r.success for r in results),
        sum(r.rows for r in results),
        max(r.evaluated for r in results),
        list(by_expectation.values()),
    )


def gx_root_for(warehouse: Path) -> Path:
    """The folder whose `gx/` holds this warehouse's copy of the GX project, results and docs."""
    return warehouse.parent


@lru_cache(maxsize=8)
def gx_context(root: Path):
    """A file context over a runtime copy of the repo's GX project (suites refreshed on each load)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    target = root / "gx"
    target.mkdir(parents=True, exist_ok=True)
    for name in GX_DEFINITIONS:
        source, dest = EXPECTATIONS_DIR / name, target / name
        if source.is_dir():
            shutil.copytree(source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, dest)
    return gx.get_context(mode="file", project_root_dir=str(root))


# The column a failing row is named by, in the summary and in the Data Docs (each checkpoint's
# unexpected_index_column_names): `bad.txt line 4 (bad/3)` where the frame says the file and line. The
# checkpoints ask for COMPLETE results: the Data Docs list the rows only from the full index list (SUMMARY
# renders counts alone), so a result file grows with its failing rows (~100 bytes each).
WHERE = "where"


def with_where(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with `where`: `file line N (report/task)` where it says the file and line, `file (report)` where
    only the file, else `report/task` (the keys it has)."""
    key = pl.concat_str(
        [pl.col(k).cast(pl.String) for k in ("report_id", "task_id") if k in frame.columns], separator="/"
    )
    if "source_file" not in frame.columns:
        return frame.with_columns(key.alias(WHERE))
    file = pl.col("source_file").str.replace(r"^.*[/\\]", "")
    line = pl.col("first_line") if "first_line" in frame.columns else pl.lit(None, pl.Int64)
    return frame.with_columns(
        pl.when(line.is_not_null() & file.is_not_null())
        .then(pl.format("{} line {} ({})", file, line, key))
        .when(file.is_not_null())
        .then(pl.format("{} ({})", file, key))
        .otherwise(key)
        .alias(WHERE)
    )


def _condition_columns(condition: object) -> set[str]:
    """The columns a saved row_condition reads (`{"column": {"name": ...}}`, nested in and/or groups)."""
    if isinstance(condition, dict):
        column = condition.get("column")
        found = {column["name"]} if isinstance(column, dict) and "name" in column else set()
        return found.union(*(_condition_columns(v) for v in condition.values()))
    if isinstance(condition, list):
        return set().union(*(_condition_columns(v) for v in condition))
    return set()


def suite_columns(suite: str) -> frozenset[str]:
    """The columns a suite's expectations read (their row conditions too), and the place its failing rows are
    reported by."""
    columns = {WHERE}
    saved = json.loads((EXPECTATIONS_DIR / "expectations" / f"{suite}.json").read_text(encoding="utf-8"))
    for expectation in saved["expectations"]:
        kwargs = expectation["kwargs"]
        columns |= {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs}
        columns |= set(kwargs.get("column_list", []))
        columns |= _condition_columns(kwargs.get("row_condition"))
    return frozenset(columns)


def _load_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations  # noqa: F401


class QualityGates:
    """Runs the saved suites for one warehouse, from `open()` to `close()` (or a `with` block).

    Importing Great Expectations takes ~2 s. With `in_worker`, a worker process loads it as soon as
    the gates open and the suites run there: `make run` opens them before it loads Dagster, so the
    two loads overlap on the second core. Otherwise the suites run in this process."""

    def __init__(self, warehouse: Path, in_worker: bool = False):
        self.root = gx_root_for(warehouse)
        self.in_worker = in_worker
        self._worker: ProcessPoolExecutor | None = None

    def __enter__(self) -> QualityGates:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        if self.in_worker and self._worker is None:
            self._worker = worker_pool(1, initializer=_load_gx)
            self._worker.submit(int)  # start it now rather than at the first check

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(cancel_futures=True)
            self._worker = None

    def validate(self, suite: str, frame: pl.DataFrame, run_name: str | None = None) -> SuiteResult:
        """Run the saved validation definition `suite` on the frame; results are kept under `run_name`."""
        # Only the columns the suite reads go to pandas: span and metric texts would multiply the memory.
        frame = with_where(frame)
        frame = frame.select([c for c in frame.columns if c in suite_columns(suite)])
        if self._worker is not None:
            return self._worker.submit(_validate, suite, frame, self.root, run_name).result()
        return _validate(suite, frame, self.root, run_name)


def _validate(suite: str, frame: pl.DataFrame, root: Path, run_name: str | None) -> SuiteResult:
    from great_expectations.core.run_identifier import RunIdentifier

    context = gx_context(root)
    # The saved checkpoint runs the saved validation definition and stores the result beside the
    # warehouse, for the Data Docs.
    run = context.checkpoints.get(suite).run(
        batch_parameters={"dataframe": frame.to_pandas()},
        run_id=RunIdentifier(run_name=run_name) if run_name else None,
    )
    result = next(iter(run.run_results.values()))
    failed = []
    for r in result.results:
        if r.success:
            continue
        kwargs = r.expectation_config.kwargs
        column = kwargs.get("column") or ", ".join(
            str(kwargs[k]) for k in ("column_A", "column_B", "column_list") if k in kwargs
        )
        failed.append(
            FailedExpectation(
                expectation=r.expectation_config.type,
                column=column,
                notes=(r.expectation_config.meta or {}).get("notes", ""),
                unexpected_count=r.result.get("unexpected_count"),
                sample=list(r.result.get("partial_unexpected_list") or [r.result.get("observed_value")]),
                where=[
                    str(row[WHERE])
                    for row in r.result.get("partial_unexpected_index_list") or []
                    if isinstance(row, dict) and WHERE in row
                ],
            )
        )
    return SuiteResult(suite, bool(result.success), frame.height, len(result.results), failed)
