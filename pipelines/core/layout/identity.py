"""What a report is, for an analyst telling reports apart: place, year, period covered, kind.

Read from three places in order (REPORT_* rules): the title lines above the header, the header (a
completion column named "前三季度完成情况" gives the period), the file name. The first that says wins;
`context_evidence` records where each value came from. Null where nothing says: never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.core.rules import (
    PLAN_TYPE_FORMS,
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


@dataclass(frozen=True)
class ReportContext:
    place: str | None
    year: int | None
    period: str | None  # "1-9月", "全年"
    months_covered: int | None
    report_kind: str | None  # plan, progress, completion
    plan_type: str | None  # 重点工作, 民生实事 …
    context_evidence: str  # "place: title; year: file name; …"


def _period_in_words(text: str) -> tuple[str, int] | None:
    for pattern, period, months in _PERIODS:
        if match := pattern.search(text):
            if period is None:
                months = int(match.group(1))
                if not 1 <= months <= 12:
                    continue
                period = "全年" if months == 12 else f"1-{months}月"
            return period, months
    return None


def _period_in_file_name(stem: str) -> tuple[str, int] | None:
    return next((REPORT_PERIOD_TOKENS[t] for t in _TOKEN_BREAK.split(stem.lower()) if t in REPORT_PERIOD_TOKENS), None)


def _first(readers, sources):
    """The first (value, source name) a reader finds in the named texts, or (None, None)."""
    for name, text in sources:
        if text and (value := readers(name, text)) is not None:
            return value, name
    return None, None


def report_context(
    title: str | None, completion_header: str | None, file_stem: str, has_completion: bool
) -> ReportContext:
    """The report's context from its title, its completion column's name and its file name."""
    sources = (("title", title), ("header", completion_header), ("file name", file_stem))
    evidence: dict[str, str] = {}

    def found(field: str, reader):
        value, source = _first(reader, sources)
        if source:
            evidence[field] = source
        return value

    place = found(
        "place",
        lambda name, text: next((m["place"] for p in _PLACES if name != "header" and (m := p.search(text))), None),
    )
    year = found("year", lambda name, text: int(m[1]) if name != "header" and (m := _YEAR.search(text)) else None)
    period_months = found(
        "period", lambda name, text: _period_in_file_name(text) if name == "file name" else _period_in_words(text)
    )
    period, months = period_months if period_months else (None, None)
    if not has_completion:
        kind = "plan"
        evidence["kind"] = "no completion or progress column"
    elif months is not None:
        kind = "completion" if months == 12 else "progress"
        evidence["kind"] = "period"
    else:
        kind = found("kind", lambda name, text: next((k for p, k in _KINDS if p.search(text)), None))
    plan_type = found("plan_type", lambda name, text: next((t for p, t in _PLAN_TYPES if p.search(text)), None))
    return ReportContext(
        place,
        year,
        period,
        months,
        kind,
        plan_type,
        "; ".join(f"{field}: {source}" for field, source in evidence.items()),
    )
