"""The header of a work-plan table and each column's role: read from the header's words (HEADER_ROLES), the
header rows below it (up to MAX_HEADER_ROWS), and weighed with what the column's cells read as (ROLE_EVIDENCE
over content.column_kinds), the best consistent assignment for the table (SINGLE_ROLES); columns re-read by
their cells (ROLES_BY_CELLS); a person's override (dbt_project/seeds/column_roles.csv) wins over all of it.
Each column's reading keeps its evidence and confidence (staging.raw_column_readings)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipelines.core.layout.content import cell_kind
from pipelines.core.rules import (
    BASE_UNITS,
    COLUMN_ROLE_OVERRIDE_COLUMNS,
    EVIDENCE_ROWS,
    HEADER_CELL_MAX_CHARS,
    HEADER_EVIDENCE,
    HEADER_ROLES,
    MAX_HEADER_ROWS,
    MAX_TITLE_LINES,
    MERGEABLE_ROLES,
    MIN_CONTENT_EVIDENCE,
    MULTIPLIERS,
    PART_YEAR_HEADER_WORDS,
    PROGRESS_PROSE,
    RATE_DENOMINATORS,
    ROLE_EVIDENCE,
    ROLES_BY_CELLS,
    SECOND_REQUIREMENT_ROLE,
    SINGLE_ROLES,
    TASK_ROLES,
)
from pipelines.core.settings import COLUMN_ROLES_FILE
from pipelines.core.sources.files import report_id_for
from pipelines.core.sources.grid import Grid, GridRow, LayoutHints, SourceFileError, fold_fullwidth

_MEASURE_UNIT = re.compile(
    f"^(?:{'|'.join(map(re.escape, sorted(MULTIPLIERS, key=len, reverse=True)))})?"
    f"(?:{'|'.join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True)))})?"
    f"(?:/(?:{'|'.join(map(re.escape, RATE_DENOMINATORS))}))?$"
)


@dataclass(frozen=True)
class Header:
    """The header row: each column's name (whitespace removed) and role (None: not known), the lines
    or rows it spans, and the title above it (title rows such as `2021年市政府重点工作完成情况表`, else
    the page's or document's title), if any."""

    line: int
    names: list[str]
    roles: list[str | None]
    last_line: int = 0
    title: str | None = None
    title_lines: tuple[int, ...] = ()
    # Per column: what its role was read from ("header 责任单位; cells: 12 unit of 12") and how sure (0-1).
    evidence: tuple[tuple[str, float], ...] = ()

    @property
    def lines(self) -> int:
        return max(self.last_line, self.line) - self.line + 1 if self.names else 0

    def column(self, role: str) -> int | None:
        """The first column with this role."""
        return self.roles.index(role) if role in self.roles else None

    def task_columns(self) -> dict[str, int]:
        """Role -> column, for the roles a task row is built from."""
        found = {role: self.column(role) for role in TASK_ROLES}
        return {role: i for role, i in found.items() if i is not None}


def bracketed_unit(text: str) -> str | None:
    """The unit of measure bracketed in an indicator or a header (`新增就业(人)` -> 人, `目标(万元)` -> 万元)."""
    found = _BRACKETED.findall(fold_fullwidth(text))
    return found[-1] if found and _MEASURE_UNIT.match(found[-1]) else None


_BRACKETED = re.compile(r"\(([^()]{1,6})\)")
_UNIT_WORD = re.compile(
    f"(?:{'|'.join(map(re.escape, sorted(MULTIPLIERS, key=len, reverse=True)))})?"
    f"(?:{'|'.join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True)))})"
)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers_with_units(text: str) -> list[tuple[str, str | None]]:
    """Each number in a text with the unit of measure written right after it, if any."""
    folded = fold_fullwidth(text)
    return [
        (n.group(), u.group() if (u := _UNIT_WORD.match(folded, n.end())) else None) for n in _NUMBER.finditer(folded)
    ]


def unit_after(number: str, text: str) -> str | None:
    """The unit of measure written right after `number` in `text` ("1100" in "城镇新增就业1100人" -> 人)."""
    return next((unit for n, unit in _numbers_with_units(text) if n == number and unit), None)


def sole_unit(text: str) -> str | None:
    """The unit of measure of a text's one quantity ("城镇新增就业1100人" -> 人), None where it has none or several."""
    found = _numbers_with_units(text)
    return found[0][1] if len(found) == 1 else None


