"""What a cell's content reads as (rules.CELL_KINDS), whether it fits a column's role, and the misfits that mean
a row shifted (rules.CONTENT_MISFITS)."""

from __future__ import annotations

import pytest

from pipelines.core.layout.content import LABEL, cell_kind, column_kinds, fits, misfit
from pipelines.core.rules import CELL_KINDS, CONTENT_MISFITS


@pytest.mark.parametrize(
    ("kind", "example"), [(kind, ex) for kind, _, examples in CELL_KINDS for ex in examples.split(" / ")]
)
def test_every_cell_kind_reads_its_own_examples(kind, example):
    assert cell_kind(example) == kind


def test_a_unit_list_is_units_not_a_person():
    assert cell_kind("市发改委、市财政局") == "unit"
    assert cell_kind("各区、县(市)政府") == "unit"


def test_a_list_closed_by_deng_and_a_collective_with_commas_is_units():
    # VAGUE_LIST_END: 等 closes the named list; 各县、市、区政府 is one collective (not a sentence).
    assert cell_kind("市发改委、市统计局等,各县、市、区政府") == "unit"
    assert cell_kind("区税务局等") == "unit"


def test_closing_punctuation_is_no_part_of_a_cell():
    # CLOSING_PUNCTUATION: a paragraph's values keep their closing 。.
    assert cell_kind("市发展改革委。") == "unit"
    assert cell_kind("已完成。") == "status"


def test_a_padded_two_character_name_is_one_person():
    assert cell_kind("王 伟") == cell_kind("王\u3000伟") == "person"


def test_a_short_phrase_that_is_no_name_is_a_label():
    assert cell_kind("保民生") == LABEL


def test_an_empty_cell_has_no_kind_and_fits_any_role():
    assert cell_kind("  ") is None
    assert fits("units", None)


def test_a_column_is_profiled_by_the_kinds_of_its_cells():
    assert column_kinds(["市发改委", "市财政局", "", "已完成绿道建设130公里,占年度任务的100%"]) == {
        "unit": 2,
        "prose": 1,
    }


@pytest.mark.parametrize(("role", "kind", "reason"), CONTENT_MISFITS)
def test_each_misfit_is_caught_with_its_reason(role, kind, reason):
    example = next(ex.split(" / ")[0] for k, _, ex in CELL_KINDS if k == kind)
    assert misfit(role, example) == reason
    assert not fits(role, kind)


def test_a_fitting_cell_is_no_misfit():
    assert misfit("units", "市发改委") is None
    assert misfit("completion", "已完成新建和改造绿道130公里,占年度任务的100%") is None
