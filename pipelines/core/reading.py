"""Read one raw report file into task rows and rejected rows.

A report is a ``|``-separated table: a header line, then one row per task with a
trailing ``|``. A cell may run over several physical lines. Every physical line of
the file ends up either in a task's line range, in a rejected row, or is the header.

Whole-file problems (undecodable bytes, empty file, unknown header) raise
:class:`SourceFileError` naming the file, the line and the reason; row problems are
collected as rejects so that the good rows still land.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import cn2an
import polars as pl

from pipelines.core.rules import (
    BARE_VALUE_START,
    BASE_UNITS,
    CELL_SEPARATOR,
    FULLWIDTH_TO_ASCII,
    GROUP_HEADING_FORMS,
    HEADER_ROLES,
    LEAD_MARKS,
    MERGEABLE_ROLES,
    MULTIPLIERS,
    PART_YEAR_HEADER_WORDS,
    RATE_DENOMINATORS,
    SHARED_NAME_SEPARATOR,
    TASK_ID_FORMS,
    TASK_ROLES,
    UNIT_SEPARATORS,
    MAX_HEADER_LINES,
    MAX_TITLE_LINES,
)
from pipelines.core.leaders import leaders_in_cell, leaders_in_heading
from pipelines.core.report_context import ReportContext, report_context
from pipelines.core.tables import RAW_TASK_ATTRIBUTES, RAW_TASK_LEADERS, RAW_TASKS, REJECTED_ROWS
from pipelines.core.units import unit_suffix

# Tried in order; the first that decodes the whole file wins and is recorded.
# utf-8-sig also accepts plain UTF-8 (it only strips a BOM when there is one).
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")

_ROW_START = re.compile(r"^\s*[^|\s]{1,16}\s*\|")  # a short first cell, then a separator
_FULLWIDTH = str.maketrans(FULLWIDTH_TO_ASCII)
_ID_FORMS = tuple(re.compile(pattern) for pattern, _ in TASK_ID_FORMS)
_HEADING_FORMS = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
_BARE_VALUE = re.compile(BARE_VALUE_START)
_BARE_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_MEASURE_UNIT = re.compile(
    f"^(?:{'|'.join(map(re.escape, sorted(MULTIPLIERS, key=len, reverse=True)))})?"
    f"(?:{'|'.join(map(re.escape, sorted(BASE_UNITS, key=len, reverse=True)))})?"
    f"(?:/(?:{'|'.join(map(re.escape, RATE_DENOMINATORS))}))?$"
)
_UNIT_BREAK = re.compile("[\\s" + re.escape("".join((*UNIT_SEPARATORS, SHARED_NAME_SEPARATOR))) + "]+")


class SourceFileError(ValueError):
    """A raw file that cannot be read at all. The message is one line: file, line, reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None):
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass(frozen=True)
class Header:
    """The header row: each column's name (whitespace removed) and role (None: not known), the lines
    it spans, and the title lines above it (`2021年市政府重点工作完成情况表`), if any."""

    line: int
    names: list[str]
    roles: list[str | None]
    last_line: int = 0
    title: str | None = None
    title_lines: tuple[int, ...] = ()

    @property
    def lines(self) -> int:
        return max(self.last_line, self.line) - self.line + 1

    def column(self, role: str) -> int | None:
        """The first column with this role."""
        return self.roles.index(role) if role in self.roles else None

    def task_columns(self) -> dict[str, int]:
        """Role -> column, for the roles a task row is built from."""
        found = {role: self.column(role) for role in TASK_ROLES}
        return {role: i for role, i in found.items() if i is not None}


@dataclass(frozen=True)
class Report:
    report_id: str
    source_file: str
    encoding: str
    content_hash: str
    line_count: int
    header: Header
    group_heading_lines: int
    repeated_header_lines: int
    tasks: pl.DataFrame
    rejected: pl.DataFrame
    attributes: pl.DataFrame  # the cells of the columns a task row is not built from
    leaders: pl.DataFrame  # the leaders in charge of each task (a leader column, a group heading)
    context: ReportContext

    @property
    def header_line(self) -> int:
        return self.header.line

    def summary(self) -> dict:
        """The report's row of raw_reports."""
        return {
            "report_id": self.report_id, "source_file": self.source_file, "encoding": self.encoding,
            "line_count": self.line_count, "header_line": self.header.line, "task_rows": self.tasks.height,
            "rejected_rows": self.rejected.height, "group_heading_lines": self.group_heading_lines,
            "header_lines": self.header.lines + self.repeated_header_lines, "title": self.header.title, "title_lines": len(self.header.title_lines),
            "column_roles": " | ".join(f"{name}: {role or '-'}" for name, role in zip(self.header.names, self.header.roles)),
            **{k: v for k, v in self.context.__dict__.items()},
        }


