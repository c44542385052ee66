"""`make score`: compare the warehouse's targets, pairings and statuses with hand labels.

    python -m pipelines.tooling.score [--labels PATH] [--report-id ID] [--warehouse PATH]

Labels follow ../shared/data/labels/GUIDE.md: per task, the targets with span, value, unit,
comparator, direction, the paired actual (or null) and the status. A labelled target is *found*
when an extracted target of the same task has the same value and a span that overlaps the label's
span. Targets labelled `scope` neither count for recall nor make an extracted target false.

Prints target recall, the share of extracted targets that are false, comparator, pairing and
status accuracy (over found targets), then every miss.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

import duckdb

from pipelines.core import settings
from pipelines.core.warehouse.coverage import candidate_lines, coverage_by_report, coverage_lines, unmapped_candidates

LABELS_DIR = settings.REPO_ROOT.parent / "shared" / "data" / "labels"
# Labels of our own, for the shared real tables (each entry names its report_id), scored against a warehouse
# built of those tables when the warehouse given holds none of their reports.
OWN_LABELS_DIR = settings.REPO_ROOT / "tests" / "data" / "labels"
OWN_TABLES_DIR = settings.REPO_ROOT / "tests" / "data" / "real"
DEFAULT_REPORT_ID = "shaoxing-2020-work-progress"


@dataclass
class Extracted:
    target_seq: int
    value: float
    unit: str
    comparator: str
    span: str
    start: int
    end: int
    actual_value: float | None
    actual_span: str | None
    actual_start: int | None
    actual_end: int | None
    status: str
    pace: str | None = None


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    extracted: int = 0
    false: int = 0
    comparator_ok: int = 0
    pairing_ok: int = 0
    status_ok: int = 0
    missed_said: int = 0  # targets the warehouse calls missed
    missed_labelled: int = 0  # targets the labels call missed
    missed_both: int = 0
    met_said: int = 0  # targets the warehouse calls met
    met_both: int = 0
    pace_labelled: int = 0  # targets whose label gives a pace (an in-year shortfall)
    pace_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> Score:
        """Counts of two label sets together."""
        counts = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self) if f.type == "int"}
        return Score(**counts, misses=self.misses + other.misses)

    def figures(self) -> dict[str, float]:
        found = self.found or 1
        return {
            "target_recall": self.found / (self.labelled or 1),
            "false_target_share": self.false / (self.extracted or 1),
            "comparator_accuracy": self.comparator_ok / found,
            "pairing_accuracy": self.pairing_ok / found,
            "status_accuracy": self.status_ok / found,
            # A wrong `missed` accuses a department: its precision is the figure that matters most.
            "missed_precision": self.missed_both / self.missed_said if self.missed_said else 1.0,
            "missed_recall": self.missed_both / self.missed_labelled if self.missed_labelled else 1.0,
            # A wrong `met` hides a shortfall: the issue's bar is 97% on other places' tables.
            "met_precision": self.met_both / self.met_said if self.met_said else 1.0,
            # Only where labels give a pace (GUIDE: parts of the year).
            **({"pace_agreement": self.pace_ok / self.pace_labelled} if self.pace_labelled else {}),
        }


def _locate(text: str, span: str) -> tuple[int, int]:
    start = text.find(span)
    return (start, start + len(span)) if start >= 0 else (-1, -1)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] >= 0 and b[0] >= 0 and a[0] < b[1] and b[0] < a[1]


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def load_extracted(con: duckdb.DuckDBPyConnection, report_id: str) -> tuple[dict, dict[int, list[Extracted]]]:
    tasks = {
        task_id: (req, comp)
        for task_id, req, comp in con.execute(
            "select task_id, requirement, completion from marts.dim_tasks where report_id = ?", [report_id]
        ).fetchall()
    }
    rows = con.execute(
        """
        select t.task_id, t.target_seq, t.value, t.unit, t.comparator, t.span, t.span_start, t.span_end,
               a.value, a.span, a.span_start, a.span_end, x.status, x.pace
        from marts.fct_targets t
        join marts.fct_target_achievement x using (task_key, target_seq)
        left join marts.fct_actuals a on a.task_key = x.task_key and a.actual_seq = x.actual_seq
        where t.report_id = ?
        order by t.task_id, t.target_seq
        """,
        [report_id],
    ).fetchall()
    by_task: dict[int, list[Extracted]] = {}
    for task_id, *rest in rows:
        by_task.setdefault(task_id, []).append(Extracted(*rest))
    return tasks, by_task


def score(labels: list[dict], tasks: dict, extracted: dict[int, list[Extracted]]) -> Score:
    result = Score()
    for label in labels:
        task_id = label["task_id"]
        requirement, completion = tasks[task_id]
        candidates = list(extracted.get(task_id, []))
        matched: set[int] = set()
        scope_matched: set[int] = set()
        for target in label["targets"]:
            where = _locate(requirement, target["span"])
            hit = next(
                (
                    e
                    for e in candidates
                    if e.target_seq not in matched
                    and e.target_seq not in scope_matched
                    and _same(e.value, target["value"])
                    and _overlaps((e.start, e.end), where)
                ),
                None,
            )
            if target.get("scope"):
                if hit:
                    scope_matched.add(hit.target_seq)
                continue
            result.labelled += 1
            if hit is None:
                result.misses.append(
                    f"task {task_id}: target not found: {target['span']!r} ({target['value']}{target['unit']})"
                )
                continue
            matched.add(hit.target_seq)
            _score_found(result, task_id, target, hit, completion)
        for e in candidates:
            if e.target_seq in scope_matched:
                continue
            result.extracted += 1
            if e.target_seq not in matched:
                result.false += 1
                result.misses.append(f"task {task_id}: false target: {e.span!r} ({e.value:g}{e.unit})")
    return result


def _score_found(result: Score, task_id: int, target: dict, hit: Extracted, completion: str) -> None:
    """A labelled target found: its comparator, its pairing and its status against the label's."""
    result.found += 1
    if hit.comparator == target["comparator"]:
        result.comparator_ok += 1
    else:
        result.misses.append(
            f"task {task_id}: comparator {hit.comparator} != {target['comparator']}: {target['span']!r}"
        )
    actual = target.get("actual")
    if actual is None:
        paired_ok = hit.actual_span is None
    else:
        paired_ok = _same(
            abs(hit.actual_value) if hit.actual_value is not None else None, abs(actual["value"])
        ) and _overlaps((hit.actual_start, hit.actual_end), _locate(completion, actual["span"]))
    if paired_ok:
        result.pairing_ok += 1
    else:
        want = f"{actual['span']!r}" if actual else "no actual"
        got = f"{hit.actual_span!r}" if hit.actual_span else "no actual"
        result.misses.append(f"task {task_id}: pairing {target['span']!r}: got {got}, want {want}")
    result.missed_said += hit.status == "missed"
    result.missed_labelled += target["status"] == "missed"
    result.missed_both += hit.status == target["status"] == "missed"
    result.met_said += hit.status == "met"
    result.met_both += hit.status == target["status"] == "met"
    if target.get("pace"):
        result.pace_labelled += 1
        result.pace_ok += hit.pace == target["pace"]
        if hit.pace != target["pace"]:
            result.misses.append(f"task {task_id}: pace {hit.pace} != {target['pace']}: {target['span']!r}")
    if hit.status == target["status"]:
        result.status_ok += 1
    else:
        result.misses.append(f"task {task_id}: status {hit.status} != {target['status']}: {target['span']!r}")


