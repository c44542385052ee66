"""The achievement report's reading rules: what a ratio means in words; the review line it offers for the seed."""

from __future__ import annotations

import csv

import pytest
from dbt_common.clients.agate_helper import from_csv

from pipelines.core.report.html import REVIEWED_VERDICT_COLUMNS, ratio_in_words, review_line, said_in_words
from pipelines.core.report.words import LANGUAGES, WORDS, words
from pipelines.core.settings import DBT_PROJECT_DIR

REVIEWED_VERDICTS = DBT_PROJECT_DIR / "seeds" / "reviewed_verdicts.csv"
HOSTILE_SPAN = '=SUM(1,2) 达到"95%"'


@pytest.mark.parametrize(
    ("ratio", "direction", "comparator", "language", "said"),
    [
        (0.642, "increase", "approx", "zh", "完成目标的64%"),
        (0.642, "increase", "approx", "en", "reached 64% of the target"),
        (-1.48, "increase", "gte", "zh", "不升反降"),
        (-1.48, "increase", "gte", "en", "fell instead of rising"),
        (-0.5, "decrease", "eq", "zh", "不降反升"),
        (-0.5, "decrease", "eq", "en", "rose instead of falling"),
        (1.25, "level", "lte", "zh", "为上限的125%，超出25%"),
        (1.25, "level", "lte", "en", "125% of the ceiling, 25% over it"),
        (None, "level", "eq", "zh", ""),
    ],
)
def test_an_achievement_ratio_in_words(ratio, direction, comparator, language, said):
    assert ratio_in_words(ratio, direction, comparator, language) == said


def test_every_phrase_of_the_report_is_in_each_language_with_the_same_blanks():
    for key, phrases in WORDS.items():
        assert len(phrases) == len(LANGUAGES) and all(p.strip() for p in phrases), key
        assert len({p.count("{}") for p in phrases}) == 1, key


def test_a_report_language_the_report_is_not_written_in_is_refused():
    with pytest.raises(ValueError, match="REPORT_LANGUAGE"):
        words("fr")


def test_a_tasks_targets_as_said_take_the_reports_verdict_words():
    said = "生产总值增长6%左右: unknown, behind (预计全市GDP增长5%以上); 新增学位1000个: met"
    zh = "生产总值增长6%左右: 待核实, 进度滞后 (预计全市GDP增长5%以上); 新增学位1000个: 已完成"
    assert said_in_words(said, words("zh")) == zh
    assert said_in_words(said, words("en")) == said


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
