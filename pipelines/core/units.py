"""Read a responsible-units cell the way its authors meant it.

    "△市发改委 柯桥区、 诸暨市政府"  ->  市发改委 (lead), 柯桥区政府 (support), 诸暨市政府 (support)

Spaces separate units, except a stray space inside a name ("市自然资源和 规划局");
"、" lists units sharing the last one's suffix ("柯桥区、上虞区政府"), except in a
collective ("各区、县(市)政府"); "△" marks the lead unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from pipelines.core.rules import (
    COLLECTIVE_PREFIX,
    LEAD_MARKS,
    NAME_JOINERS,
    SHARED_NAME_SEPARATOR,
    UNIT_SEPARATORS,
    UNIT_STARTS,
    UNIT_SUFFIXES,
    UNIT_TYPE_FALLBACK,
    UNIT_TYPE_RULES,
)
from pipelines.core.tables import RAW_UNIT_ASSIGNMENTS

_TYPE_PATTERNS = tuple((unit_type, re.compile(pattern)) for unit_type, pattern in UNIT_TYPE_RULES)

ASSIGNMENT_SCHEMA = {
    "units_raw": pl.String,
    "unit_name": pl.String,
    "position": pl.Int64,
    "role": pl.String,
    "unit_type": pl.String,
}


@dataclass(frozen=True)
class UnitAssignment:
    unit_name: str
    position: int
    role: str
    unit_type: str


def unit_suffix(name: str) -> str | None:
    return next((s for s in UNIT_SUFFIXES if name.endswith(s)), None)


def unit_type(name: str) -> str:
    return next((t for t, pattern in _TYPE_PATTERNS if pattern.search(name)), UNIT_TYPE_FALLBACK)


def _names_with_lead_marks(cell: str) -> list[tuple[str, bool]]:
    """Tokens (between spaces, `,` or `;`) mended into whole names, each with whether it carries a lead mark."""
    names: list[tuple[str, bool]] = []
    pending, pending_lead = "", False
    for separator in UNIT_SEPARATORS:
        cell = cell.replace(separator, " ")
    for token in cell.split():
        is_lead = token.startswith(tuple(LEAD_MARKS))
        token = token.lstrip(LEAD_MARKS).strip()
        starts_unit = is_lead or token.startswith(UNIT_STARTS)
        if pending and not pending.endswith(NAME_JOINERS) and starts_unit:
            names.append((pending, pending_lead))  # an incomplete name, but the next token clearly starts anew
            pending, pending_lead = "", False
        pending += token
        pending_lead = pending_lead or is_lead
        if pending and unit_suffix(pending) and not pending.endswith(NAME_JOINERS):
            names.append((pending, pending_lead))
            pending, pending_lead = "", False
    if pending:
        names.append((pending, pending_lead))
    return names


def expand_shared_suffix(name: str) -> list[str]:
    """"柯桥区、上虞区、诸暨市政府" -> three governments; a collective stays one unit."""
    if name.startswith(COLLECTIVE_PREFIX) or SHARED_NAME_SEPARATOR not in name:
        return [name]
    parts = [p for p in name.split(SHARED_NAME_SEPARATOR) if p]
    shared = unit_suffix(parts[-1]) or ""
    return [p if unit_suffix(p) else p + shared for p in parts[:-1]] + [parts[-1]]


def read_units(cell: str) -> list[UnitAssignment]:
    """Units of one task in cell order, each once, with position and role."""
    order: list[str] = []
    lead: dict[str, bool] = {}
    for name, is_lead in _names_with_lead_marks(cell):
        for unit in expand_shared_suffix(name):
            if unit not in lead:
                order.append(unit)
                lead[unit] = False
            # A mark on a shared-suffix list ("△柯桥区、上虞区政府") names its first unit only.
            lead[unit] = lead[unit] or (is_lead and unit == expand_shared_suffix(name)[0])
    has_lead = any(lead.values())

    def role(unit: str) -> str:
        if lead[unit]:
            return "lead"
        if has_lead:
            return "support"
        return "sole" if len(order) == 1 else "joint"

    return [UnitAssignment(u, i, role(u), unit_type(u)) for i, u in enumerate(order, start=1)]


def unit_assignments(tasks: pl.DataFrame) -> pl.DataFrame:
    """One row per (report_id, task_id, unit). Each distinct cell is read once: cells repeat a lot."""
    cells = tasks.get_column("units_raw").unique().to_list()
    readings = pl.DataFrame(
        [(cell, a.unit_name, a.position, a.role, a.unit_type) for cell in cells for a in read_units(cell)],
        schema=ASSIGNMENT_SCHEMA,
        orient="row",
    )
    return (
        tasks.select("report_id", "task_id", "units_raw")
        .join(readings, on="units_raw", how="inner")
        .select(list(RAW_UNIT_ASSIGNMENTS.schema))
        .sort("report_id", "task_id", "position")
    )