def score_files(con: duckdb.DuckDBPyConnection, label_files: list[Path]) -> dict[str, Score]:
    """Each label file scored against the warehouse, and all together ("all label sets"). An entry names
    its report (`report_id`, the seed's when absent); entries of reports not in the warehouse are left out."""
    loaded: dict[str, tuple[dict, dict]] = {}
    results: dict[str, Score] = {}
    for label_file in label_files:
        by_report: dict[str, list[dict]] = {}
        for entry in json.loads(label_file.read_text(encoding="utf-8")):
            by_report.setdefault(entry.get("report_id", DEFAULT_REPORT_ID), []).append(entry)
        result = Score()
        for report_id, labels in by_report.items():
            if report_id not in loaded:
                loaded[report_id] = load_extracted(con, report_id)
            tasks, extracted = loaded[report_id]
            labels = [label for label in labels if label["task_id"] in tasks]
            part = score(labels, tasks, extracted)
            part.misses = [f"{report_id} {m}" if report_id != DEFAULT_REPORT_ID else m for m in part.misses]
            result = result.add(part)
        results[label_file.name] = result
    return with_total(results)


def with_total(results: dict[str, Score]) -> dict[str, Score]:
    """The results and, where there are several, all of them together ("all label sets")."""
    results = {name: r for name, r in results.items() if name != "all label sets"}
    if len(results) > 1:
        total = Score()
        for result in results.values():
            total = total.add(result)
        results["all label sets"] = total
    return results


