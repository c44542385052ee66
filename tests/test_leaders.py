"""Leaders in charge: people read from a leader column or a group heading, apart from the units."""

from __future__ import annotations

import pytest

from pipelines.core.units.leaders import Leader, leaders_in_cell, leaders_in_heading


@pytest.mark.parametrize(
    ("cell", "leaders"),
    [
        ("汤飞帆", [Leader("汤飞帆", None)]),
        ("汤飞帆副市长", [Leader("汤飞帆", "副市长")]),
        ("汤飞帆(副市长)", [Leader("汤飞帆", "副市长")]),
        # A title apart is a name's (LEADER_TITLE_APART): the next name's, else the last's; alone, kept whole.
        ("汤飞帆、李关定 副市长", [Leader("汤飞帆", None), Leader("李关定", "副市长")]),
        ("副市长 张建国", [Leader("张建国", "副市长")]),
        ("副市长", [Leader("副市长", None)]),
        ("张建国。", [Leader("张建国", None)]),  # a closing 。 ends the name (LEADER_SEPARATORS)
        ("赵海滨常务副市长;汤飞帆", [Leader("赵海滨", "常务副市长"), Leader("汤飞帆", None)]),
        ("汤飞帆、汤飞帆", [Leader("汤飞帆", None)]),  # each once
        ("祝振伟\n陈夏林", [Leader("祝振伟", None), Leader("陈夏林", None)]),  # one per line
        ("市政府办公室分管领导", [Leader("市政府办公室分管领导", None)]),  # not a name: kept whole
        ("", []),
    ],
)
def test_leaders_in_a_leader_column(cell, leaders):
    assert leaders_in_cell(cell) == leaders


@pytest.mark.parametrize(
    ("heading", "leaders"),
    [
        ("一、汤飞帆市长牵头重点工作", [Leader("汤飞帆", "市长")]),
        ("二、赵海滨常务副市长牵头重点工作", [Leader("赵海滨", "常务副市长")]),
        ("(三)陈某某副县长负责", [Leader("陈某某", "副县长")]),
        ("二、经济社会发展主要指标", []),  # a heading that names no leader
        ("一、市长热线", []),  # a title without a name and 牵头 is not a leader
    ],
)
def test_leaders_in_a_group_heading(heading, leaders):
    assert leaders_in_heading(heading) == leaders


@pytest.mark.parametrize("cell", ["王 伟", "王\u3000伟", "王 伟副市长"])
def test_padded_two_character_name_is_one_leader(cell):
    """A two-character name padded to three characters' width is one person, not two."""
    assert [leader.name for leader in leaders_in_cell(cell)] == ["王伟"]
