"""Read the responsible-units cells the way their authors meant them.

    "△市发改委 柯桥区、 诸暨市政府"  ->  市发改委 (lead), 柯桥区政府 (support), 诸暨市政府 (support)

Spaces separate units, except a stray space inside a name ("市自然资源和 规划局");
"、" lists units sharing the last one's suffix ("柯桥区、上虞区政府"), except in a
collective ("各区、县(市)政府"); "△" marks the lead unit. A table may instead name its leads in a
牵头单位 column and the others in a 配合单位 column: the column gives the role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from pipelines.core.rules import (
    COLLECTIVE_PREFIX,
    LEAD_MARKS,
    NAME_JOINERS,
    PADDED_NAME_FORM,
    PLACE_SUFFIXES,
    SHARED_NAME_SEPARATOR,
    UNIT_ALIAS_FORM,
    UNIT_ROLE_LABELS,
    UNIT_SEPARATORS,
    UNIT_STARTS,
    UNIT_SUFFIXES,
    UNIT_TYPE_FALLBACK,
    UNIT_TYPE_RULES,
    VAGUE_LIST_END,
)
from pipelines.core.warehouse.tables import RAW_UNIT_ASSIGNMENTS

_TYPE_PATTERNS = tuple((unit_type, re.compile(pattern)) for unit_type, pattern in UNIT_TYPE_RULES)
_VAGUE_LIST_END = re.compile(VAGUE_LIST_END[0])
_ALIAS = re.compile(UNIT_ALIAS_FORM[0])
_ROLE_LABEL = re.compile("(" + "|".join(re.escape(label) for label, _ in UNIT_ROLE_LABELS) + r")\s*[:：]")
_LABEL_ROLES = dict(UNIT_ROLE_LABELS)
_PADDED = re.compile(PADDED_NAME_FORM[0].replace("{after}", ""))
_PADDING = re.compile(r"[ \u3000\xa0]+")


def unpadded(cell: str) -> str:
    """ "县 委 办、民政局" -> "县委办、民政局": a name padded one character apart is one name."""
    return _PADDED.sub(lambda m: _PADDING.sub("", m[0]), cell)


# The columns who is responsible may stand in, in the order their units are numbered, each with the
# role its units take (None: read from the lead marks in the cell).
UNIT_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("lead_units_raw", "lead"),
    ("units_raw", None),
    ("support_units_raw", "support"),
)

ASSIGNMENT_SCHEMA = {
    "unit_name": pl.String,
    "position": pl.Int64,
    "role": pl.String,
    "unit_type": pl.String,
    "unit_alias": pl.String,
}


@dataclass(frozen=True)
class UnitAssignment:
    unit_name: str
    position: int
    role: str
    unit_type: str
    unit_alias: str | None = None


def unit_suffix(name: str) -> str | None:
    return next((s for s in UNIT_SUFFIXES if name.endswith(s)), None)


def _office(name: str) -> bool:
    """Whether a name ends as an office does (UNIT_SUFFIXES), not as a place (PLACE_SUFFIXES)."""
    return unit_suffix(name) not in (None, *PLACE_SUFFIXES)


def unit_type(name: str) -> str:
    return next((t for t, pattern in _TYPE_PATTERNS if pattern.search(name)), UNIT_TYPE_FALLBACK)


def _names_with_lead_marks(cell: str) -> list[tuple[str, bool]]:
    """Tokens (between spaces, `,` or `;`) mended into whole names, each with whether it carries a lead mark."""
    names: list[tuple[str, bool]] = []
    pending, pending_lead = "", False
    cell = unpadded(_VAGUE_LIST_END.sub(" ", cell))
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


def _split_outside_brackets(name: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(name):
        depth += char == "(" or -(char == ")")
        if char == SHARED_NAME_SEPARATOR and depth == 0:
            parts.append(name[start:i])
            start = i + 1
    return [p for p in [*parts, name[start:]] if p]


def expand_shared_suffix(name: str) -> list[str]:
    """ "柯桥区、上虞区、诸暨市政府" -> three governments; a collective stays one unit, up to a complete name."""
    if SHARED_NAME_SEPARATOR not in name:
        return [name]
    if name.startswith(COLLECTIVE_PREFIX):
        units, pending = [], ""
        for part in _split_outside_brackets(name):
            pending = f"{pending}{SHARED_NAME_SEPARATOR}{part}" if pending else part
            if unit_suffix(pending):
                units.append(pending)
                pending = ""
        return units + ([pending] if pending else [])
    parts = [p for p in name.split(SHARED_NAME_SEPARATOR) if p]
    shared = unit_suffix(parts[-1]) or ""
    return [p if unit_suffix(p) else p + shared for p in parts[:-1]] + [parts[-1]]


def split_alias(name: str) -> tuple[str, str | None]:
    """ "发改局(服务业发展局)" -> ("发改局", "服务业发展局"); a bracket that is part of a name stays
    ("各镇乡(街道)")."""
    match = _ALIAS.match(name)
    if match and _office(match.group(1)) and _office(match.group(2)):
        return match.group(1), match.group(2)
    return name, None


def read_units(cell: str) -> list[UnitAssignment]:
    """Units of one task in cell order, each once, with position and role."""
    order: list[str] = []
    lead: dict[str, bool] = {}
    aliases: dict[str, str | None] = {}
    for name, is_lead in _names_with_lead_marks(cell):
        expanded = [split_alias(unit) for unit in expand_shared_suffix(name)]
        for unit, alias in expanded:
            if unit not in lead:
                order.append(unit)
                lead[unit] = False
                aliases[unit] = alias
            # A mark on a shared-suffix list ("△柯桥区、上虞区政府") names its first unit only.
            lead[unit] = lead[unit] or (is_lead and unit == expanded[0][0])
    has_lead = any(lead.values())

    def role(unit: str) -> str:
        if lead[unit]:
            return "lead"
        if has_lead:
            return "support"
        return "sole" if len(order) == 1 else "joint"

    return [UnitAssignment(u, i, role(u), unit_type(u), aliases[u]) for i, u in enumerate(order, start=1)]


def labelled_parts(cell: str) -> list[tuple[str, str | None]]:
    """ "牵头单位:市发改委;配合单位:市经信局" -> [("市发改委", "lead"), ("市经信局", "support")]; a cell
    without labels is one part whose roles its lead marks give."""
    pieces = _ROLE_LABEL.split(cell)
    parts = [(pieces[0], None)] if pieces[0].strip(" ;,") else []
    parts += [(text, _LABEL_ROLES[label]) for label, text in zip(pieces[1::2], pieces[2::2], strict=False)]
    return parts


def read_unit_columns(cells: dict[str, str | None]) -> list[UnitAssignment]:
    """Units of one task from its units columns (UNIT_COLUMNS): a lead or support column, or a label in
    the cell, gives its units their role; otherwise the lead marks do. Each unit once, at its first position."""
    readings = [
        (read_units(part), part_role or role)
        for column, role in UNIT_COLUMNS
        for part, part_role in labelled_parts(cells.get(column) or "")
    ]
    readings = [(units, role) for units, role in readings if units]
    if len(readings) == 1 and readings[0][1] is None:
        return readings[0][0]  # one units cell, no labels: as read_units says
    assignments: dict[str, UnitAssignment] = {}
    for units, role in readings:
        for unit in units:
            if unit.unit_name not in assignments:
                # Units without a role of their own beside leads support them, unless marked as leads.
                given = role or ("lead" if unit.role == "lead" else "support")
                assignments[unit.unit_name] = UnitAssignment(
                    unit.unit_name, len(assignments) + 1, given, unit.unit_type, unit.unit_alias
                )
    return list(assignments.values())


def unit_assignments(tasks: pl.DataFrame) -> pl.DataFrame:
    """One row per (report_id, task_id, unit). Each distinct combination of cells is read once: cells repeat a lot."""
    columns = [column for column, _ in UNIT_COLUMNS]
    combinations = tasks.select(columns).unique()
    readings = pl.DataFrame(
        [
            (*cells.values(), a.unit_name, a.position, a.role, a.unit_type, a.unit_alias)
            for cells in combinations.iter_rows(named=True)
            for a in read_unit_columns(cells)
        ],
        schema={column: pl.String for column in columns} | ASSIGNMENT_SCHEMA,
        orient="row",
    )
    return (
        tasks.select("report_id", "task_id", *columns)
        .join(readings, on=columns, how="inner", nulls_equal=True)
        .select(list(RAW_UNIT_ASSIGNMENTS.schema))
        .sort("report_id", "task_id", "position")
    )