@dataclass
class _PendingRow:
    first_line: int
    last_line: int
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def separators(self) -> int:
        return self.text.count(CELL_SEPARATOR)


def report_id_for(path: Path) -> str:
    return path.stem


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode the file's bytes; return (text, encoding name)."""
    if not data.strip():
        raise SourceFileError(path, "file is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceFileError(path, "binary content (NUL byte), not a text table", line)
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8-bom" if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else
                      "utf-8" if encoding == "utf-8-sig" else encoding)
    # Name the first line that UTF-8 cannot read: that is where a person should look.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceFileError(
            path, f"cannot decode as {' or '.join(ENCODINGS)} (byte 0x{data[err.start]:02x})", line
        ) from None
    raise AssertionError("unreachable")


def split_lines(text: str) -> list[str]:
    """Physical lines. Only CR/LF end a line: str.splitlines would also split on
    U+2028, form feeds and other characters that may stand inside a cell."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def split_cells(text: str) -> list[str]:
    """Cells of one logical row: split on the separator, dropping the trailing one."""
    text = text.strip()
    if text.endswith(CELL_SEPARATOR):
        text = text[: -len(CELL_SEPARATOR)]
    return [cell.strip() for cell in text.split(CELL_SEPARATOR)]


def header_role(text: str) -> str | None:
    """The role of a column named `text`: the first rule of HEADER_ROLES whose words it contains."""
    name = "".join(text.translate(_FULLWIDTH).split())
    return next((role for role, words, _ in HEADER_ROLES if any(w in name for w in words)), None)


def _row_starts_a_task(line: str) -> bool:
    """A line whose first cell is a task number ("12 | ..."): a row of its own, never a continuation."""
    return bool(_ROW_START.match(line)) and task_number(line.split(CELL_SEPARATOR, 1)[0]) is not None


def _header_row(lines: list[str], first: int) -> tuple[int, str]:
    """The header row starting at line `first` (1-based): its last line and its text. A header cell
    may run over lines; the row ends at the line ending with the separator (MAX_HEADER_LINES at most)."""
    last, text = first, lines[first - 1]
    while (not text.rstrip().endswith(CELL_SEPARATOR) and last < len(lines) and last - first + 1 < MAX_HEADER_LINES
           and lines[last].strip() and not _row_starts_a_task(lines[last])):
        last += 1
        text += "\n" + lines[last - 1]
    return last, text


def _second_header_row(lines: list[str], last: int, names: list[str], roles: list[str | None]) -> list[str] | None:
    """The header's names with a second header row below them ("责任单位 |  |" over "牵头单位 | 配合单位"), or
    None when the line after the header is not one: its id cell is empty and each filled cell reads as a
    header (a role, no digits). A top cell left empty belongs to the merged cell on its left."""
    if last >= len(lines):
        return None
    cells = ["".join(c.translate(_FULLWIDTH).split()) for c in split_cells(lines[last])]
    id_column = roles.index("task_id") if "task_id" in roles else None
    if len(cells) != len(names) or not any(cells) or (id_column is not None and cells[id_column]):
        return None
    if any(c and (header_role(c) is None or re.search(r"\d", c)) for c in cells):
        return None
    combined, left = [], ""
    for top, bottom in zip(names, cells):
        top = top or (left if bottom else "")
        combined.append(top + bottom)
        left = top
    return combined


def read_header(lines: list[str], path: Path | str) -> Header:
    """Find the header: the first row whose columns read as a work plan, after at most
    MAX_TITLE_LINES title lines (rows with at most one filled cell); read each column's role."""
    title_lines: list[int] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if sum(bool(c) for c in split_cells(line)) <= 1 and len(title_lines) < MAX_TITLE_LINES:
            title_lines.append(lineno)
            continue
        last, text = _header_row(lines, lineno)
        names = ["".join(c.translate(_FULLWIDTH).split()) for c in split_cells(text)]
        roles = [header_role(n) for n in names]
        if "requirement" not in roles:
            raise SourceFileError(
                path,
                f"not a known work-plan table header: {line.strip()!r} (no column reads as what is promised: "
                f"a header with {', '.join(next(w for r, w, _ in HEADER_ROLES if r == 'requirement'))}; "
                "e.g. 序号 | 内容与要求 | 完成情况 | 责任单位)",
                lineno,
            )
        if (parts := _second_header_row(lines, last, names, roles)) is not None:
            names, last = parts, last + 1
            roles = [header_role(n) for n in names]
        title = " ".join(c for n in title_lines for c in split_cells(lines[n - 1]) if c) or None
        return Header(lineno, names, roles, last, title, tuple(title_lines))
    raise SourceFileError(path, "file is empty")


