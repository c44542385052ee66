"""Leaders in charge of a task: people, read apart from the units.

leader column "汤飞帆、李关定副市长"          ->  汤飞帆, 李关定 (副市长)
group heading "一、汤飞帆市长牵头重点工作"     ->  汤飞帆 (市长), for every task under it
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.core.rules import (
    LEADER_IN_CELL,
    LEADER_IN_HEADING,
    LEADER_SEPARATORS,
    LEADER_TITLE_APART,
    LEADER_TITLES,
    PADDED_NAME_FORM,
)

_TITLES = "|".join(map(re.escape, LEADER_TITLES))
_IN_CELL = re.compile(LEADER_IN_CELL[0].replace("{titles}", _TITLES))
_TITLE_APART = re.compile(LEADER_TITLE_APART[0].replace("{titles}", _TITLES))
_IN_HEADING = re.compile(LEADER_IN_HEADING[0].replace("{titles}", _TITLES))
_SEPARATORS = re.compile(f"[{re.escape(LEADER_SEPARATORS)}\u3000\xa0]+")
# A padded name may be followed by its title ("王 伟副市长").
_PADDED = re.compile(PADDED_NAME_FORM[0].replace("{after}", f"|{_TITLES}"))
_PADDING = re.compile(r"[ \u3000\xa0]+")


@dataclass(frozen=True)
class Leader:
    name: str
    title: str | None


def leaders_in_cell(cell: str) -> list[Leader]:
    """The people a leader column's cell names, each once; a part that does not read as a name is
    kept whole as the name (nothing a table says is dropped)."""
    found: list[Leader] = []
    cell = _PADDED.sub(lambda m: _PADDING.sub("", m[0]), cell.strip())  # "王 伟" is one name
    title_before: str | None = None  # a title standing apart: the next name's, else the last's (LEADER_TITLE_APART)
    for part in (p for p in _SEPARATORS.split(cell) if p):
        if _TITLE_APART.match(part):
            title_before = part
            continue
        match = _IN_CELL.match(part)
        leader = Leader(match["name"], match["title"] or title_before) if match else Leader(part, title_before)
        title_before = None
        if leader.name not in {f.name for f in found}:
            found.append(leader)
    if title_before is not None:  # a title after the last name is its title; alone, it is kept whole
        last = found[-1] if found else None
        if last is not None and last.title is None:
            found[-1] = Leader(last.name, title_before)
        elif last is None:
            found.append(Leader(title_before, None))
    return found


def leaders_in_heading(heading: str) -> list[Leader]:
    """The leaders a group heading puts in charge of its tasks ("汤飞帆市长牵头"), or none."""
    return [Leader(m["name"], m["title"]) for m in _IN_HEADING.finditer(heading)]
