"""Reading the responsible-units cell: names, order, roles and unit types."""

from __future__ import annotations

import pytest

from pipelines.core.units.names import read_unit_columns, read_units, unit_type


def reading(cell: str) -> list[tuple[str, str]]:
    return [(a.unit_name, a.role) for a in read_units(cell)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # One unit alone is the sole unit.
        ("市发改委", [("市发改委", "sole")]),
        # Several, none marked: joint, in cell order.
        ("市教育局 市卫生健康委", [("市教育局", "joint"), ("市卫生健康委", "joint")]),
        # △ marks the lead; the others support it.
        ("△市水利局 市生态环境局", [("市水利局", "lead"), ("市生态环境局", "support")]),
        # The mark may stand apart from the name, and on a unit other than the first.
        ("市经信局 △ 市科技局", [("市经信局", "support"), ("市科技局", "lead")]),
        # A single unit marked △ is still the lead.
        ("△市发改委", [("市发改委", "lead")]),
        # A name broken by a stray space is one unit.
        ("市自然资源和 规划局", [("市自然资源和规划局", "sole")]),
        ("市金融办 人行绍兴市 中心支行", [("市金融办", "joint"), ("人行绍兴市中心支行", "joint")]),
        # Governments sharing one suffix are several units, in order.
        (
            "柯桥区、上虞区、诸暨市政府",
            [("柯桥区政府", "joint"), ("上虞区政府", "joint"), ("诸暨市政府", "joint")],
        ),
        (
            "△市发改委 柯桥区、 诸暨市政府",
            [("市发改委", "lead"), ("柯桥区政府", "support"), ("诸暨市政府", "support")],
        ),
        # A collective is one unit, its "、" notwithstanding.
        ("△市文广旅游局 各区、县(市)政府", [("市文广旅游局", "lead"), ("各区、县(市)政府", "support")]),
        # Each unit once: a repeat keeps its first position.
        ("市建设局 市司法局 市建设局", [("市建设局", "joint"), ("市司法局", "joint")]),
        # A repeat carrying the mark makes the unit the lead.
        ("市建设局 △市建设局 市司法局", [("市建设局", "lead"), ("市司法局", "support")]),
        # An unknown ending followed by a clear new unit is not glued onto it.
        ("绍兴港务 市交通运输局", [("绍兴港务", "joint"), ("市交通运输局", "joint")]),
        # ▲ or ★ mark the lead too; "," and ";" separate units as spaces do.
        ("▲发改局,财政局,各镇乡(街道)", [("发改局", "lead"), ("财政局", "support"), ("各镇乡(街道)", "support")]),
        ("★市商务局;市经信局", [("市商务局", "lead"), ("市经信局", "support")]),
        # Places end a name as offices do (PLACE_SUFFIXES): two streets and a town, one per line.
        ("万盛街道\n东林街道\n万东镇", [("万盛街道", "joint"), ("东林街道", "joint"), ("万东镇", "joint")]),
        # A place in brackets is part of the name, never an alias.
        ("余杭经济技术开发区(钱江经济开发区)", [("余杭经济技术开发区(钱江经济开发区)", "sole")]),
        # 等 closes a list (VAGUE_LIST_END): before a separator or at the cell's end, it is no part of a name.
        (
            "市统计局等,各县、市、区政府",
            [("市统计局", "joint"), ("各县、市、区政府", "joint")],
        ),
        ("区商务委、区统计局等", [("区商务委", "joint"), ("区统计局", "joint")]),
        # A closing 。 is no part of a name (a paragraph's label value keeps it).
        ("市发展改革委。", [("市发展改革委", "sole")]),
        # Empty cell: no units.
        ("", []),
    ],
)
def test_units_cell_reading(cell, expected):
    assert reading(cell) == expected


def test_positions_are_one_based_after_expansion():
    units = read_units("市民政局 越城区、上虞区政府 市建设局")
    assert [(a.position, a.unit_name) for a in units] == [
        (1, "市民政局"),
        (2, "越城区政府"),
        (3, "上虞区政府"),
        (4, "市建设局"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("市发改委", "city_department"),
        ("市自然资源和规划局", "city_department"),
        ("市委宣传部", "party_organ"),
        ("市纪委", "party_organ"),
        ("柯桥区政府", "district_county_government"),
        ("嵊州市政府", "district_county_government"),
        ("新昌县政府", "district_county_government"),
        ("市城投集团", "state_owned_company"),
        ("市国资运营公司", "state_owned_company"),
        ("绍兴文理学院", "university"),
        ("人行绍兴市中心支行", "central_agency_branch"),
        ("绍兴银保监分局", "central_agency_branch"),
        ("市气象局", "central_agency_branch"),
        ("滨海新区管委会", "development_zone_admin"),
        ("镜湖新区开发办", "development_zone_admin"),
        ("各区、县(市)政府", "collective"),
        ("各在绍高校", "collective"),
        ("某某协调小组", "other"),
        # A district's or county's own bodies, and a town's or street's government.
        ("区发改局", "district_county_department"),
        ("县民政局", "district_county_department"),
        ("柯桥区教育局", "district_county_department"),
        ("区委宣传部", "party_organ"),
        ("区政府", "district_county_government"),
        ("万东镇", "township"),
        ("东林街道办事处", "township"),
        ("各街道办事处", "collective"),
    ],
)
def test_unit_type(name, expected):
    assert unit_type(name) == expected