def group_rows(lines: list[str], header: Header, may_merge: bool) -> tuple[list[_PendingRow], list[_PendingRow]]:
    """Group physical lines into logical rows; blank lines between rows come back separately.

    A row is open while it has fewer separators than a full row. An open row takes the next
    line as its continuation, unless that line starts like a row ("12 | ...") and joining it
    would give more cells than a row has: then the open row is short a cell, and a new row begins.
    Where a column may be merged (`may_merge`), a row one cell short is complete once it ends with
    the separator and the next line starts with a task number.
    """
    n_columns = len(header.names)
    rows: list[_PendingRow] = []
    blanks: list[_PendingRow] = []
    current: _PendingRow | None = None
    for lineno, line in enumerate(lines, start=1):
        if lineno < header.line and lineno not in header.title_lines:  # blank lines above the header
            blanks.append(_PendingRow(lineno, lineno, [line]))
            continue
        if lineno <= header.last_line:
            continue
        if current is not None and current.separators < n_columns:
            starts_new = _ROW_START.match(line) and current.separators + line.count(CELL_SEPARATOR) > n_columns
            short_but_closed = (may_merge and current.separators == n_columns - 1
                                and current.text.rstrip().endswith(CELL_SEPARATOR) and _row_starts_a_task(line))
            if not (starts_new or short_but_closed):
                current.lines.append(line)
                current.last_line = lineno
                continue
        if not line.strip():
            blanks.append(_PendingRow(lineno, lineno, [line]))
            current = None
            continue
        current = _PendingRow(lineno, lineno, [line])
        rows.append(current)
    return rows, blanks


def sub_row_column(cells: list[str], header: Header) -> int | None:
    """A row without a task id holding text in its first cell only (`新增学位810个 | |||||`) continues
    the task above: the published table merged the other cells over both rows. Its text belongs to the
    first column after the id that is never merged (the requirement). None for any other row."""
    id_column = header.column("task_id")
    if id_column is None or not cells[0].strip() or any(c.strip() for c in cells[1:]):
        return None
    if task_number(cells[0]) is not None or group_heading(cells) is not None:
        return None
    return next((i for i, role in enumerate(header.roles)
                 if i > id_column and role not in MERGEABLE_ROLES and role != "task_id"), None)


def task_number(written: str) -> int | None:
    """The number a task id holds as written (`1`, `1.`, `1、`, `(1)`, `（一）`), or None."""
    text = written.translate(_FULLWIDTH).strip()
    for form in _ID_FORMS:
        if match := form.match(text):
            number = match.group(1)
            return int(number) if number.isascii() else int(cn2an.cn2an(number, "smart"))
    return None


def group_heading(cells: list[str]) -> str | None:
    """The title of a row that heads a group of tasks (`一、…` with the rest of the row empty), or None."""
    first = cells[0].translate(_FULLWIDTH).strip()
    if any(c.strip() for c in cells[1:]):
        return None
    return first if any(form.match(first) for form in _HEADING_FORMS) else None


def _reads_as_units(text: str) -> bool:
    """A cell that holds only unit names (市经信局, 发改局、财政局): not a requirement or progress text."""
    names = [n for n in _UNIT_BREAK.split(text.strip()) if n]
    return bool(names) and all(unit_suffix(n.lstrip(LEAD_MARKS)) for n in names)


def _is_the_header(cells: list[str], header: Header) -> bool:
    """The header row again (a table copied across pages). The first cell is compared first: it is cheap."""
    same = len(cells) == len(header.names) and "".join(cells[0].translate(_FULLWIDTH).split()) == header.names[0]
    return same and ["".join(c.translate(_FULLWIDTH).split()) for c in cells] == header.names


