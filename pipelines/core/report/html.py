"""The achievement report: one self-contained HTML file an analyst can open offline, in Chinese (REPORT_LANGUAGE=en
for English: words.py).

Headline counts, then per report (place, year, period: never pooled) its targets by accountable unit and
by unit type (plotly's basic bundle inlined once), the places compared on the canonical indicators they share,
the missed targets grouped by report with target and actual side by side and the text they were read from, the
targets to review, and the tasks that set no numeric target. Built from the published warehouse.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import plotly.graph_objects as go
from jinja2 import Environment
from markupsafe import Markup

from pipelines.core import settings
from pipelines.core.report.words import words
from pipelines.core.warehouse.coverage import coverage_by_report, share

STATUS_COLOURS = {"met": "#2e7d32", "missed": "#c62828", "unknown": "#9e9e9e"}
# Names common CJK fonts of each system, so Chinese text never shows as squares where one of them is installed.
FONT_STACK = (
    'system-ui, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "Heiti SC", SimHei, sans-serif'
)
# plotly.js's basic bundle (bar, scatter, pie: what the charts use), a fifth of the full one, inlined once.
PLOTLY_BASIC = Path(__file__).parent / "assets" / "plotly-basic.min.js"
# Reports drawn with charts of their own (most targets first); every report is in the table of reports.
REPORT_SECTIONS = 12


@dataclass
class Headline:
    reports: int
    tasks: int
    tasks_with_target: int
    targets: int
    met: int
    missed: int
    unknown: int


def headline(con: duckdb.DuckDBPyConnection) -> Headline:
    reports, tasks = con.execute("select count(distinct report_id), count(*) from marts.dim_tasks").fetchone()
    with_target, targets = con.execute("select count(distinct task_key), count(*) from marts.fct_targets").fetchone()
    by_status = dict(con.execute("select status, count(*) from marts.fct_target_achievement group by 1").fetchall())
    return Headline(
        reports,
        tasks,
        with_target,
        targets,
        by_status.get("met", 0),
        by_status.get("missed", 0),
        by_status.get("unknown", 0),
    )


REPORT_COLUMNS = [
    "report_id",
    "label",
    "place",
    "year",
    "period",
    "report_kind",
    "plan_type",
    "tasks",
    "targets",
    "met",
    "missed",
    "unknown",
]
# A report's period as shown: as it says, else the whole year for a completion table (its kind says so: 完成情况).
REPORT_PERIOD = "coalesce(r.period, case when r.report_kind = 'completion' then '全年' end)"
# Its plan type: its own words', else the plan it was assigned to (the mapping file, or the tasks it shares).
REPORT_PLAN = "coalesce(r.plan_type, p.plan_type)"
# How a report is named to a reader: what it is, then its file (two reports may say the same).
REPORT_LABEL = f"concat_ws(' ', r.place, r.year::varchar, {REPORT_PERIOD}, {REPORT_PLAN}) || ' (' || r.report_id || ')'"
# The reports with their plans, for the queries that name a report: the plans from staging's raw table, which the
# published warehouse holds on either marts engine (on Spark, the stg_* views live in Spark's catalog).
REPORTS_WITH_PLANS = "marts.dim_reports r left join staging.raw_report_plans p on p.report_id = r.report_id"


def reports_read(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict]:
    """Each report: what it is (place, year, period, kind) and its targets' statuses, so that reports of
    different places and periods are told apart; most targets first."""
    rows = con.execute(
        f"""
        select r.report_id, {REPORT_LABEL}, r.place, r.year, {REPORT_PERIOD}, r.report_kind, {REPORT_PLAN},
               r.task_rows, count(a.status), count(*) filter (where a.status = 'met'),
               count(*) filter (where a.status = 'missed'), count(*) filter (where a.status = 'unknown')
        from {REPORTS_WITH_PLANS} left join marts.fct_target_achievement a on a.report_id = r.report_id
        group by all order by count(a.status) desc, r.report_id limit ?
        """,
        [limit],
    ).fetchall()
    return [dict(zip(REPORT_COLUMNS, r, strict=False)) for r in rows]


def _status_bars(rows: list[tuple[str, int, int, int]], title: str, w: SimpleNamespace) -> str:
    """Horizontal stacked bars: met / missed / unknown per label (plotly's script is in the page once), as wide as
    the box they stand in (responsive), labels inside the plot's margin (automargin) so that none is cut."""
    labels = [r[0] for r in rows][::-1]
    figure = go.Figure()
    for i, status in enumerate(("met", "missed", "unknown"), start=1):
        figure.add_bar(
            y=labels,
            x=[r[i] for r in rows][::-1],
            name=str(getattr(w, status)),
            orientation="h",
            marker_color=STATUS_COLOURS[status],
        )
    figure.update_layout(
        barmode="stack",
        title=title,
        height=max(280, 22 * len(rows) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 30},
        legend={"orientation": "h"},
        font={"family": FONT_STACK},
        yaxis={"automargin": True},
    )
    config = {"displaylogo": False, "responsive": True}
    return figure.to_html(full_html=False, include_plotlyjs=False, config=config, default_width="100%")


def by_lead_unit(con: duckdb.DuckDBPyConnection, report_id: str, limit: int = 30) -> list[tuple[str, int, int, int]]:
    """One report's units: a unit name means one body only within its own place and year."""
    return con.execute(
        """
        select unit_name, sum(n_met), sum(n_missed), sum(n_unknown)
        from marts.achievement_by_unit where n_targets > 0 and report_id = ?
        group by unit_name order by sum(n_targets) desc, unit_name limit ?
        """,
        [report_id, limit],
    ).fetchall()


def by_unit_type(
    con: duckdb.DuckDBPyConnection, report_id: str, w: SimpleNamespace | None = None
) -> list[tuple[str, int, int, int]]:
    """One report's targets by the type of their units, each type named in the report's language."""
    rows = con.execute(
        """
        select unit_type, sum(n_met), sum(n_missed), sum(n_unknown)
        from marts.achievement_by_unit_type where report_id = ? group by unit_type order by sum(n_targets) desc
        """,
        [report_id],
    ).fetchall()
    return [(str(getattr(w, f"unit_{t}", t)) if w else t, *counts) for t, *counts in rows]


@dataclass
class ReportSection:
    report: dict
    chart_units: str
    chart_types: str


def report_sections(
    con: duckdb.DuckDBPyConnection, reports: list[dict], lead_limit: int, limit: int, w: SimpleNamespace
) -> list[ReportSection]:
    """A section per report with targets (most targets first, up to `limit`): its units and unit types."""
    sections = []
    for r in [r for r in reports if r["targets"]][:limit]:
        units = _status_bars(by_lead_unit(con, r["report_id"], lead_limit), w.chart_units, w)
        types = _status_bars(by_unit_type(con, r["report_id"], w), w.chart_types, w)
        sections.append(ReportSection(r, _markup(units), _markup(types)))
    return sections


@dataclass
class PlanSection:
    plan: dict
    periods: list[dict]  # plan_progress rows, in report order
    chart: str
    behind: list[dict]  # each: plan_task_id, accountable_units, requirement, said (one text per report)


PLAN_COLUMNS = ["plan_id", "place", "year", "plan_type", "n_reports", "latest_report_id", "n_plan_tasks"]
PERIOD_COLUMNS = [
    "report_id",
    "report_seq",
    "period",
    "report_kind",
    "n_tasks_reported",
    "n_targets",
    "n_met",
    "n_missed",
    "n_unknown",
    "n_plan_tasks_not_reported",
    "met_share",
    "missed_share",
    "unknown_share",
]


def report_kinds(w: SimpleNamespace) -> dict[str, str]:
    """dim_reports.report_kind -> its name in the report's language."""
    return {"plan": w.kind_plan, "progress": w.kind_progress, "completion": w.kind_completion}


def plan_sections(con: duckdb.DuckDBPyConnection, limit: int, row_limit: int, w: SimpleNamespace) -> list[PlanSection]:
    """Each plan with more than one report: its targets at each report, and the tasks behind at its latest
    report with what every report said of them, side by side."""
    sections = []
    plans = con.execute(
        f"select {', '.join(PLAN_COLUMNS)} from marts.dim_plans where n_reports > 1 "
        "order by n_plan_tasks desc, plan_id limit ?",
        [limit],
    ).fetchall()
    for plan in (dict(zip(PLAN_COLUMNS, row, strict=False)) for row in plans):
        periods = [
            dict(zip(PERIOD_COLUMNS, row, strict=False))
            for row in con.execute(
                f"select {', '.join(PERIOD_COLUMNS)} from marts.plan_progress where plan_id = ? order by report_seq",
                [plan["plan_id"]],
            ).fetchall()
        ]
        kinds = report_kinds(w)
        labels = [
            (f"{p['period'] or kinds.get(p['report_kind'], p['report_kind'] or '')} ({p['report_id']})",
             p["n_met"], p["n_missed"], p["n_unknown"])
            for p in periods
        ]  # fmt: skip
        chart = _markup(_status_bars(labels[::-1], w.chart_periods, w))
        rows = con.execute(
            """
            select p.plan_task_id, p.report_seq, p.completion, p.targets_said, p.task_status,
                   latest.accountable_units, latest.requirement
            from marts.fct_task_progress p
            join marts.fct_task_progress latest
                on latest.plan_task_id = p.plan_task_id and latest.is_latest_report
                and latest.task_status in ('missed', 'behind')
            where p.plan_id = ?
            order by p.plan_task_id, p.report_seq
            """,
            [plan["plan_id"]],
        ).fetchall()
        behind: dict[str, dict] = {}
        for plan_task_id, seq, completion, said, status, units, requirement in rows:
            task = behind.setdefault(
                plan_task_id, {"plan_task_id": plan_task_id, "units": units, "requirement": requirement, "said": {}}
            )
            task["said"][seq] = {"completion": completion, "targets": said_in_words(said, w), "status": status}
        sections.append(PlanSection(plan, periods, chart, list(behind.values())[:row_limit]))
    return sections


# fct_task_progress.targets_said: "<target span>: <status>[, <pace>][ (<actual span>)]; …" with the marts' words.
SAID_VERDICT = re.compile(r": (met|missed|unknown)(?:, (behind|on_pace|ahead))?")


def said_in_words(said: str | None, w: SimpleNamespace) -> str | None:
    """A task's targets as a report said them, the verdicts in the report's language ("…: 待核实, 进度滞后 (…)")."""
    if said is None:
        return None
    return SAID_VERDICT.sub(
        lambda m: ": " + ", ".join(str(getattr(w, word)) for word in m.groups() if word is not None), said
    )


# A table of a page is read, not searched: beyond this many rows it shows the first ones and says
# where the rest are (at 1,000 reports the tasks with no target alone are 80,000 rows, 26 MB of page).
ROW_LIMIT = 500


# How a comparator reads beside its value.
COMPARATOR_SIGNS: dict[str, str] = {"eq": "=", "gte": "≥", "lte": "≤", "approx": "≈"}


def ratio_in_words(ratio: float | None, direction: str, comparator: str, language: str = "zh") -> str:
    """What an achievement ratio means to a reader: "完成目标的64%" ("reached 64% of the target"), "不升反降"."""
    w = words(language)
    if ratio is None:
        return ""
    if comparator == "lte":
        return w.ratio_ceiling.format(f"{ratio:.0%}") + (w.ratio_over.format(f"{ratio - 1:.0%}") if ratio > 1 else "")
    if ratio < 0:
        return w.rose_instead if direction == "decrease" else w.fell_instead
    return w.ratio_reached.format(f"{ratio:.0%}")


def missed_targets(con: duckdb.DuckDBPyConnection, limit: int = ROW_LIMIT, language: str = "zh") -> list[dict]:
    """The missed targets, furthest first, with the units accountable for each task (dim_tasks.accountable_units:
    its leads, or the unit responsible alone or jointly, as the chart by lead unit counts them); the page
    groups them by report."""
    rows = con.execute(
        f"""
        select a.report_id, a.task_id, t.accountable_units, a.metric, a.target_value, a.target_unit, a.comparator,
               a.direction, a.actual_value, a.actual_unit, a.actual_period, a.is_estimate, a.achievement_ratio,
               a.target_span, a.actual_span, {REPORT_LABEL}
        from marts.fct_target_achievement a join marts.dim_tasks t using (task_key)
            join {REPORTS_WITH_PLANS} on r.report_id = a.report_id
        where a.status = 'missed'
        order by a.achievement_ratio, a.report_id, a.task_id
        limit ?
        """,
        [limit],
    ).fetchall()
    names = [
        "report_id",
        "task_id",
        "lead_unit",
        "metric",
        "target_value",
        "target_unit",
        "comparator",
        "direction",
        "actual_value",
        "actual_unit",
        "actual_period",
        "is_estimate",
        "ratio",
        "target_span",
        "actual_span",
        "report_label",
    ]
    return _with_words([dict(zip(names, r, strict=False)) for r in rows], language)


def _with_words(targets: list[dict], language: str) -> list[dict]:
    """Each target row with its comparator as a sign and its ratio in words, as the page shows them."""
    for t in targets:
        t["sign"] = COMPARATOR_SIGNS.get(t["comparator"], t["comparator"])
        t["ratio_words"] = ratio_in_words(t["ratio"], t["direction"], t["comparator"], language)
    return targets


INDICATOR_COLUMNS = [
    "indicator_code",
    "indicator_name",
    "place",
    "year",
    "period",
    "report_id",
    "target_value",
    "target_unit",
    "comparator",
    "direction",
    "actual_value",
    "actual_unit",
    "ratio",
    "status",
    "pace",
]


def indicators_compared(con: duckdb.DuckDBPyConnection, limit: int = ROW_LIMIT, language: str = "zh") -> list[dict]:
    """The canonical indicators that two or more places set a target for: each report's target, actual and verdict
    (marts.indicator_by_place_year), by indicator, then place, year and months covered."""
    rows = con.execute(
        f"""
        with shared as (
            select indicator_code from marts.indicator_by_place_year
            group by indicator_code having count(distinct place) > 1
        )
        select i.indicator_code, i.indicator_name, i.place, i.year, coalesce(i.period, {REPORT_PERIOD}), i.report_id,
               i.target_value, i.target_unit, i.comparator, i.direction, i.actual_value, i.actual_unit,
               i.achievement_ratio, i.status, i.pace
        from marts.indicator_by_place_year i join shared using (indicator_code)
            join marts.dim_reports r on r.report_id = i.report_id
        order by i.indicator_code, i.place, i.year, i.months_covered nulls last, i.report_id
        limit ?
        """,
        [limit],
    ).fetchall()
    return _with_words([dict(zip(INDICATOR_COLUMNS, r, strict=True)) for r in rows], language)


TO_REVIEW_COLUMNS = [
    "report_id",
    "task_id",
    "target_span",
    "target_value",
    "target_unit",
    "actual_span",
    "actual_value",
    "actual_unit",
    "requirement",
    "completion",
    "coverage",
    "reason",
    "review_line",
]


def targets_to_review(con: duckdb.DuckDBPyConnection, limit: int = ROW_LIMIT) -> list[dict]:
    """Verdicts of low confidence (an uncertain or weak pair: unknown) and figures of work under way: both texts
    side by side, and the line of dbt_project/seeds/reviewed_verdicts.csv a reviewer completes (decision actual /
    no_actual / status)."""
    rows = con.execute(
        """
        select a.report_id, a.task_id, a.target_span, a.target_value, a.target_unit, a.paired_actual_span,
               a.paired_actual_value, a.paired_actual_unit, t.requirement, t.completion, a.metric_coverage,
               a.status_reason
        from marts.fct_target_achievement a join marts.dim_tasks t using (task_key)
        where a.confidence = 'low' or a.status_reason = 'under_way'
        order by a.report_id, a.task_id, a.target_seq
        limit ?
        """,
        [limit],
    ).fetchall()
    out = []
    for row in rows:
        report_id, task_id, target_span = row[0], row[1], row[2]
        out.append(dict(zip(TO_REVIEW_COLUMNS, [*row, review_line(report_id, task_id, target_span)], strict=False)))
    return out


# The columns of dbt_project/seeds/reviewed_verdicts.csv, in its header's order.
REVIEWED_VERDICT_COLUMNS = (
    "report_id",
    "task_id",
    "target_span",
    "decision",
    "actual_span",
    "status",
    "note",
    "reviewed_by",
    "reviewed_on",
)


def review_line(report_id: str, task_id: int, target_span: str) -> str:
    """The line of reviewed_verdicts.csv for a target, `no_actual` and a note to complete: quoted by the csv
    module, so that a span holding a comma, a quote or a line break stays one field. A leading `=`, `+`, `-` or
    `@` is kept as it is, not neutralised against spreadsheet formulas: the seed's target_span must equal
    fct_targets.span character for character (fct_target_achievement joins on it), and the line is pasted
    into the CSV in a text editor, where nothing evaluates it."""
    buffer = io.StringIO()
    values = {"report_id": report_id, "task_id": task_id, "target_span": target_span, "decision": "no_actual"}
    csv.writer(buffer, lineterminator="").writerow(
        [values.get(c, "…" if c == "note" else "") for c in REVIEWED_VERDICT_COLUMNS]
    )
    return buffer.getvalue()


def tasks_without_target(con: duckdb.DuckDBPyConnection, limit: int = ROW_LIMIT) -> list[dict]:
    rows = con.execute(
        """
        select t.report_id, t.task_id, coalesce(t.lead_unit, t.units_raw, t.lead_units_raw), t.requirement
        from marts.dim_tasks t
        where not exists (select 1 from marts.fct_targets f where f.task_key = t.task_key)
        order by t.report_id, t.task_id
        limit ?
        """,
        [limit],
    ).fetchall()
    return [dict(zip(["report_id", "task_id", "units", "requirement"], r, strict=False)) for r in rows]


TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ w.title }}</title>
<style>
body { font-family: {{ font_stack }}; margin: 1.5rem auto; padding: 0 1rem; max-width: 1200px; color: #222; }
nav.toc { background: #f6f6f6; padding: .5rem 1rem; border-radius: 6px; line-height: 1.8; }
nav.toc a { margin-right: 1rem; white-space: nowrap; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1.2rem; min-width: 7rem; }
.card b { display: block; font-size: 1.8rem; }
.met b, td.met { color: #2e7d32 } .missed b, td.missed { color: #c62828 } .unknown b, td.unknown { color: #757575 }
/* A wide table scrolls inside its own box: nothing overlaps, and nothing is cut on a narrow screen. */
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: 1rem 0; }
th, td { border-bottom: 1px solid #eee; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f6f6; white-space: nowrap; } td.num { text-align: right; white-space: nowrap; }
.span { color: #555; min-width: 12rem; } tr.group th { background: #e8eef4; white-space: normal; }
code { word-break: break-all; }
/* Two columns where there is room; a grid item may shrink below its content (min-width: 0), so a chart
   never pushes into the table beside it. */
.charts { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; }
.charts > div { min-width: 0; }
@media (max-width: 900px) { .charts { grid-template-columns: minmax(0, 1fr); } }
</style>
<script>{{ plotly_js }}</script></head><body>
<h1>{{ w.title }}</h1>
<p>{{ w.built.format(built_at, warehouse) }}</p>
<nav class="toc" id="contents">{{ w.contents }} <a href="#reports">{{ w.reports }}</a>
{% for sec in sections %}<a href="#report-{{ loop.index }}">{{ sec.report.place or sec.report.report_id }} {{ sec.report.year or "" }} {{ sec.report.period or "" }}</a>{% endfor %}
{% if plans %}<a href="#plans">{{ w.plans_through_year }}</a>{% endif %}
<a href="#indicators">{{ w.indicators }}</a><a href="#missed">{{ w.missed_targets }}</a><a href="#to-review">{{ w.to_review }}</a><a href="#no-target">{{ w.no_target }}</a></nav>
<div class="cards" id="headline">
<div class="card"><b>{{ h.reports }}</b>{{ w.card_reports }}</div>
<div class="card"><b>{{ h.tasks }}</b>{{ w.card_tasks }}</div>
<div class="card"><b>{{ h.targets }}</b>{{ w.card_targets.format(h.tasks_with_target) }}</div>
<div class="card met"><b>{{ h.met }}</b>{{ w.met }}</div>
<div class="card missed"><b>{{ h.missed }}</b>{{ w.missed }}</div>
<div class="card unknown"><b>{{ h.unknown }}</b>{{ w.unknown }}</div>
</div>
<h2 id="reports">{{ w.reports }} ({{ h.reports }})</h2>
<p>{{ w.reports_intro }}</p>
{% if reports|length < h.reports %}<p>{{ w.reports_first.format(reports|length) }}</p>{% endif %}
<div class="scroll"><table><thead><tr><th>{{ w.col_report }}</th><th>{{ w.col_place }}</th><th>{{ w.col_year }}</th>
<th>{{ w.col_period }}</th><th>{{ w.col_kind }}</th><th>{{ w.col_plan }}</th><th>{{ w.col_tasks }}</th>
<th>{{ w.col_targets }}</th><th>{{ w.met }}</th><th>{{ w.missed }}</th><th>{{ w.unknown }}</th></tr></thead><tbody>
{% for r in reports %}<tr><td>{{ r.report_id }}</td><td>{{ r.place or "" }}</td><td>{{ r.year or "" }}</td>
<td>{{ r.period or w.period_unstated }}</td><td>{{ kinds.get(r.report_kind, r.report_kind or "") }}</td><td>{{ r.plan_type or "" }}</td>
<td class="num">{{ r.tasks }}</td><td class="num">{{ r.targets }}</td><td class="num">{{ r.met }}</td>
<td class="num">{{ r.missed }}</td><td class="num">{{ r.unknown }}</td></tr>
{% endfor %}</tbody></table></div>
{% for sec in sections %}
<h2 id="report-{{ loop.index }}">{{ sec.report.label }}</h2>
<p>{{ w.report_counts.format(sec.report.targets, sec.report.met, sec.report.missed, sec.report.unknown, lead_limit) }}</p>
<div class="charts"><div>{{ sec.chart_units }}</div><div>{{ sec.chart_types }}</div></div>
{% endfor %}
{% if sections|length < reports_with_targets %}<p>{{ w.charts_first.format(sections|length) }}</p>{% endif %}
{% if plans %}<h2 id="plans">{{ w.plans_through_year }}</h2>
<p>{{ w.plans_intro }}</p>
{% for sec in plans %}
<h3 id="plan-{{ loop.index }}">{{ sec.plan.place }} {{ sec.plan.year }} {{ sec.plan.plan_type }} {{ w.plan_heading.format(sec.plan.n_reports, sec.plan.n_plan_tasks) }}</h3>
<div class="charts"><div>{{ sec.chart }}</div><div class="scroll">
<table><thead><tr><th>{{ w.col_report }}</th><th>{{ w.col_period }}</th><th>{{ w.col_tasks }}</th><th>{{ w.met }}</th><th>{{ w.missed }}</th><th>{{ w.unknown }}</th><th>{{ w.col_not_in_report }}</th></tr></thead><tbody>
{% for p in sec.periods %}<tr><td>{{ p.report_id }}</td><td>{{ p.period or kinds.get(p.report_kind, p.report_kind or "") }}</td><td class="num">{{ p.n_tasks_reported }}</td>
<td class="num">{{ "%.0f%%"|format(100 * p.met_share) if p.met_share is not none else "" }}</td>
<td class="num">{{ "%.0f%%"|format(100 * p.missed_share) if p.missed_share is not none else "" }}</td>
<td class="num">{{ "%.0f%%"|format(100 * p.unknown_share) if p.unknown_share is not none else "" }}</td>
<td class="num">{{ p.n_plan_tasks_not_reported }}</td></tr>
{% endfor %}</tbody></table></div></div>
<h4>{{ w.behind_latest.format(sec.behind|length) }}</h4>
{% if sec.behind %}<div class="scroll"><table class="behind"><thead><tr><th>{{ w.col_task }}</th><th>{{ w.col_units }}</th>
{% for p in sec.periods %}<th>{{ p.period or kinds.get(p.report_kind, p.report_kind or "") }}<br><small>{{ p.report_id }}</small></th>{% endfor %}</tr></thead><tbody>
{% for t in sec.behind %}<tr><td class="span">{{ t.requirement }}</td><td>{{ t.units or "" }}</td>
{% for p in sec.periods %}{% set said = t.said.get(p.report_seq) %}<td class="span">{% if said %}{{ said.completion or "" }}
<br><small>{{ said.targets or "" }}</small>{% else %}<small>{{ w.not_in_this_report }}</small>{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></div>{% else %}<p>{{ w.none }}</p>{% endif %}
{% endfor %}{% endif %}
<h2 id="indicators">{{ w.indicators }}</h2>
<p>{{ w.indicators_intro }} {{ w.coverage.format(coverage[0], coverage[1]) }}</p>
{% if indicators %}<div class="scroll"><table><thead><tr><th>{{ w.col_place }}</th><th>{{ w.col_year }}</th><th>{{ w.col_period }}</th>
<th>{{ w.col_target }}</th><th>{{ w.col_actual }}</th><th>{{ w.col_status }}</th><th>{{ w.col_how_far }}</th><th>{{ w.col_report }}</th></tr></thead><tbody>
{% for code, rows in indicators|groupby("indicator_code") %}<tr class="group"><th colspan="8">{{ rows[0].indicator_name }} <small>({{ code }})</small></th></tr>
{% for i in rows %}<tr><td>{{ i.place or "" }}</td><td>{{ i.year or "" }}</td><td>{{ i.period or "" }}</td>
<td class="num">{{ i.sign }} {{ "%g"|format(i.target_value) }} {{ i.target_unit }}</td>
<td class="num">{% if i.actual_value is not none %}{{ "%g"|format(i.actual_value) }} {{ i.actual_unit }}{% endif %}</td>
<td class="{{ i.status }}">{{ statuses.get(i.status, i.status) }}{% if i.pace %} · {{ statuses.get(i.pace, i.pace) }}{% endif %}</td>
<td>{{ i.ratio_words }}</td><td><small>{{ i.report_id }}</small></td></tr>
{% endfor %}{% endfor %}</tbody></table></div>{% else %}<p>{{ w.indicators_none }}</p>{% endif %}
<h2 id="missed">{{ w.missed_targets }} ({{ h.missed }})</h2>
{% if missed|length < h.missed %}<p>{{ w.missed_first.format(missed|length) }}</p>{% endif %}
<div class="scroll"><table><thead><tr><th>{{ w.col_task }}</th><th>{{ w.col_units }}</th><th>{{ w.col_metric }}</th><th>{{ w.col_target }}</th><th>{{ w.col_actual }}</th>
<th>{{ w.col_how_far }}</th><th>{{ w.col_promised }}</th><th>{{ w.col_reported }}</th></tr></thead><tbody>
{% for label, rows in missed|groupby("report_label") %}<tr class="group"><th colspan="8">{{ label }}</th></tr>
{% for m in rows %}<tr><td class="num">{{ m.task_id }}</td><td>{{ m.lead_unit or "" }}</td>
<td>{{ m.metric }}</td><td class="num">{{ m.sign }} {{ "%g"|format(m.target_value) }} {{ m.target_unit }}</td>
<td class="num">{{ "%g"|format(m.actual_value) }} {{ m.actual_unit }}<br><small>{{ m.actual_period }}{{ ", " ~ w.estimate if m.is_estimate else "" }}</small></td>
<td>{{ m.ratio_words }}</td>
<td class="span">{{ m.target_span }}</td><td class="span">{{ m.actual_span }}</td></tr>
{% endfor %}{% endfor %}</tbody></table></div>
<h2 id="to-review">{{ w.to_review }} ({{ to_review|length }})</h2>
<p>{{ w.review_intro }}</p>
<div class="scroll"><table><thead><tr><th>{{ w.col_report }}</th><th>{{ w.col_task }}</th><th>{{ w.col_target }}</th><th>{{ w.col_paired }}</th><th>{{ w.col_promised }}</th>
<th>{{ w.col_reported }}</th><th>{{ w.col_why }}</th><th>{{ w.col_review_line }}</th></tr></thead><tbody>
{% for r in to_review %}<tr><td>{{ r.report_id }}</td><td class="num">{{ r.task_id }}</td><td>{{ r.target_span }}</td>
<td>{{ r.actual_span }}<br><small>{{ "%g"|format(r.actual_value) }} {{ r.actual_unit }} {{ w.against }} {{ "%g"|format(r.target_value) }} {{ r.target_unit }}, {{ w.words_share }} {{ "%.2f"|format(r.coverage) if r.coverage is not none else "" }}</small></td>
<td class="span">{{ r.requirement }}</td><td class="span">{{ r.completion }}</td><td>{{ reasons.get(r.reason, r.reason) }}</td><td><code>{{ r.review_line }}</code></td></tr>
{% endfor %}</tbody></table></div>
<h2 id="no-target">{{ w.no_target }} ({{ h.tasks - h.tasks_with_target }})</h2>
{% if without|length < h.tasks - h.tasks_with_target %}<p>{{ w.no_target_first.format(without|length) }}</p>{% endif %}
<div class="scroll"><table><thead><tr><th>{{ w.col_report }}</th><th>{{ w.col_task }}</th><th>{{ w.col_units }}</th><th>{{ w.col_requirement }}</th></tr></thead><tbody>
{% for t in without %}<tr><td>{{ t.report_id }}</td><td class="num">{{ t.task_id }}</td><td>{{ t.units }}</td><td>{{ t.requirement }}</td></tr>
{% endfor %}</tbody></table></div>
</body></html>
"""


def build_report(
    con: duckdb.DuckDBPyConnection,
    warehouse_label: str,
    lead_limit: int = 30,
    row_limit: int = ROW_LIMIT,
    language: str | None = None,
) -> tuple[str, Headline]:
    """The report's page in `language` (REPORT_LANGUAGE, `zh` by default), and its headline counts."""
    language = language or settings.report_language()
    # Each phrase as markup: its <code> stays code, and what it is formatted with is escaped.
    w = SimpleNamespace(**{key: Markup(phrase) for key, phrase in vars(words(language)).items()})
    h = headline(con)
    reports = reports_read(con, row_limit)
    html = (
        Environment(autoescape=True)
        .from_string(TEMPLATE)
        .render(
            w=w,
            lang=language,
            kinds=report_kinds(w),
            statuses={s: getattr(w, s) for s in ("met", "missed", "unknown", "behind", "on_pace", "ahead")},
            reasons={r: getattr(w, f"reason_{r}") for r in ("uncertain_pair", "weak_pair", "under_way")},
            h=h,
            built_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            warehouse=warehouse_label,
            font_stack=_markup(FONT_STACK),
            plotly_js=_markup(PLOTLY_BASIC.read_text(encoding="utf-8")),
            lead_limit=lead_limit,
            reports=reports,
            sections=report_sections(con, reports, lead_limit, REPORT_SECTIONS, w),
            plans=plan_sections(con, REPORT_SECTIONS, row_limit, w),
            reports_with_targets=sum(1 for r in reports if r["targets"]),
            indicators=indicators_compared(con, row_limit, language),
            coverage=share(coverage_by_report(con)),
            missed=missed_targets(con, row_limit, language),
            to_review=targets_to_review(con, row_limit),
            without=tasks_without_target(con, row_limit),
        )
    )
    return html, h


def _markup(html: str) -> Markup:
    return Markup(html)


def report_path(warehouse: Path) -> Path:
    """Where the achievement report of a warehouse is written: beside it, `reports/achievement.html`."""
    return warehouse.parent / "reports" / "achievement.html"


def write_report(con: duckdb.DuckDBPyConnection, warehouse: Path) -> tuple[Path, Headline]:
    """Build the report of the warehouse `con` reads and replace the file atomically (whoever has it open
    keeps a whole file)."""
    html, h = build_report(con, str(warehouse))
    path = report_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".html.partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)
    return path, h


def is_stale(warehouse: Path) -> bool:
    """True when the published warehouse is newer than its report (a run stopped between publishing and
    writing the report), or the report is missing."""
    path = report_path(warehouse)
    return warehouse.exists() and (not path.exists() or path.stat().st_mtime < warehouse.stat().st_mtime)
