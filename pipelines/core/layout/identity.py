"""What a report is, for an analyst telling reports apart: place, year, period covered, kind, plan type.

Read from the document first (REPORT_* rules): the title lines above the header, the page's or document's
title (<title>, <caption>), the header (its completion column's name "前三季度完成情况", then the other
columns' names "1-11月推进情况"), and only then the file name (a name like `P020200415381234.xls`, as
government sites name their downloads, says nothing). The first that says wins; `context_evidence` records
where each value came from and the words it was read from. Null where nothing says: never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipelines.core.rules import (
    PLAN_TYPE_FORMS,
    REPORT_DATE_MONTH_STARTED_AFTER_DAY,
    REPORT_KIND_FORMS,
    REPORT_PERIOD_FORMS,
    REPORT_PERIOD_TOKENS,
    REPORT_PLACE_FORMS,
    REPORT_YEAR_FORM,
)

_YEAR = re.compile(REPORT_YEAR_FORM[0])
_PLACES = tuple(re.compile(pattern) for pattern, _ in REPORT_PLACE_FORMS)
_PERIODS = tuple((re.compile(pattern), period, months) for pattern, period, months, _ in REPORT_PERIOD_FORMS)
_KINDS = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind, _ in REPORT_KIND_FORMS)
_PLAN_TYPES = tuple((re.compile(pattern, re.IGNORECASE), plan_type) for pattern, plan_type, _ in PLAN_TYPE_FORMS)
_TOKEN_BREAK = re.compile(r"[-_.\s]+")
FILE_NAME = "file name"
HEADER = "header"

# A reader: (source name, text) -> (value, the words it was read from), or None.
Reader = Callable[[str, str], tuple[object, str] | None]


@dataclass(frozen=True)
class ReportContext:
    place: str | None
    year: int | None
    period: str | None  # "1-9月", "全年"
    months_covered: int | None
    report_kind: str | None  # plan, progress, completion
    plan_type: str | None  # 重点工作, 民生实事 …
    context_evidence: str  # "place: title (柯桥区); year: title (2023); period: header (前三季度); …"


def _months(match: re.Match, period: str | None, months: int | None) -> tuple[str, int] | None:
    """The period a period phrase says; a month captured is the last month covered, a date early in its
    month ("截至9月1日") the month before it."""
    if period is not None:
        return period, months
    groups = match.groupdict()
    months = int(groups["month"])
    if groups.get("day") and int(groups["day"]) <= REPORT_DATE_MONTH_STARTED_AFTER_DAY:
        months -= 1
    if not 1 <= months <= 12:
        return None
    return ("全年" if months == 12 else f"1-{months}月"), months


def _period(name: str, text: str) -> tuple[tuple[str, int], str] | None:
    if name == FILE_NAME:
        token = next((t for t in _TOKEN_BREAK.split(text.lower()) if t in REPORT_PERIOD_TOKENS), None)
        return (REPORT_PERIOD_TOKENS[token], token) if token else None
    for pattern, period, months in _PERIODS:
        for match in pattern.finditer(text):
            if (found := _months(match, period, months)) is not None:
                return found, match[0]
    return None


def _place(name: str, text: str) -> tuple[str, str] | None:
    if name == HEADER:  # a header's "县区" column names the places of its rows, not the report's
        return None
    return next(((m["place"], m["place"]) for p in _PLACES if (m := p.search(text))), None)


def _year(name: str, text: str) -> tuple[int, str] | None:
    return (int(m[1]), m[1]) if (m := _YEAR.search(text)) else None


def _words(forms, skip: str | None = None) -> Reader:
    def read(name: str, text: str):
        return next(((value, m[0]) for p, value in forms if value != skip and (m := p.search(text))), None)

    return read


def _first(reader: Reader, sources: tuple[tuple[str, str | None], ...]):
    """The first (value, source name, words) a reader finds in the named texts, or (None, None, None)."""
    for name, text in sources:
        if text and (found := reader(name, text)) is not None:
            return found[0], name, found[1]
    return None, None, None


def report_context(
    title: str | None,
    completion_header: str | None,
    file_stem: str,
    has_completion: bool,
    page_title: str | None = None,
    header_names: tuple[str, ...] = (),
) -> ReportContext:
    """The report's context from its title lines, page title, header and, last, its file name."""
    sources = (
        ("title", title),
        ("page title", page_title if page_title != title else None),
        (HEADER, completion_header),
        (HEADER, " ".join(n for n in header_names if n and n != completion_header)),
        (FILE_NAME, file_stem),
    )
    evidence: dict[str, str] = {}

    def found(field: str, reader: Reader):
        value, source, words = _first(reader, sources)
        if source:
            evidence[field] = f"{source} ({words})"
        return value

    place, year = found("place", _place), found("year", _year)
    period, months = found("period", _period) or (None, None)
    if not has_completion:
        kind = "plan"
        evidence["kind"] = "no completion or progress column"
    elif months is not None:
        kind = "completion" if months == 12 else "progress"
        evidence["kind"] = f"period ({period})"
    else:  # a table saying how far the work is, is no plan whatever its title calls it
        kind = found("kind", _words(_KINDS, skip="plan"))
    plan_type = found("plan_type", _words(_PLAN_TYPES))
    context = "; ".join(f"{field}: {source}" for field, source in evidence.items())
    return ReportContext(place, year, period, months, kind, plan_type, context)