def with_target(requirement: str | None, target: str | None) -> str | None:
    """The requirement with the target column's cell joined (rules: a bare value right after the words)."""
    target = (target or "").strip()
    if not target:
        return requirement
    words = (requirement or "").rstrip()
    if _BARE_VALUE.match(target):
        return words.rstrip("。;；,，") + target
    return f"{words};{target}" if words else target


def _with_measure_unit_column(header: Header, lines: list[str]) -> Header:
    """A bare 单位 column holding units of measure (亿元, %, 个) is not who is responsible: re-read as such."""
    column = header.column("units")
    if column is None or header.names[column] != "单位":
        return header
    values = set()
    for line in lines[header.last_line:]:
        cells = split_cells(line)
        if len(cells) == len(header.names) and cells[column]:
            values.add(cells[column].translate(_FULLWIDTH).strip())
    if values and all(_MEASURE_UNIT.match(v) for v in values):
        roles = [*header.roles]
        roles[column] = "measure_unit"
        return Header(header.line, header.names, roles, header.last_line, header.title, header.title_lines)
    return header


def merged_column(cells: list[str], header: Header) -> int | None:
    """For a row one cell short: the merged column it leaves out, when exactly one mergeable column
    (MERGEABLE_ROLES) fits: without it the id cell reads as a task number and no text column would hold
    only unit names. None when none or several fit: the row is then quarantined, not guessed."""
    if len(cells) != len(header.names) - 1:
        return None
    texts = [header.column(role) for role in ("requirement", "completion")]
    id_column = header.column("task_id")
    fits = []
    for role in MERGEABLE_ROLES:
        column = header.column(role)
        if column is None or column in fits:
            continue
        full = [*cells[:column], "", *cells[column:]]
        if id_column is not None and task_number(full[id_column]) is None:
            continue
        if any(i is not None and _reads_as_units(full[i]) for i in texts):
            continue
        fits.append(column)
    return fits[0] if len(fits) == 1 else None