def unit_of(value: str) -> str | None:
    """The unit of measure of a written quantity ("90场" -> 场, "3.3万人次" -> 万人次), None for a bare number."""
    found = re.match(r"^[≥≤><约]?-?\d+(?:\.\d+)?", value.strip())
    rest = value.strip()[found.end() :] if found else ""
    return rest if rest and _MEASURE_UNIT.match(rest) else None


def header_role(text: str) -> str | None:
    """The role of a column named `text`: the first rule of HEADER_ROLES whose words it contains."""
    name = "".join(fold_fullwidth(text).split())
    return next(
        (role for role, words, _ in HEADER_ROLES if any(all(p in name for p in w.split("+")) for w in words)), None
    )


def names_of(cells: list[str]) -> list[str]:
    return ["".join(fold_fullwidth(c).split()) for c in cells]


def _header_word(cell: str) -> bool:
    """Whether a lower header row's cell reads as a header word: a role's words, no number but a year's."""
    return header_role(cell) is not None and not re.search(r"\d", re.sub(r"20\d\d年", "", cell))


def _second_header_row(row: GridRow | None, names: list[str], roles: list[str | None]) -> list[str] | None:
    """The header's names with a lower header row below them ("责任单位 |  |" over "牵头单位 | 配合单位"), or
    None when the row is not one: its id cell is empty and each filled cell reads as a header word. A top cell
    left empty belongs to the merged cell on its left."""
    if row is None:
        return None
    cells = names_of(row.cells)
    id_column = roles.index("task_id") if "task_id" in roles else None
    if (
        len(cells) != len(names)
        or not any(cells)
        or (id_column is not None and cells[id_column] not in ("", names[id_column]))
    ):
        return None
    if any(c and not _header_word(c) for c in cells):
        return None
    combined, left = [], ""
    for top, bottom in zip(names, cells, strict=False):
        top = top or (left if bottom else "")
        combined.append(top if bottom and bottom in top else top + bottom)
        left = top
    return combined


def _header_rows(grid: Grid, index: int) -> tuple[list[str], int, int]:
    """The header's names over up to MAX_HEADER_ROWS rows from row `index`, its last line, the next row's index."""
    row = grid.rows[index]
    names, last, after = names_of(row.cells), row.last, index + 1
    while after < len(grid.rows) and after - index < MAX_HEADER_ROWS:
        below = grid.rows[after]
        parts = _second_header_row(below, names, [header_role(n) for n in names])
        if parts is None:
            break
        names, last, after = parts, below.last, after + 1
    return names, last, after


def _evidence_kind(cell: str) -> str | None:
    """A cell's kind for weighing roles: CELL_KINDS, a prose cell that reports progress read as `progress`."""
    kind = cell_kind(cell)
    return "progress" if kind == "prose" and _PROGRESS.search(cell) else kind


_PROGRESS = re.compile(PROGRESS_PROSE[0])
# A target is never read from bare content (a count column is not a promise), nor a leader (a 负责人 column of names
# is the person to ask, not the leader in charge: only a header naming 领导 or 分管 says so); a group only from
# headings (a label's weight stays below MIN_CONTENT_EVIDENCE).
_CONTENT_ONLY_ROLES = frozenset(r for r, *_ in ROLE_EVIDENCE) - {"target", "leader"}


def _column_kinds(rows: list[GridRow], width: int) -> list[Counter[str]]:
    """Per column, its cells' kinds over the first EVIDENCE_ROWS rows of the header's width (two cells filled)."""
    counts: list[Counter[str]] = [Counter() for _ in range(width)]
    for row in [r for r in rows if len(r.cells) == width and sum(bool(c.strip()) for c in r.cells) >= 2][
        :EVIDENCE_ROWS
    ]:
        for i, cell in enumerate(row.cells):
            if (kind := _evidence_kind(cell)) is not None:
                counts[i][kind] += 1
    return counts


