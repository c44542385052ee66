"""`make spark`: the warehouse built again on Spark, and compared with DuckDB's by value.

1. The default pipeline (`python -m pipelines.run`) builds the DuckDB warehouse of the raw folder: the reference.
2. In one Spark session (local mode unless `SPARK_MASTER`), on a copy of it: every report's targets, actuals
   and pairs are extracted again on Spark (the step the `extraction` resource runs with engine `spark`), and
   compared with the reference's staging tables.
3. The copy's staging tables go to Spark as Parquet; `dbt build --target spark` builds the seeds, models, data
   tests and unit tests, the marts as Parquet tables; each is compared with DuckDB's mart of the same name.

Prints one line per table; exit status 1 on any difference or dbt failure. The Spark-built marts stay under
`<out>/spark-warehouse/marts.db/` for DuckDB to read (`read_parquet`; the per-report marts partitioned by
report: `…/fct_target_achievement/report_id=…/`).

    python -m pipelines.tooling.spark_check [--raw raw] [--out warehouse/spark] [--warehouse FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.core import settings
from pipelines.core.refresh import steps
from pipelines.core.spark.marts import (
    DbtOnSpark,
    TableComparison,
    build_marts,
    compare_marts,
    compare_relations,
    export_sources,
    mart_locations,
    register_sources,
    schema_files,
)
from pipelines.core.warehouse import state
from pipelines.core.warehouse.tables import RAW_ACTUAL_MENTIONS, RAW_TARGET_MENTIONS, RAW_TARGET_PAIRS

EXTRACTED = (RAW_TARGET_MENTIONS, RAW_ACTUAL_MENTIONS, RAW_TARGET_PAIRS)


@dataclass
class SparkCheck:
    extraction: list[TableComparison]
    marts: list[TableComparison]
    dbt: DbtOnSpark
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.dbt.success and all(t.identical for t in self.extraction + self.marts)


def build_reference(raw_dir: Path, warehouse: Path) -> None:
    """The DuckDB warehouse of the raw folder, as `make run` builds it (a Dagster home of its own)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dagster-home-") as home:
        shutil.copy(settings.REPO_ROOT / ".dagster" / "dagster.yaml", Path(home) / "dagster.yaml")
        env = {
            **os.environ,
            "PIPELINE_RAW_DIR": str(raw_dir),
            "WAREHOUSE_PATH": str(warehouse),
            "DAGSTER_HOME": home,
            "PIPELINE_EXTRACTION_ENGINE": "local",
        }
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.run"], cwd=settings.REPO_ROOT, env=env, capture_output=True, text=True
        )
    if proc.returncode != 0:
        raise RuntimeError(f"the DuckDB build of {raw_dir} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def check_on_spark(spark, reference: Path, out: Path) -> SparkCheck:
    """Steps 2 and 3 above on a copy of the `reference` warehouse (left as it is), in `out`."""
    from pipelines.core.spark.extract import extract_mentions_on_spark

    seconds: dict[str, float] = {}
    out.mkdir(parents=True, exist_ok=True)
    copy = out / "warehouse.duckdb"
    shutil.copyfile(reference, copy)
    with duckdb.connect(str(copy)) as con:
        # Every report extracted again: the copy forgets which readings its mention tables hold.
        state.forget_table(con, RAW_TARGET_MENTIONS.qualified)
        started = time.perf_counter()
        steps.derive_mentions(con, "spark-check", lambda *args: extract_mentions_on_spark(spark, *args))
        seconds["extraction"] = time.perf_counter() - started
        con.execute(f"attach '{reference}' as reference (read_only)")
        extraction = [compare_relations(con, t.name, t.qualified, f"reference.{t.qualified}") for t in EXTRACTED]
        con.execute("detach reference")

        started = time.perf_counter()
        register_sources(spark, export_sources(con, out / "staging"))
        seconds["staging to Parquet"] = time.perf_counter() - started
        started = time.perf_counter()
        dbt = build_marts(out / "dbt")
        seconds["dbt build"] = time.perf_counter() - started
        marts = compare_marts(con, mart_locations(spark), schema_files(out / "dbt")) if dbt.success else []
    return SparkCheck(extraction, marts, dbt, seconds)


def print_check(check: SparkCheck, out=sys.stdout) -> None:
    print(f"{'table':<28} {'duckdb rows':>11} {'spark rows':>10}  result", file=out)
    for kind, tables in (("extraction", check.extraction), ("mart", check.marts)):
        for t in tables:
            said = (
                "identical"
                if t.identical
                else (
                    f"DIFFERENT: {t.only_in_duckdb} rows only in DuckDB, {t.only_in_spark} only in Spark"
                    + (f", columns {', '.join(t.columns_differ)}" if t.columns_differ else "")
                )
            )
            print(f"{kind + ' ' + t.name:<28} {t.duckdb_rows:>11} {t.spark_rows:>10}  {said}", file=out)
    if not check.dbt.success:
        print(f"dbt build --target spark failed: {check.dbt.error or check.dbt.failures()}", file=out)
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in check.seconds.items()), file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=settings.raw_dir())
    parser.add_argument("--out", type=Path, default=settings.warehouse_path().parent / "spark")
    parser.add_argument("--warehouse", type=Path, help="a built DuckDB warehouse to compare with (else built here)")
    args = parser.parse_args(argv)
    from pipelines.core.spark.session import spark_session

    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    reference = args.warehouse
    started = time.perf_counter()
    if reference is None:
        reference = out / "duckdb" / "warehouse.duckdb"
        build_reference(args.raw, reference)
    built = time.perf_counter() - started
    started = time.perf_counter()
    with spark_session(warehouse_dir=out / "spark-warehouse") as spark:
        session = time.perf_counter() - started
        check = check_on_spark(spark, reference, out / "build")
    check.seconds = {"DuckDB pipeline": built, "Spark session": session, **check.seconds}
    print_check(check)
    print(f"Spark-built marts (Parquet): {out / 'spark-warehouse' / 'marts.db'}")
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
