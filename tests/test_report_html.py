"""The achievement report's reading rules: what a ratio means in words; the review line it offers for the seed."""

from __future__ import annotations

import csv

import pytest
from dbt_common.clients.agate_helper import from_csv

from pipelines.core.report.html import REVIEWED_VERDICT_COLUMNS, ratio_in_words, review_line
from pipelines.core.settings import DBT_PROJECT_DIR

REVIEWED_VERDICTS = DBT_PROJECT_DIR / "seeds" / "reviewed_verdicts.csv"
HOSTILE_SPAN = '=SUM(1,2) 达到"95%"'


@pytest.mark.parametrize(
    ("ratio", "direction", "comparator", "words"),
    [
        (0.642, "increase", "approx", "reached 64% of the target"),
        (-1.48, "increase", "gte", "fell instead of rising"),
        (-0.5, "decrease", "eq", "rose instead of falling"),
        (1.25, "level", "lte", "125% of the ceiling, 25% over it"),
        (None, "level", "eq", ""),
    ],
)
def test_an_achievement_ratio_in_words(ratio, direction, comparator, words):
    assert ratio_in_words(ratio, direction, comparator) == words


def test_review_line_of_a_span_with_comma_quote_and_leading_equals_round_trips_through_csv():
    (row,) = csv.reader([review_line("a,b-2023", 7, HOSTILE_SPAN)])
    fields = dict(zip(REVIEWED_VERDICT_COLUMNS, row, strict=True))
    assert fields["report_id"] == "a,b-2023"
    assert fields["task_id"] == "7"
    assert fields["target_span"] == HOSTILE_SPAN  # kept exact: fct_target_achievement joins on it
    assert fields["decision"] == "no_actual"


def test_review_line_pasted_under_the_seed_header_reads_in_dbt_as_the_span(tmp_path):
    header = REVIEWED_VERDICTS.read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == REVIEWED_VERDICT_COLUMNS
    seed = tmp_path / "reviewed_verdicts.csv"
    seed.write_text(f"{header}\n{review_line('r1', 3, HOSTILE_SPAN)}\n", encoding="utf-8")
    table = from_csv(seed, text_columns=["report_id", "target_span", "decision", "note"])
    (row,) = table.rows
    assert (row["report_id"], int(row["task_id"]), row["target_span"], row["decision"]) == (
        "r1",
        3,
        HOSTILE_SPAN,
        "no_actual",
    )