def roles_from(**cells) -> list[tuple[str, str]]:
    return [(a.unit_name, a.role) for a in read_unit_columns(cells)]


class TestUnitColumns:
    """Who is responsible over several columns (责任单位, 牵头单位, 配合单位) or labels in one cell."""

    def test_a_lead_column_and_a_support_column(self):
        assert roles_from(lead_units_raw="市财政局", support_units_raw="市住建局、市发改委") == [
            ("市财政局", "lead"),
            ("市住建局", "support"),
            ("市发改委", "support"),
        ]

    def test_a_lead_column_alone_names_leads(self):
        assert roles_from(lead_units_raw="县教育局、县卫健局") == [("县教育局", "lead"), ("县卫健局", "lead")]

    def test_a_units_column_beside_a_lead_column_supports(self):
        assert roles_from(lead_units_raw="市发改委", units_raw="市发改委 市经信局") == [
            ("市发改委", "lead"),
            ("市经信局", "support"),
        ]

    def test_labels_inside_one_cell(self):
        assert roles_from(units_raw="牵头单位:市发改委;配合单位:市经信局、市财政局") == [
            ("市发改委", "lead"),
            ("市经信局", "support"),
            ("市财政局", "support"),
        ]
        assert roles_from(units_raw="牵头:市建设局 配合:各区、县(市)政府") == [
            ("市建设局", "lead"),
            ("各区、县(市)政府", "support"),
        ]

    def test_a_vague_tail_is_one_collective_unit(self):
        assert roles_from(support_units_raw="市经信局、市科技局等市级有关部门,宁波海关") == [
            ("市经信局", "support"),
            ("市科技局", "support"),
            ("市级有关部门", "support"),
            ("宁波海关", "support"),
        ]

    def test_a_collective_ends_at_a_complete_name(self):
        assert [a.unit_name for a in read_units("各区(县、市)政府、开发园区管委会")] == [
            "各区(县、市)政府",
            "开发园区管委会",
        ]
        assert [a.unit_name for a in read_units("各区、县(市)政府")] == ["各区、县(市)政府"]

    def test_an_alias_in_brackets(self):
        [unit] = read_units("发改局(服务业发展局)")
        assert (unit.unit_name, unit.unit_alias) == ("发改局", "服务业发展局")
        assert read_units("各镇乡(街道)")[0].unit_alias is None  # a bracket that is part of the name


def test_padded_unit_name_is_one_unit():
    """A name padded one character apart ("县 委 办", full-width spaces too) is one unit, the lead mark kept."""
    units = read_units("▲县 委 办,财\u3000政\u3000局")
    assert [(u.unit_name, u.role) for u in units] == [("县委办", "lead"), ("财政局", "support")]


def test_units_cells_read_a_batch_of_reports_at_a_time_as_all_at_once(tmp_path, monkeypatch):
    """raw_unit_assignments on a real DuckDB file: read a report at a time (UNITS_BATCH_TASKS of one task), the
    rows are those of one pass over every report."""
    import duckdb

    from pipelines.core.refresh import steps
    from tests.conftest import REPO_ROOT, SEED

    real = REPO_ROOT / "tests" / "data" / "real"
    files = {
        "seed": SEED,
        "pinghu": real / "pinghu-2024-keywork-breakdown.txt",
        "zhuji": real / "zhuji-2023-keywork-breakdown.txt",
    }
    rows = "select * from staging.raw_unit_assignments order by all"
    found = []
    for batch_tasks in (steps.UNITS_BATCH_TASKS, 1):
        monkeypatch.setattr(steps, "UNITS_BATCH_TASKS", batch_tasks)
        with duckdb.connect(str(tmp_path / f"w{batch_tasks}.duckdb")) as con:
            steps.ingest_reports(con, files, code_version="c", pipeline_version="p", run_id="r")
            done = steps.derive_unit_assignments(con, "r")
            found.append(con.execute(rows).fetchall())
        assert len(done.recomputed) == len(files)
    assert found[0] == found[1] and len(found[0]) > 177
