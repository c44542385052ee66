"""How much of a warehouse's targets the canonical indicators cover (marts.dim_metrics), report by report, and
the metrics that recur without one: the candidates for a new row of dbt_project/seeds/indicator_aliases.csv.

    coverage_by_report(con) -> [ReportCoverage("shaoxing-2020-work-progress", targets=215, with_indicator=16)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

COVERAGE = """
select report_id, count(*), count(indicator_code)
from marts.fct_targets
group by report_id
order by report_id
"""

# Unmapped metrics seen in more than one report (or place), the most widespread first.
CANDIDATES = """
select metric, unit_kind, indicator_match, n_targets, n_reports, n_places
from marts.dim_metrics
where indicator_match <> 'indicator' and metric <> '' and (n_reports > 1 or n_places > 1)
order by n_places desc, n_reports desc, n_targets desc, metric
limit ?
"""


@dataclass(frozen=True)
class ReportCoverage:
    report_id: str
    targets: int
    with_indicator: int


def coverage_by_report(con: duckdb.DuckDBPyConnection) -> list[ReportCoverage]:
    """Each report's targets and, of them, those with a canonical indicator."""
    return [ReportCoverage(*row) for row in con.execute(COVERAGE).fetchall()]


def unmapped_candidates(con: duckdb.DuckDBPyConnection, limit: int = 15) -> list[tuple]:
    """(metric, unit_kind, indicator_match, n_targets, n_reports, n_places) of the recurring unmapped metrics (a
    caller that cannot count the targets gives 0)."""
    return con.execute(CANDIDATES, [limit]).fetchall()


def share(coverages: Iterable[ReportCoverage]) -> tuple[int, int]:
    """(targets with an indicator, targets) over the reports."""
    found = list(coverages)
    return sum(c.with_indicator for c in found), sum(c.targets for c in found)


def coverage_lines(coverages: list[ReportCoverage], per_report: bool = True) -> list[str]:
    """The coverage as printed by `make score` and the bench: the total, then each report's."""
    mapped, targets = share(coverages)
    lines = [f"  indicator coverage     {mapped}/{targets} targets{_percent(mapped, targets)}"]
    if per_report:
        lines += [
            f"    {c.report_id:48} {c.with_indicator}/{c.targets}{_percent(c.with_indicator, c.targets)}"
            for c in coverages
        ]
    return lines


def candidate_lines(candidates: list[tuple]) -> list[str]:
    """The recurring unmapped metrics, one a line, for a person to review."""
    lines = [f"  unmapped metrics that recur ({len(candidates)}; candidates for seeds/indicator_aliases.csv):"]
    lines += [
        f"    {metric} [{kind}] {match}: " + (f"{n} targets, " if n else "") + f"{reports} reports, {places} places"
        for metric, kind, match, n, reports, places in candidates
    ]
    return lines


def _percent(part: int, whole: int) -> str:
    return f" ({100 * part / whole:.1f}%)" if whole else ""
