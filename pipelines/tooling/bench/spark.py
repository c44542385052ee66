"""The heavy parts on Spark beside DuckDB, at 1 and 100 synthetic reports: the extraction (local worker processes
against `applyInArrow` on Spark, local mode) and the dbt marts (`dbt build` on the DuckDB file against staging
to Parquet plus `dbt build --target spark`, unit tests excluded as in a refresh), the Spark session's start-up
(JVM) once, each Spark-built mart compared with DuckDB's by value, and the peak memory of the JVM and of
this process tree. Each size's DuckDB warehouse is first built by the default pipeline.

    python -m pipelines.tooling.bench.spark [--sizes 1,100] [--out warehouse/bench]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.core.refresh import steps
from pipelines.core.settings import DBT_PROJECT_DIR, REPO_ROOT
from pipelines.core.spark.marts import (
    build_marts,
    compare_marts,
    export_sources,
    mart_locations,
    register_sources,
    schema_files,
)
from pipelines.core.warehouse import state
from pipelines.core.warehouse.tables import RAW_TARGET_MENTIONS
from pipelines.tooling.bench.corpus import generate
from pipelines.tooling.spark_check import build_reference

REFRESH_DBT_ARGS = ("--exclude-resource-type", "unit_test")


def peak_rss_mib(pid: int) -> float:
    """The largest resident set this process has had (VmHWM), in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += [int(c) for c in children]
        todo += [int(c) for c in children]
    return found


def jvm_pid() -> int | None:
    for pid in descendants(os.getpid()):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "java":
                return pid
        except OSError:
            continue
    return None


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def dbt_on_duckdb(warehouse: Path, target: Path) -> float:
    """`dbt build` as the refresh runs it (unit tests excluded), on the DuckDB file, as a fresh process."""
    dbt = str(Path(sys.executable).parent / "dbt")
    started = time.perf_counter()
    proc = subprocess.run(
        [
            dbt,
            "build",
            *REFRESH_DBT_ARGS,
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
            "--target-path",
            str(target),
        ],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt build on DuckDB failed:\n{proc.stdout[-2000:]}")
    return time.perf_counter() - started


def measure_size(spark, n_reports: int, work: Path) -> dict:
    from pipelines.core.extraction.batch import extract_mentions_to_files
    from pipelines.core.spark.extract import extract_mentions_on_spark

    raw, reference = work / "raw", work / "duckdb" / "warehouse.duckdb"
    generate(raw, n_reports)
    build_reference(raw, reference)
    row: dict = {"reports": n_reports}
    for engine in ("duckdb", "spark"):
        copy = work / f"{engine}.duckdb"
        shutil.copyfile(reference, copy)
        with duckdb.connect(str(copy)) as con:
            state.forget_table(con, RAW_TARGET_MENTIONS.qualified)  # every report extracted again
            extract = (
                extract_mentions_to_files
                if engine == "duckdb"
                else (lambda *args: extract_mentions_on_spark(spark, *args))
            )
            row[f"{engine}_extraction_s"], done = timed(steps.derive_mentions, con, f"bench-{engine}", extract)
            row["tasks"] = done.tasks
    row["duckdb_dbt_s"] = dbt_on_duckdb(work / "duckdb.duckdb", work / "dbt-duckdb")
    with duckdb.connect(str(work / "spark.duckdb")) as con:
        row["spark_staging_s"], _ = timed(lambda: register_sources(spark, export_sources(con, work / "staging")))
    row["spark_dbt_s"], dbt = timed(build_marts, work / "dbt-spark", REFRESH_DBT_ARGS)
    if not dbt.success:
        raise RuntimeError(f"dbt build --target spark failed: {dbt.error or dbt.failures()}")
    # Against the marts the DuckDB dbt build above wrote, from the staging the local workers extracted.
    with duckdb.connect(str(work / "duckdb.duckdb"), read_only=True) as con:
        compared = compare_marts(con, mart_locations(spark), schema_files(work / "dbt-spark"))
    row["marts"] = len(compared)
    row["marts_identical"] = sum(t.identical for t in compared)
    return row


def markdown(result: dict) -> str:
    lines = [
        f"Spark beside DuckDB {result['when']} on {result['cores']} cores, Spark {result['spark']} "
        f"(local[{result['cores']}]), Java {result['java']}",
        "",
        f"Spark session start-up (JVM, first query): {result['session_start_s']:.1f} s; peak RSS: JVM "
        f"{result['jvm_peak_mib']:.0f} MiB, this Python process {result['python_peak_mib']:.0f} MiB",
        "",
        "| reports | tasks | extraction: local workers | extraction: Spark | dbt build: DuckDB | "
        "staging to Parquet | dbt build: Spark | marts identical |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['reports']} | {r['tasks']:,} | {r['duckdb_extraction_s']:.1f} s | "
        f"{r['spark_extraction_s']:.1f} s | {r['duckdb_dbt_s']:.1f} s | {r['spark_staging_s']:.1f} s | "
        f"{r['spark_dbt_s']:.1f} s | {r['marts_identical']} of {r['marts']} |"
        for r in result["sizes"]
    ]
    if len(result["sizes"]) >= 2:
        a, b = result["sizes"][0], result["sizes"][-1]
        per = {
            k: (b[k] - a[k]) / (b["reports"] - a["reports"]) * 1000
            for k in ("duckdb_extraction_s", "spark_extraction_s", "duckdb_dbt_s", "spark_staging_s", "spark_dbt_s")
        }
        lines += ["", "Per added report (ms): " + ", ".join(f"{k.removesuffix('_s')} {v:.0f}" for k, v in per.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "warehouse" / "bench")
    args = parser.parse_args(argv)
    import pyspark

    from pipelines.core.spark.session import spark_session

    sizes = [int(s) for s in args.sizes.split(",")]
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "spark": pyspark.__version__,
        "sizes": [],
    }
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    result["java"] = java[0].split('"')[1] if java and '"' in java[0] else "?"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp, spark_session() as spark:
        spark.range(1).count()  # the first query: the JVM and the executors are up
        result["session_start_s"] = time.perf_counter() - started
        for n in sizes:
            result["sizes"].append(measure_size(spark, n, Path(tmp) / f"r{n}"))
            print(json.dumps(result["sizes"][-1]), flush=True)
        pid = jvm_pid()
        result["jvm_peak_mib"] = peak_rss_mib(pid) if pid else 0.0
    result["python_peak_mib"] = peak_rss_mib(os.getpid())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "spark.json").write_text(json.dumps(result, indent=2))
    table = markdown(result)
    (args.out / "spark.md").write_text(table)
    print(table)
    return 0 if all(r["marts_identical"] == r["marts"] for r in result["sizes"]) else 1


if __name__ == "__main__":
    sys.exit(main())
