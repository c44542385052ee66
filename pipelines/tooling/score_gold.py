"""`make score`, second part: a folder of real tables with gold readings (../shared/data/real3: gold_tasks.json,
gold_targets.json) built into a warehouse of its own and compared with the gold, on two parts kept apart: the
tables used in development and a third held out (every third table in the order of its name's SHA-256, so the
split depends on nothing the code reads).

    python -m pipelines.tooling.score_gold [--gold DIR] [--part development|held_out|all] [--pinned FILE]

Layout figures per report and in total (a table): tasks right (the gold's tasks found; a report is right when
all are), units exact, lead units exact, leaders exact, progress text present (a found task the gold says has
progress has completion text). The held-out part prints its totals only, never a report's misses. The shared
`real` tables have no task gold of their own: their layout is scored against the readings pinned in
tests/data/real_readings.json (checked by hand against the files; read here without a warehouse).

Each table is built alone (one refused file, or one failed blocking check, still stops a whole refresh): a
table refused or not built is named, and none of its tasks or targets is found. A gold task is found when a
task of its report holds the start of its requirement; its units, lead units and leaders must then be the
same sets. A gold target is found when its task holds a target of the same value; its status must then be the
gold's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.core import settings
from pipelines.core.layout.tasks import read_or_quarantine
from pipelines.core.warehouse.coverage import ReportCoverage, candidate_lines, coverage_by_report, coverage_lines

GOLD_DIR = settings.REPO_ROOT.parent / "shared" / "data" / "real3"
PINNED_READINGS = settings.REPO_ROOT / "tests" / "data" / "real_readings.json"
PINNED_TABLES = settings.REPO_ROOT / "tests" / "data" / "real"
PARTS = ("development", "held_out")
# The layout figures: (column, counter of right ones, counter of the whole).
LAYOUT = (
    ("tasks", "tasks_found", "tasks"),
    ("units", "units_ok", "tasks_found"),
    ("lead units", "leads_ok", "tasks_found"),
    ("leaders", "leaders_ok", "tasks_found"),
    ("progress", "progress_ok", "progress_said"),
)


def held_out(files: list[str]) -> set[str]:
    """Every third file in the order of its name's SHA-256: a third of the tables, chosen by no content."""
    ordered = sorted(files, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    return set(ordered[::3])


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).replace("（", "(").replace("）", ")")


@dataclass
class GoldScore:
    files: int = 0
    refused: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    reports: dict[str, Counter] = field(default_factory=dict)  # the layout counts of each report
    coverage: list[ReportCoverage] = field(default_factory=list)  # the canonical indicators' (issue 31)
    unmapped: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)  # metric, unit kind, match -> reports

    def count(self, report: str, key: str, right: bool | int = 1) -> None:
        self.counts[key] += right
        self.reports.setdefault(report, Counter())[key] += right

    def layout_table(self, per_report: bool) -> list[str]:
        """The layout figures as a table: a line per report (when `per_report`), then the total."""
        lines = [f"  {'report':44}" + "".join(f"{name:>13}" for name, _, _ in LAYOUT)]

        def line(name: str, c: Counter) -> str:
            return f"  {name[:44]:44}" + "".join(f"{f'{c[r]}/{c[w]}' if c[w] else '-':>13}" for _, r, w in LAYOUT)

        if per_report:
            lines += [line(report, c) for report, c in sorted(self.reports.items())]
        total = self.counts
        lines.append(line("total", total))
        lines.append(
            f"  {'total, %':44}"
            + "".join(f"{f'{total[r] / total[w]:.1%}' if total[w] else '-':>13}" for _, r, w in LAYOUT)
        )
        right = sum(c["tasks_found"] == c["tasks"] for c in self.reports.values())
        lines.append(f"  reports with every task found: {right}/{len(self.reports)}")
        return lines

    def figures(self) -> dict[str, str]:
        c = self.counts

        def share(part: str, whole: str) -> str:
            return f"{c[part] / c[whole]:.1%} ({c[part]}/{c[whole]})" if c[whole] else "-"

        return {
            "tables built": f"{self.files - len(self.refused)}/{self.files}",
            "targets found": share("targets_found", "targets"),
            "status agrees": share("status_ok", "targets_found"),
            "met said, met": share("met_both", "met_said"),
            "missed said, missed": share("missed_both", "missed_said"),
        }


