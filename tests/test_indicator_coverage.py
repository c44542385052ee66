"""The canonical indicators' coverage as `make score` and the bench print it (pipelines/core/warehouse/coverage.py)."""

from __future__ import annotations

import duckdb

from pipelines.core.warehouse.coverage import (
    ReportCoverage,
    candidate_lines,
    coverage_by_report,
    coverage_lines,
    share,
    unmapped_candidates,
)


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_targets as select * from (values ('a', 'gdp_growth'), ('a', null), ('b', null)) "
        "t(report_id, indicator_code)"
    )
    con.execute(
        "create table marts.dim_metrics as select * from (values "
        "('新增学位', 'count', 'indicator', 3, 2, 2), ('市县长项目落地率', 'rate', 'none', 2, 2, 1), "
        "('只此一份', 'count', 'none', 1, 1, 1), ('', 'rate', 'none', 5, 3, 3)) "
        "t(metric, unit_kind, indicator_match, n_targets, n_reports, n_places)"
    )
    return con


def test_coverage_counts_each_reports_targets_with_an_indicator():
    coverage = coverage_by_report(_warehouse())
    assert coverage == [ReportCoverage("a", 2, 1), ReportCoverage("b", 1, 0)]
    assert share(coverage) == (1, 3)
    assert coverage_lines(coverage)[0].endswith("1/3 targets (33.3%)")


def test_the_candidates_are_unmapped_metrics_seen_in_more_than_one_report():
    candidates = unmapped_candidates(_warehouse())
    assert [c[0] for c in candidates] == ["市县长项目落地率"]  # mapped, single and empty metrics are not candidates
    assert "市县长项目落地率 [rate] none: 2 targets, 2 reports, 1 places" in candidate_lines(candidates)[1]
