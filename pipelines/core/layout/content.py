"""What a cell's content reads as (CELL_KINDS: a unit's name, a person, a sentence, a number, a percent, a
date, a status word, a task number), whatever its column's header says; whether a kind fits a column's role
(ROLE_KINDS); and the plain misfits that mean a row shifted (CONTENT_MISFITS: a sentence as a unit).

    cell_kind("市发改委、市财政局")  -> "unit"
    cell_kind("王 伟")               -> "person"
    misfit("units", "已完成新建和改造绿道130公里,占年度任务的100%") -> "a sentence in the units column"
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache

from pipelines.core.rules import (
    CELL_KINDS,
    CLOSING_PUNCTUATION,
    COLLECTIVE_PREFIX,
    COMMON_SURNAMES,
    CONTENT_MISFITS,
    LEADER_TITLES,
    ROLE_KINDS,
    SHARED_NAME_SEPARATOR,
    TASK_VERBS,
    UNIT_LIST_SHARE,
    UNIT_SEPARATORS,
    UNIT_SUFFIXES,
    VAGUE_LIST_END,
)
from pipelines.core.sources.grid import fold_fullwidth

LABEL = "label"  # a short cell of no other kind ("保民生", "城乡建设")
_FITS = dict(ROLE_KINDS)
_MISFITS = {(role, kind): reason for role, kind, reason in CONTENT_MISFITS}
_LIST_END = re.compile(VAGUE_LIST_END[0])
_PARTS = re.compile("[\\s" + re.escape("".join((*UNIT_SEPARATORS, SHARED_NAME_SEPARATOR))) + "]+")


@cache
def _kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    fill = {
        "unit_suffix": "|".join(map(re.escape, UNIT_SUFFIXES)),
        "leader_title": "|".join(map(re.escape, LEADER_TITLES)),
        "surname": COMMON_SURNAMES,
        "task_verb": "|".join(map(re.escape, TASK_VERBS)),
    }
    return tuple((kind, re.compile(_filled(pattern, fill))) for kind, pattern, _ in CELL_KINDS)


_UNIT_AT = [kind for kind, _, _ in CELL_KINDS].index("unit")


def _filled(pattern: str, fill: dict[str, str]) -> str:
    for name, value in fill.items():
        pattern = pattern.replace("{" + name + "}", value)
    return pattern


@lru_cache(maxsize=1 << 16)  # pure, and a table repeats its cells (units, statuses, dates) from row to row
def cell_kind(text: str) -> str | None:
    """The kind of a cell's content (the first row of CELL_KINDS it matches), LABEL for a short cell of no
    other kind, None for an empty cell. A person is read before the spaces go ("王 伟" is one name)."""
    folded = _LIST_END.sub(" ", fold_fullwidth(text).strip()).strip().rstrip(CLOSING_PUNCTUATION[0]).strip()
    if not folded:
        return None
    squeezed = "".join(folded.split())
    for kind, pattern in _kinds():
        if pattern.search(folded if kind == "person" else squeezed):
            return "unit" if kind in ("prose", LABEL) and _unit_list(folded) else kind
    return "unit" if _unit_list(folded) else LABEL


def _unit_list(folded: str) -> bool:
    """Several names apart by spaces or separators, most of them units (UNIT_LIST_SHARE): a name a suffix
    marks or a collective one ("各部门", COLLECTIVE_PREFIX)."""
    parts = [p for p in _PARTS.split(folded) if p]
    if len(parts) < 2 or any(len(p) > 24 for p in parts):
        return False
    units = sum(1 for p in parts if p.startswith(COLLECTIVE_PREFIX) or _kinds()[_UNIT_AT][1].search(p))
    return units >= UNIT_LIST_SHARE[0] * len(parts)


def column_kinds(cells: Iterable[str]) -> Counter[str]:
    """How many of a column's filled cells read as each kind."""
    return Counter(kind for cell in cells if (kind := cell_kind(cell)) is not None)


def fits(role: str | None, kind: str | None) -> bool:
    """Whether content of this kind fits a column of this role (an empty cell, an unknown role fit anything)."""
    return role is None or kind is None or role not in _FITS or kind in _FITS[role]


def misfit(role: str | None, text: str) -> str | None:
    """Why a cell plainly cannot stand in a column of this role (a sentence as a unit), or None."""
    return _MISFITS.get((role, cell_kind(text))) if role is not None else None