def read_report(path: Path, normalised: bool = True) -> Report:
    """The report's tasks, rejected rows and the other columns' cells. `normalised=False` leaves the
    cells as written, for a caller that normalises many reports at once (one polars pass)."""
    data = path.read_bytes()
    text, encoding = decode(data, path)
    lines = split_lines(text)
    header = _with_measure_unit_column(read_header(lines, path), lines)
    n_columns = len(header.names)
    at = header.task_columns()
    report_id, source_file = report_id_for(path), str(path)
    may_merge = any(role in MERGEABLE_ROLES for role in header.roles)
    rows, blanks = group_rows(lines, header, may_merge)

    rejected: list[tuple[_PendingRow, str]] = [(b, "empty line") for b in blanks]
    headings: list[_PendingRow] = []
    repeated_headers: list[_PendingRow] = []
    parsed: list[tuple[_PendingRow, list[str], str | None]] = []
    group: str | None = None
    merged_rows: set[int] = set()  # first lines of rows that continue a merged cell
    sub_rows: dict[int, int] = {}  # first line of a task -> rows below it that continue it
    above: list[str] | None = None  # the last full row read: where merged cells hold their value
    for row in rows:
        cells = split_cells(row.text)
        if all(not c.strip() for c in cells):
            rejected.append((row, "empty row"))
        elif _is_the_header(cells, header):
            repeated_headers.append(row)  # the header again (a table copied across pages)
        elif (title := group_heading(cells)) is not None:
            headings.append(row)
            group = title
        elif ((column := sub_row_column(cells, header)) is not None and parsed
              and parsed[-1][0].last_line == row.first_line - 1):
            task_row, task_cells, _ = parsed[-1]
            # A clause break, not a line break: normalising drops line breaks, and the sub-row is an item of its own.
            task_cells[column] = f"{task_cells[column]};{cells[0]}"
            task_row.lines += row.lines
            task_row.last_line = row.last_line
            sub_rows[task_row.first_line] = sub_rows.get(task_row.first_line, 0) + 1
        elif (column := merged_column(cells, header)) is not None:
            cells = [*cells[:column], above[column] if above else "", *cells[column:]]
            merged_rows.add(row.first_line)
            parsed.append((row, cells, group))
            above = cells
        elif len(cells) != n_columns:
            rejected.append((row, f"expected {n_columns} cells, found {len(cells)}"))
        else:
            parsed.append((row, cells, group))
            above = cells

    # (group, number) -> its rows: numbering may restart in each group.
    numbered: dict[tuple[str | None, int], list[tuple[_PendingRow, list[str], str, str | None]]] = {}
    for order, (row, cells, grp) in enumerate(parsed, start=1):
        label = cells[at["task_id"]].strip() if "task_id" in at else str(order)  # no id column: the order
        number = task_number(label)
        if number is None:
            rejected.append((row, f"task id is not a number: {label!r}"))
        elif number <= 0:
            rejected.append((row, f"task id must be positive: {label}"))
        else:
            numbered.setdefault((grp, number), []).append((row, cells, label, grp))
    good: list[tuple[_PendingRow, list[str], str, str | None, int]] = []
    for (_, number), same in numbered.items():
        first_row, first_cells, *_ = same[0]
        if len(same) == 1 or all(cells == first_cells for _, cells, *_ in same):
            # One row, or the same row repeated: keep the first copy, quarantine the repeats.
            good.append((*same[0], number))
            for row, *_ in same[1:]:
                rejected.append((row, f"duplicate of task {number} on line {first_row.first_line} (same content)"))
        else:
            # Same id, different content: neither can be trusted over the other.
            lines_text = ", ".join(str(r.first_line) for r, *_ in same)
            for row, *_ in same:
                rejected.append((row, f"task id {number} appears on lines {lines_text} with different content"))
    good.sort(key=lambda g: g[0].first_line)
    # A stable integer id: the written number where it is unique in the report, else the order.
    numbers = [number for *_, number in good]
    restarts = len(set(numbers)) != len(numbers)
    good = [(row, cells, label, grp, order if restarts else number)
            for order, (row, cells, label, grp, number) in enumerate(good, start=1)]

    def cell(cells: list[str], role: str) -> str | None:
        return cells[at[role]] if role in at else None

    target_column = header.column("target")
    if target_column is not None and any(w in header.names[target_column] for w in PART_YEAR_HEADER_WORDS):
        target_column = None  # a milestone for part of the year: an attribute only

    measure_column = header.column("measure_unit")

    def measured(cells: list[str], column: int | None) -> str | None:
        """A bare number in a table with a unit-of-measure column is a quantity in that unit ("6.5" + "%")."""
        if column is None:
            return None
        value = cells[column].strip()
        unit = cells[measure_column].strip() if measure_column is not None else ""
        return value + unit if unit and _BARE_NUMBER.match(value) else cells[column]

    def requirement(cells: list[str]) -> str | None:
        return with_target(cell(cells, "requirement"), measured(cells, target_column))

    group_column = header.column("group")  # a group column (分块) gives the group where no heading row does

    def task_group(cells: list[str], heading: str | None) -> str | None:
        return heading if heading is not None or group_column is None else cells[group_column] or None

    tasks = pl.DataFrame(
        {
            "report_id": [report_id] * len(good),
            "task_id": [task_id for *_, task_id in good],
            "requirement": [requirement(c) for _, c, *_ in good],
            "completion": [measured(c, at.get("completion")) for _, c, *_ in good],
            "units_raw": [cell(c, "units") for _, c, *_ in good],
            "lead_units_raw": [cell(c, "lead_units") for _, c, *_ in good],
            "support_units_raw": [cell(c, "support_units") for _, c, *_ in good],
            "source_file": [source_file] * len(good),
            "first_line": [r.first_line for r, *_ in good],
            "last_line": [r.last_line for r, *_ in good],
            "task_label": [label for _, _, label, _, _ in good],
            "task_group": [task_group(c, heading) for _, c, _, heading, _ in good],
            "continues_merged_cell": [r.first_line in merged_rows for r, *_ in good],
            "sub_rows": [sub_rows.get(r.first_line, 0) for r, *_ in good],
        },
        schema=RAW_TASKS.schema,
    )
    kept = set(at.values())
    attributes = pl.DataFrame(
        [(report_id, task_id, i + 1, header.names[i], header.roles[i], value)
         for _, cells, _, _, task_id in good for i, value in enumerate(cells) if i not in kept and value.strip()],
        schema=RAW_TASK_ATTRIBUTES.schema, orient="row",
    )
    leader_column = header.column("leader")

    def task_leaders(cells: list[str], heading: str | None) -> list[tuple[str, str | None, str]]:
        found = [(lead.name, lead.title, "leader_column")
                 for lead in (leaders_in_cell(cells[leader_column]) if leader_column is not None else [])]
        found += [(lead.name, lead.title, "group_heading") for lead in (leaders_in_heading(heading) if heading else [])
                  if lead.name not in {name for name, *_ in found}]
        return found

    leaders = pl.DataFrame(
        [(report_id, task_id, position, name, title, source)
         for _, cells, _, heading, task_id in good
         for position, (name, title, source) in enumerate(task_leaders(cells, heading), start=1)],
        schema=RAW_TASK_LEADERS.schema, orient="row",
    )
    if normalised:
        tasks, attributes = normalise_tasks(tasks), normalise_attributes(attributes)
    rejected.sort(key=lambda rr: rr[0].first_line)
    rejects = pl.DataFrame(
        {
            "report_id": [report_id] * len(rejected),
            "source_file": [source_file] * len(rejected),
            "source_line": [r.first_line for r, _ in rejected],
            "last_line": [r.last_line for r, _ in rejected],
            "raw_text": [r.text for r, _ in rejected],
            "reason": [reason for _, reason in rejected],
        },
        schema=REJECTED_ROWS.schema,
    )
    return Report(
        report_id=report_id,
        source_file=source_file,
        encoding=encoding,
        content_hash=hashlib.sha256(data).hexdigest(),
        line_count=len(lines),
        header=header,
        group_heading_lines=sum(r.last_line - r.first_line + 1 for r in headings),
        repeated_header_lines=sum(r.last_line - r.first_line + 1 for r in repeated_headers),
        tasks=tasks,
        rejected=rejects,
        attributes=attributes,
        leaders=leaders,
        context=report_context(header.title, header.names[at["completion"]] if "completion" in at else None,
                               path.stem, "completion" in at),
    )