def build(table: Path | list[Path], workdir: Path) -> tuple[Path | None, str | None]:
    """The warehouse of one table (or of several together), or why there is none: a table refused as a whole,
    or a build that failed (a blocking check; one table's failure would hide the others', so gold tables are
    built alone)."""
    tables = table if isinstance(table, list) else [table]
    if len(tables) == 1 and (refused := read_or_quarantine(tables[0]).rejected_reason) is not None:
        return None, f"refused: {refused[:160]}"
    raw, warehouse, home = workdir / "raw", workdir / "warehouse.duckdb", workdir / "dagster"
    raw.mkdir(parents=True)
    home.mkdir()
    for each in tables:
        shutil.copy(each, raw / each.name)
    if (instance := settings.REPO_ROOT / ".dagster" / "dagster.yaml").is_file():
        shutil.copy(instance, home / "dagster.yaml")
    # A Dagster instance per build: builds at once in one instance race on its storage's first migration.
    env = {**os.environ, "PIPELINE_RAW_DIR": str(raw), "WAREHOUSE_PATH": str(warehouse), "PIPELINE_AUTOMATION": "off"}
    env["DAGSTER_HOME"] = str(home)
    run = subprocess.run([sys.executable, "-m", "pipelines.run"], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        error = next((line for line in run.stderr.splitlines() if line.startswith("error:")), run.stderr[-160:])
        return None, f"build failed: {error[:200]}"
    return warehouse, None


def _tasks(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    rows = con.execute(
        """
        select t.report_id, t.task_id, t.task_label, t.requirement, t.completion,
               list(distinct u.unit_name) filter (u.unit_name is not null) as units,
               list(distinct u.unit_name) filter (u.role = 'lead') as leads,
               (select list(distinct l.leader_name) from marts.fct_task_leaders l where l.task_key = t.task_key)
        from marts.dim_tasks t left join marts.fct_unit_assignments u using (task_key)
        group by all
        """
    ).fetchall()
    tasks: dict[str, list[dict]] = {}
    for report_id, task_id, label, requirement, completion, units, leads, leaders in rows:
        tasks.setdefault(report_id, []).append({"task_id": task_id, "label": (label or "").strip(),
                                                "requirement": _norm(requirement), "units": set(units or []),
                                                "leads": set(leads or []), "leaders": set(leaders or []),
                                                "progress": bool(_norm(completion))})  # fmt: skip
    return tasks


def _match(gold: dict, tasks: list[dict]) -> dict | None:
    """The task holding the start of the gold task's requirement (the same label first, where several do)."""
    prefix = _norm(gold.get("requirement_first_20_chars"))[:12]
    found = [t for t in tasks if prefix and prefix in t["requirement"]]
    same_label = [t for t in found if t["label"] == str(gold.get("task_label") or "").strip()]
    return (same_label or found or [None])[0]


def score_table(
    con: duckdb.DuckDBPyConnection | None, gold_tasks: list[dict], gold_targets: list[dict], result: GoldScore
) -> None:
    """One table's gold against its warehouse (None: not built, nothing found), added to `result`."""
    tasks = _tasks(con) if con is not None else {}
    matched: dict[tuple[str, int], dict] = {}
    for gold in gold_tasks:
        report = Path(gold["file"]).stem
        result.count(report, "tasks")
        task = _match(gold, tasks.get(report, []))
        if task is None:
            result.misses.append(f"{report} row {gold['row']}: task not found: {gold['requirement_first_20_chars']!r}")
            continue
        matched[(report, gold["row"])] = task
        result.count(report, "tasks_found")
        for key, want in (("units", "units"), ("leads", "lead_units"), ("leaders", "leaders")):
            ok = {_norm(u) for u in task[key]} == {_norm(u) for u in gold[want]}
            result.count(report, f"{key}_ok", ok)
            if not ok:
                result.misses.append(f"{report} row {gold['row']}: {want} {sorted(task[key])} != {gold[want]}")
        if gold.get("has_progress_text"):
            result.count(report, "progress_said")
            result.count(report, "progress_ok", task["progress"])
            if not task["progress"]:
                result.misses.append(f"{report} row {gold['row']}: no progress text")
    _score_targets(con, gold_targets, matched, result)
    if con is not None:
        result.coverage += coverage_by_report(con)
        for metric, kind, match, report_id in con.execute(UNMAPPED).fetchall():
            result.unmapped.setdefault((metric, kind, match), set()).add(report_id)


# The metrics of a table's targets with no canonical indicator, with their reports (each table is a warehouse of
# its own: recurrence is counted over the tables).
UNMAPPED = """
select distinct metrics.metric, metrics.unit_kind, metrics.indicator_match, targets.report_id
from marts.dim_metrics as metrics
inner join marts.fct_targets as targets
    on metrics.metric = coalesce(targets.metric, '') and metrics.unit_kind is not distinct from targets.unit_kind
where metrics.indicator_match <> 'indicator' and metrics.metric <> ''
"""


def _score_targets(con, gold_targets: list[dict], matched: dict, result: GoldScore) -> None:
    targets: dict[tuple[str, int], list[tuple]] = {}
    query = "select report_id, task_id, target_value, status from marts.fct_target_achievement order by all"
    for report_id, task_id, value, status in con.execute(query).fetchall() if con is not None else []:
        targets.setdefault((report_id, task_id), []).append((value, status))
    for gold in gold_targets:
        report = Path(gold["file"]).stem
        result.counts["targets"] += 1
        task = matched.get((report, gold["row"]))
        candidates = targets.get((report, task["task_id"]), []) if task else []
        hit = next((t for t in candidates if abs(t[0] - float(gold["target_value"])) < 1e-9), None)
        if hit is None:
            result.misses.append(f"{report} row {gold['row']}: target not found: {gold['target_text']!r}")
            continue
        candidates.remove(hit)
        status = hit[1]
        result.counts["targets_found"] += 1
        result.counts["status_ok"] += status == gold["status"]
        for verdict in ("met", "missed"):
            result.counts[f"{verdict}_said"] += status == verdict
            result.counts[f"{verdict}_both"] += status == gold["status"] == verdict
        if status != gold["status"]:
            result.misses.append(
                f"{report} row {gold['row']}: status {status} != {gold['status']}: {gold['target_text']!r}"
            )


def score_pinned(readings: Path, tables: Path) -> GoldScore:
    """The shared real tables' layout against their pinned readings (tests/data/real_readings.json), each table
    read as `make run` reads it (no warehouse: the layout is all that is compared)."""
    from pipelines.core.units.names import unit_assignments

    result = GoldScore()
    for report_id, pinned in sorted(json.loads(readings.read_text(encoding="utf-8")).items()):
        result.files += 1
        read = read_or_quarantine(tables / f"{report_id}.txt")
        if read.rejected_reason is not None:
            result.refused.append(f"{report_id}: refused: {read.rejected_reason[:160]}")
        assignments = unit_assignments(read.tasks) if read.tasks.height else None
        found = {}
        for t in read.tasks.iter_rows(named=True):
            units = assignments.filter(task_id=t["task_id"])
            found[_norm(t["requirement"])[:12]] = {
                "units": set(units["unit_name"]),
                "leads": set(units.filter(role="lead")["unit_name"]),
                "leaders": set(read.leaders.filter(task_id=t["task_id"])["leader_name"]),
                "progress": bool(_norm(t["completion"])),
            }
        for gold in pinned["tasks"]:
            result.count(report_id, "tasks")
            task = found.get(_norm(gold["requirement_starts"])[:12])
            if task is None:
                result.misses.append(f"{report_id} task {gold['task_id']}: not found: {gold['requirement_starts']!r}")
                continue
            result.count(report_id, "tasks_found")
            want = {"units": {*gold["lead"], *gold["support"], *gold["sole_or_joint"]}, "leads": set(gold["lead"])}
            want["leaders"] = set(gold["leaders"])
            for key in ("units", "leads", "leaders"):
                result.count(report_id, f"{key}_ok", task[key] == want[key])
                if task[key] != want[key]:
                    result.misses.append(f"{report_id} task {gold['task_id']}: {key} {sorted(task[key])}")
            if gold["completion_starts"]:
                result.count(report_id, "progress_said")
                result.count(report_id, "progress_ok", task["progress"])
    return result


def score_gold_folder(gold_dir: Path, part: str) -> dict[str, GoldScore]:
    """Each table of the gold folder built alone and scored, in the parts asked for."""
    gold_tasks = json.loads((gold_dir / "gold_tasks.json").read_text(encoding="utf-8"))
    gold_targets = json.loads((gold_dir / "gold_targets.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in gold_dir.iterdir() if p.suffix == ".txt")
    aside = held_out(files)
    results = {p: GoldScore() for p in (PARTS if part == "all" else (part,))}
    chosen = [name for name in files if ("held_out" if name in aside else "development") in results]
    with tempfile.TemporaryDirectory(prefix="score-gold-") as tmp, ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        # One build per table, as many at once as there are cores (each is a process of its own).
        builds = pool.map(lambda n: build(gold_dir / chosen[n], Path(tmp) / str(n)), range(len(chosen)))
        for name, (warehouse, problem) in zip(chosen, builds, strict=True):
            result = results["held_out" if name in aside else "development"]
            result.files += 1
            if problem:
                result.refused.append(f"{name}: {problem}")
            tasks = [t for t in gold_tasks if t["file"] == name]
            targets = [t for t in gold_targets if t["file"] == name]
            if warehouse is None:
                score_table(None, tasks, targets, result)
                continue
            with duckdb.connect(str(warehouse), read_only=True) as con:
                score_table(con, tasks, targets, result)
    return results


def report(title: str, result: GoldScore, detail: bool, figures: bool = True) -> None:
    """One part's figures; `detail`: per report, what was not built, and every miss."""
    print(f"{title} ({result.files} tables)")
    print("\n".join(result.layout_table(per_report=detail)))
    if figures:
        for label, figure in result.figures().items():
            print(f"  {label:22} {figure}")
    if result.coverage:  # the pinned readings build no warehouse
        print("\n".join(coverage_lines(result.coverage, per_report=detail)))
    if result.coverage and detail:
        recurring = sorted(
            ((m, k, match, 0, len(r), len(r)) for (m, k, match), r in result.unmapped.items() if len(r) > 1),
            key=lambda c: (-c[4], c[0]),
        )
        print("\n".join(candidate_lines(recurring)))
    print(f"  not built: {len(result.refused)}")
    if detail:  # the held-out part's failures stay unread until the work is done
        print("\n".join(f"    {line}" for line in result.refused))
        print(f"  misses ({len(result.misses)}):")
        print("\n".join(f"    {m}" for m in result.misses))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument("--pinned", type=Path, default=PINNED_READINGS, help="pinned readings of tests/data/real")
    args = parser.parse_args()
    if args.pinned.is_file():
        report(f"pinned: {args.pinned.name}", score_pinned(args.pinned, PINNED_TABLES), detail=True, figures=False)
    if not (args.gold / "gold_tasks.json").is_file():
        print(f"score_gold: no gold at {args.gold}: skipped")
        return 0
    for part, result in score_gold_folder(args.gold, args.part).items():
        report(f"gold: {args.gold.name}, {part}", result, detail=part == "development")
    return 0


if __name__ == "__main__":
    sys.exit(main())