def _role_scores(name: str, kinds: Counter[str]) -> dict[str, float]:
    """Each role's score for a column: HEADER_EVIDENCE for the role its words name, plus ROLE_EVIDENCE's weights
    times the share of its cells of each kind. A role from content alone must reach MIN_CONTENT_EVIDENCE, and the
    header must read as a header word (HEADER_CELL_MAX_CHARS) or be empty."""
    filled = sum(kinds.values())
    scores: Counter[str] = Counter()
    for role, kind, weight, _ in ROLE_EVIDENCE:
        if filled and kinds[kind]:
            scores[role] += weight * kinds[kind] / filled
    by_header = header_role(name)
    header_like = len(name) <= HEADER_CELL_MAX_CHARS[0] and cell_kind(name) != "prose"
    kept = {
        r: v for r, v in scores.items() if r == by_header or (r in _CONTENT_ONLY_ROLES and v >= MIN_CONTENT_EVIDENCE)
    }
    if by_header is not None:
        return {**kept, by_header: kept.get(by_header, 0.0) + HEADER_EVIDENCE}
    return kept if header_like else {}


def _evidence(name: str, role: str | None, kinds: Counter[str], score: float) -> tuple[str, float]:
    """What a column's reading rests on, said in words, and how sure it is (0-1)."""
    said = f"header {name or '(empty)'}" + (f" -> {header_role(name)}" if header_role(name) else " (no role)")
    if kinds:
        kind, count = kinds.most_common(1)[0]
        said += f"; cells: {count} {kind} of {sum(kinds.values())}"
    return said, round(min(1.0, score / (HEADER_EVIDENCE + 1.0)), 2) if role is not None else 0.0


def read_roles(names: list[str], rows: list[GridRow], report_id: str = "") -> tuple[list[str | None], tuple]:
    """Each column's role, the best consistent assignment for the table by header and content evidence (each of
    SINGLE_ROLES in one column at most, the higher score first, then the earlier column), a person's override
    winning; and each column's evidence."""
    kinds = _column_kinds(rows, len(names))
    scores = [_role_scores(n, k) for n, k in zip(names, kinds, strict=True)]
    ranked = sorted(((-v, i, r) for i, s in enumerate(scores) for r, v in s.items()), key=lambda t: (t[0], t[1]))
    roles: list[str | None] = [None] * len(names)
    for _, column, role in ranked:
        if roles[column] is None and (role not in SINGLE_ROLES or role not in roles):
            roles[column] = role
    second = [i for i, n in enumerate(names) if roles[i] is None and header_role(n) == "requirement"]
    detail = None
    if "requirement" in roles and SECOND_REQUIREMENT_ROLE[0] not in roles and len(second) == 1:
        first, detail = sorted((roles.index("requirement"), second[0]))
        roles[first], roles[detail] = "requirement", SECOND_REQUIREMENT_ROLE[0]
        scores[first] = {"requirement": scores[first].get("requirement", 0.0) or scores[detail]["requirement"]}
    evidence = [
        _evidence(n, r, k, s.get(r, 0.0) if r else 0.0) for n, r, k, s in zip(names, roles, kinds, scores, strict=True)
    ]
    if detail is not None:  # SECOND_REQUIREMENT_ROLE
        evidence[detail] = (f"{evidence[detail][0]}; the second requirement column, its detail", 0.5)
    if "requirement" not in roles and _whole_year_target(names, roles) and not _numbers(kinds[_target(names, roles)]):
        # The table's only statement of what is promised (`2022年预期目标` over sentences): its requirement.
        column = _target(names, roles)
        roles[column] = "requirement"
        evidence[column] = (f"{evidence[column][0]}; the only column saying what is promised", evidence[column][1])
    overrides = column_overrides(report_id)
    for i, name in enumerate(names):
        if name in overrides:
            role, reason = overrides[name]
            roles[i], evidence[i] = role, (f"override: {reason or 'column_roles.csv'}", 1.0)
    return roles, tuple(evidence)


def column_overrides(report_id: str) -> dict[str, tuple[str | None, str]]:
    """A person's corrections (COLUMN_ROLES_FILE): header text -> (role, reason) for this report, a line naming
    the report winning over a line for every report (blank report_id)."""
    if not COLUMN_ROLES_FILE.exists():
        return {}
    with COLUMN_ROLES_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMN_ROLE_OVERRIDE_COLUMNS:
            raise ValueError(
                f"{COLUMN_ROLES_FILE}: line 1: the columns must be {', '.join(COLUMN_ROLE_OVERRIDE_COLUMNS)}"
            )
        lines = [row for row in reader if (row["report_id"] or "").strip() in ("", report_id)]
    lines.sort(key=lambda row: bool((row["report_id"] or "").strip()))  # the report's own lines last: they win
    return {
        "".join((row["header"] or "").split()): ((row["role"] or "").strip() or None, (row["reason"] or "").strip())
        for row in lines
    }


