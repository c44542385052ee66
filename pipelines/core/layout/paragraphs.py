"""A plan written as paragraphs, with no cells: numbered items, each with labelled lines below it
(`牵头单位:市发改委`) or its labels in brackets at its end (`(责任领导:王伟;牵头单位:区发改局)`). Read as a
table (PARAGRAPH_FORM): the labels are its header, each item one row spanning its lines, an unlabelled
heading a one-cell row that heads the items below it, the lines above the first item the title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pipelines.core.layout.header import header_role
from pipelines.core.rules import (
    CELL_SEPARATOR,
    GROUP_HEADING_FORMS,
    INLINE_LABELS_FORM,
    LABEL_SEPARATORS,
    LABELLED_LINE_FORM,
    NUMBERED_LINE_FORMS,
    PARAGRAPH_FORM,
)
from pipelines.core.sources.grid import Grid, GridRow, split_lines

_MIN_ITEMS, _ID_HEADER, _TEXT_HEADER = PARAGRAPH_FORM
READ_AS_TABLE = "body paragraphs read as a table"
_LABELLED = re.compile(LABELLED_LINE_FORM[0])
_INLINE = re.compile(INLINE_LABELS_FORM[0])
_NUMBERED = tuple(re.compile(pattern) for pattern, _ in NUMBERED_LINE_FORMS)
_HEADING = tuple(re.compile(pattern) for pattern, _ in GROUP_HEADING_FORMS)
# What a label may name: who answers for the item, by when, what was done (never what is promised: that is text).
_LABEL_ROLES = frozenset({"leader", "lead_units", "support_units", "units", "deadline", "completion", "note"})


@dataclass
class _Item:
    number: str
    text: list[str]
    first: int
    last: int
    labels: dict[str, str] = field(default_factory=dict)


def _label(line: str) -> tuple[str, str] | None:
    """(label, value) of a labelled line whose label names a role a column may have, else None."""
    found = _LABELLED.match(line)
    if found is None:
        return None
    label = "".join(found["label"].split())
    return (label, found["value"]) if header_role(label) in _LABEL_ROLES else None


def _inline_labels(text: str) -> tuple[str, dict[str, str]]:
    """The text without its bracketed labels at the end, and those labels (every part must be one)."""
    found = _INLINE.search(text)
    if found is None:
        return text, {}
    parts = [_label(p) for p in re.split(f"[{LABEL_SEPARATORS}]", found["labels"]) if p.strip()]
    if not parts or any(p is None for p in parts):
        return text, {}
    return text[: found.start()], dict(p for p in parts if p is not None)


def _number(line: str) -> tuple[str, str] | None:
    """(number, rest) of a numbered line (`1.推动…` -> `1.`, `推动…`), else None."""
    stripped = line.strip()
    found = next((m for form in _NUMBERED if (m := form.match(stripped))), None)
    return (found.group(0).lstrip("*＊"), stripped[found.end() :]) if found else None


def _items(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[_Item | tuple[int, str]]]:
    """The title lines above the first item, then the items, with the blank lines between them."""
    titles: list[tuple[int, str]] = []
    body: list[_Item | tuple[int, str]] = []
    last_label: str | None = None
    for lineno, line in lines:
        current = next((b for b in reversed(body) if isinstance(b, _Item)), None)
        numbered, labelled = _number(line), _label(line)
        if numbered is not None and labelled is None:
            text, labels = _inline_labels(numbered[1])
            body.append(_Item(numbered[0], [text], lineno, lineno, labels))
            last_label = None
        elif current is None:
            titles.append((lineno, line))
        elif not line.strip():
            body.append((lineno, line))
        elif labelled is not None:
            _run_on(body, current, lineno)
            current.labels[labelled[0]] = "\n".join(filter(None, [current.labels.get(labelled[0]), labelled[1]]))
            last_label = labelled[0]
        elif last_label is not None and body[-1] is current:
            current.labels[last_label] += "\n" + line.strip()
            current.last = lineno
        else:  # the item's text goes on, after a blank line too
            _run_on(body, current, lineno)
            current.text.append(line.strip())
    return titles, body


def _run_on(body: list[_Item | tuple[int, str]], item: _Item, lineno: int) -> None:
    """The item runs on to `lineno`: the blank lines since its last line are inside it, no rows of their own."""
    while body[-1] is not item:
        body.pop()
    item.last = lineno


def _lines(grid: Grid) -> list[tuple[int, str]] | None:
    """The file's physical lines with their numbers, when it is text with no cell separator at all, or a
    document's body paragraphs (a paragraph's line breaks keep its number)."""
    if grid.no_table is not None:
        return [(row.first, line) for row in grid.rows for line in (split_lines(row.cells[0]) or [""])]
    if grid.source_format != "txt":
        return None
    lines: list[tuple[int, str]] = []
    for row in grid.rows:
        text = row.raw if row.raw is not None else CELL_SEPARATOR.join(row.cells)
        if CELL_SEPARATOR in text:
            return None
        parts = split_lines(text) or [""]
        lines += list(zip(range(row.first, row.first + len(parts)), parts, strict=True))
    return lines


def as_paragraphs(grid: Grid) -> Grid:
    """The grid as a table when it is a plan written as labelled paragraphs; else the grid as it is."""
    lines = _lines(grid)
    if lines is None:
        return grid
    titles, body = _items(lines)
    items = [b for b in body if isinstance(b, _Item)]
    labels = list(dict.fromkeys(label for item in items for label in item.labels))
    if not titles or sum(bool(item.labels) for item in items) < _MIN_ITEMS:
        return grid
    # The title lines are the header's lines (the document's title read from the page title).
    title = " ".join(t.strip() for _, t in titles if t.strip())
    rows = [GridRow([_ID_HEADER, _TEXT_HEADER, *labels], titles[0][0], titles[-1][0])]
    for part in body:
        if not isinstance(part, _Item):
            rows.append(GridRow([""], part[0], part[0]))
        elif not part.labels and any(h.match(part.number + part.text[0]) for h in _HEADING):
            rows.append(GridRow(["\n".join([part.number + part.text[0], *part.text[1:]])], part.first, part.last))
        else:
            values = [part.labels.get(label, "") for label in labels]
            rows.append(GridRow([part.number, "\n".join(part.text), *values], part.first, part.last))
    place = READ_AS_TABLE if grid.no_table is not None else grid.place
    return replace(grid, rows=rows, page_title=grid.page_title or title, place=place, no_table=None)