# --- text normalisation (polars expressions) ----------------------------------------

_NOT_WORD = r"[^A-Za-z0-9]"


def _fullwidth_to_ascii(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(FULLWIDTH_TO_ASCII), list(FULLWIDTH_TO_ASCII.values()))


def normalise_text(expr: pl.Expr) -> pl.Expr:
    """Requirement/completion text: full-width ASCII to ASCII; whitespace (line breaks inside a
    cell, stray spaces) removed, since Chinese does not space its words, except one space between
    two ASCII words or numbers ("增长 7 %" -> "增长7%", "PPP 项目" -> "PPP项目", "Wi Fi" stays)."""
    expr = _fullwidth_to_ascii(expr).str.replace_all(r"\s+", " ")
    expr = expr.str.replace_all(f"({_NOT_WORD}) ", "$1").str.replace_all(f" ({_NOT_WORD})", "$1")
    return expr.str.strip_chars()


def normalise_tasks(tasks: pl.DataFrame) -> pl.DataFrame:
    """Cells as written -> cells as staged."""
    return tasks.with_columns(
        normalise_text(pl.col("requirement")),
        normalise_text(pl.col("completion")),
        normalise_units_cell(pl.col("units_raw")),
        normalise_units_cell(pl.col("lead_units_raw")),
        normalise_units_cell(pl.col("support_units_raw")),
    )


def normalise_attributes(attributes: pl.DataFrame) -> pl.DataFrame:
    """Other columns' cells as staged: as a units cell is (full-width ASCII, whitespace collapsed)."""
    return attributes.with_columns(normalise_units_cell(pl.col("value")))


def normalise_units_cell(expr: pl.Expr) -> pl.Expr:
    """Units cell: full-width ASCII to ASCII; any whitespace run (line breaks too) to one space,
    since spaces separate unit names here. Stray spaces inside a name are mended by ``units``."""
    return _fullwidth_to_ascii(expr).str.replace_all(r"\s+", " ").str.strip_chars()


def report_files(raw_dir: Path) -> list[Path]:
    """The report files in the raw folder, in name order (hidden files and other suffixes skipped)."""
    from pipelines.core.settings import REPORT_SUFFIXES

    if not raw_dir.is_dir():
        raise SourceFileError(raw_dir, "raw folder does not exist")
    files = sorted(
        p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix in REPORT_SUFFIXES
    )
    seen: dict[str, Path] = {}
    for path in files:
        if report_id_for(path) in seen:
            raise SourceFileError(path, f"same report id as {seen[report_id_for(path)].name}: rename one of them")
        seen[report_id_for(path)] = path
    return files