def _report_ids(label_file: Path) -> set[str]:
    return {e.get("report_id", DEFAULT_REPORT_ID) for e in json.loads(label_file.read_text(encoding="utf-8"))}


def _tables_of(label_file: Path, tables_dir: Path) -> list[Path]:
    """The tables in `tables_dir` whose reports the label file names (a report id is its file's stem)."""
    wanted = _report_ids(label_file)
    return sorted(p for p in tables_dir.glob("*") if p.is_file() and p.stem in wanted)


def score_own_tables(label_file: Path, tables: list[Path]) -> tuple[dict[str, Score], list[str]]:
    """A label file scored against a warehouse built of its own tables (in a temporary folder), and that
    warehouse's indicator coverage as printed."""
    from pipelines.tooling.score_gold import build

    with tempfile.TemporaryDirectory() as tmp:
        warehouse, problem = build(tables, Path(tmp))
        if warehouse is None:
            raise RuntimeError(f"no warehouse of {len(tables)} tables for {label_file.name}: {problem}")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return score_files(con, [label_file]), indicator_lines(con)


def indicator_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's indicator coverage per report and its recurring unmapped metrics (issue 31)."""
    return coverage_lines(coverage_by_report(con)) + candidate_lines(unmapped_candidates(con))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--labels",
        type=Path,
        action="append",
        help="a labels file (repeatable); default: every dev_targets*.json in ../shared/data/labels "
        "and every file in tests/data/labels",
    )
    parser.add_argument("--warehouse", type=Path, default=settings.warehouse_path())
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    label_files = args.labels or [*sorted(LABELS_DIR.glob("dev_targets*.json")), *sorted(OWN_LABELS_DIR.glob("*.json"))]
    if not label_files or not all(f.exists() for f in label_files):
        print(f"error: labels not found: {label_files or LABELS_DIR}", file=sys.stderr)
        return 2
    if not args.warehouse.exists():
        print(f"error: no warehouse at {args.warehouse}: run `make run` first", file=sys.stderr)
        return 2
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        present = {r for (r,) in con.execute("select report_id from marts.dim_reports").fetchall()}
        elsewhere = {f: t for f in label_files if not _report_ids(f) & present and (t := _tables_of(f, OWN_TABLES_DIR))}
        results = score_files(con, [f for f in label_files if f not in elsewhere])
        coverage = {args.warehouse.name: indicator_lines(con)}
    for label_file, tables in elsewhere.items():
        print(f"labels: {label_file.name}: building a warehouse of {len(tables)} tables in {OWN_TABLES_DIR.name}/")
        scored, coverage[f"the tables of {label_file.name}"] = score_own_tables(label_file, tables)
        results |= scored
    results = with_total(results)
    if args.json:
        print(json.dumps({name: r.figures() for name, r in results.items()}, indent=2))
        return 0
    for name, result in results.items():
        print(
            f"labels: {name} ({result.labelled} targets; extracted in those tasks: {result.extracted}, "
            f"{result.found} found; missed: {result.missed_labelled} labelled, {result.missed_said} said)"
        )
        for figure, value in result.figures().items():
            print(f"  {figure:<22} {value:6.1%}")
        if name != "all label sets":
            print(f"  misses ({len(result.misses)}):")
            for miss in result.misses:
                print(f"    {miss}")
    for name, lines in coverage.items():
        print(f"indicators: {name}")
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