def _no_requirement(path: Path | str, row: GridRow, place: str | None) -> SourceFileError:
    return SourceFileError(
        path,
        f"not a known work-plan table header: {row.text.strip()!r} (no column reads as what is promised: "
        f"a header with {', '.join(next(w for r, w, _ in HEADER_ROLES if r == 'requirement'))}, or sentences "
        "under a header word; e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
        row.first,
        place,
    )


def find_header(grid: Grid, path: Path | str) -> tuple[Header, int]:
    """The header and the index of the grid's first row after it: the first row whose columns read as a
    work plan (one reads as the requirement, by its words or its cells, or a whole year's target), after at most
    MAX_TITLE_LINES title rows (at most one filled cell); the header rows below it are read with it."""
    titles: list[GridRow] = []
    for index, row in enumerate(grid.rows):
        if not any(c.strip() for c in row.cells):
            continue
        if sum(bool(c.strip()) for c in row.cells) <= 1 and len(titles) < MAX_TITLE_LINES:
            titles.append(row)
            continue
        names, last, after = _header_rows(grid, index)
        roles, evidence = read_roles(names, grid.rows[after:], report_id_for(Path(path)) if path else "")
        if "requirement" not in roles and not _whole_year_target(names, roles):
            raise _no_requirement(path, row, grid.place or None)
        title = " ".join(c.strip() for t in titles for c in t.cells if c.strip()) or grid.page_title
        return Header(row.first, names, roles, last, title, tuple(t.first for t in titles), evidence), after
    raise SourceFileError(
        path, "file is empty" if not titles else "no header row after the title", place=grid.place or None
    )


def _numbers(kinds: Counter[str]) -> bool:
    """Whether most of a column's cells are bare numbers or percents (a target's values, not its words)."""
    return kinds["number"] + kinds["percent"] > sum(kinds.values()) / 2


def _target(names: list[str], roles: list[str | None]) -> int:
    """The first target column for the whole year (not `一季度目标`), -1 when none."""
    whole_year = (
        i
        for i, (n, r) in enumerate(zip(names, roles, strict=True))
        if r == "target" and not any(w in n for w in PART_YEAR_HEADER_WORDS)
    )
    return next(whole_year, -1)


def header_target(header: Header) -> int:
    """The header's first whole-year target column, -1 when none."""
    return _target(header.names, header.roles)


def _whole_year_target(names: list[str], roles: list[str | None]) -> bool:
    """Whether a target column states what is promised for the whole year (its cells then are the requirement)."""
    return _target(names, roles) >= 0


def reads_as_work_plan(grid: Grid) -> bool:
    """Whether a table's header reads as a work plan (for choosing among a page's or workbook's tables)."""
    try:
        find_header(grid, "")
    except SourceFileError:
        return False
    return True


def may_be_merged(header_cells: list[str]) -> bool:
    """Whether a column of this header may have been merged over rows (MERGEABLE_ROLES)."""
    return any(header_role(c) in MERGEABLE_ROLES for c in header_cells)


# What the readers of formats with several tables (or merged rows) are told about a work-plan table.
HINTS = LayoutHints(is_work_plan=reads_as_work_plan, may_merge=may_be_merged)


def with_roles_by_cells(header: Header, rows: list[GridRow]) -> Header:
    """Columns re-read by their cells (ROLES_BY_CELLS): a header's words say one role, every filled cell another."""
    roles, evidence = [*header.roles], list(header.evidence)
    for by_header, header_pattern, cell_pattern, by_cells, _ in ROLES_BY_CELLS:
        column = header.column(by_header)
        if column is None or not re.search(header_pattern, re.sub(r"\s", "", header.names[column])):
            continue
        pattern = _MEASURE_UNIT if cell_pattern == "measure unit" else re.compile(cell_pattern)
        values = {
            fold_fullwidth(r.cells[column]).strip()
            for r in rows
            if len(r.cells) == len(header.names) and r.cells[column].strip()
        }
        overridden = column < len(evidence) and evidence[column][0].startswith("override")
        if values and all(pattern.match(v) for v in values) and not overridden:
            roles[column] = by_cells
            if column < len(evidence):
                evidence[column] = (f"{evidence[column][0]}; every cell reads as {by_cells}", evidence[column][1])
    if roles == header.roles:
        return header
    return Header(header.line, header.names, roles, header.last_line, header.title, header.title_lines, tuple(evidence))
