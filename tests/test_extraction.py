"""Targets and actuals read from free text: the hard cases, pinned."""

from __future__ import annotations

import pytest

from pipelines.core.extraction.mentions import extract_actuals, extract_targets, find_quantities, months_covered


def targets(text: str) -> list[tuple]:
    return [(m.value, m.unit, m.comparator, m.direction) for m in extract_targets(text)]


def only_target(text: str):
    found = extract_targets(text)
    assert len(found) == 1, [m.span for m in found]
    return found[0]


class TestNumbers:
    @pytest.mark.parametrize(
        ("text", "value", "unit", "normalised"),
        [
            ("完成投资1,365.3亿元", 1365.3, "亿元", 1365.3e8),
            ("新增放心消费单位1.7万家", 1.7, "万家", 17000),
            ("新增小微企业13000家", 13000, "家", 13000),
            ("新增两家", 2, "家", 2),
            ("培育十个示范村", 10, "个", 10),
            ("募集一万元", 10000, "元", 10000),
            ("新增处置能力59吨/日", 59, "吨/日", 59),
            ("提高1.5个百分点", 1.5, "个百分点", 1.5),
            ("接待游客300万人次", 300, "万人次", 3e6),
        ],
    )
    def test_value_and_unit_as_written(self, text, value, unit, normalised):
        m = only_target(text)
        assert (m.value, m.unit) == (value, unit)
        assert m.normalised_value == pytest.approx(normalised)

    @pytest.mark.parametrize(
        "text",
        [
            "编制“十四五”规划",
            "开工建设329国道上虞段",
            "推动城市建成区5G全覆盖",
            "实施农业产业提升“2020”计划",
            "精心办好第二届绍兴发展大会",
            "完成“1+X”预案体系建设",
            "实施三年行动计划",
            "到2020年底前基本实现",
            "2014年至2016年平均数",
            "9·30烈士纪念日",
            "确保PM2.5全市平均浓度达标",
            "加快特色小镇2.0版建设",
            "深化生产、供销、信用“三位一体”农合联改革",
            "整合再造“一件事”流程",
            "规划建设古城非遗一条街",
            "强制隔离戒毒所“两个特殊”的监管工作",
        ],
    )
    def test_not_targets(self, text):
        assert extract_targets(text) == ()

    def test_numbers_inside_names_are_not_quantities(self):
        assert find_quantities("527国道嵊新段、31省道北延") == []


class TestComparator:
    @pytest.mark.parametrize(
        ("text", "comparator"),
        [
            ("市县长项目落地率50%以上", "gte"),
            ("参保率不低于99%", "gte"),
            ("技术交易额超过50亿元", "gte"),
            ("至少新增10家", "gte"),
            ("增速高于8%", "gte"),
            ("城镇登记失业率控制在3%以内", "lte"),
            ("PM2.5浓度35%以下", "lte"),
            ("新增债务不超过5亿元", "lte"),
            ("审批“最多80天”", "lte"),
            ("地区生产总值增长7%左右", "approx"),
            ("投资约20亿元", "approx"),
            ("新增小微企业13000家", "eq"),
            ("完成投资8亿元", "eq"),
        ],
    )
    def test_comparator_from_qualifier(self, text, comparator):
        assert only_target(text).comparator == comparator

    def test_range_is_lower_bound_and_gte(self):
        m = only_target("新增混合所有制企业3—4家")
        assert (m.value, m.upper, m.comparator) == (3, 4, "gte")


class TestDirection:
    @pytest.mark.parametrize(
        ("text", "direction"),
        [
            ("地区生产总值增长7%左右", "increase"),
            ("新增小微企业13000家", "increase"),
            ("空气质量优良率提高到90%", "increase"),
            ("单位GDP能耗下降5%", "decrease"),
            ("压降煤炭消费10万吨", "decrease"),
            ("空气优良天数达305天以上", "level"),
            ("建成8个美丽城镇", "level"),
            ("累计新建提升小微企业园100个以上", "level"),  # a cumulative level
            ("新改扩建中小学和幼儿园77所", "level"),
            ("4个结构性指标均实现10%以上增长", "increase"),  # change word after the number
        ],
    )
    def test_direction_from_change_word(self, text, direction):
        assert only_target(text).direction == direction

    def test_list_items_share_the_first_items_verb(self):
        found = extract_targets("新增省级“隐形冠军”培育企业30家、“专精特新”企业1500家、“小升规”企业500家。")
        assert [(m.value, m.direction) for m in found] == [(30, "increase"), (1500, "increase"), (500, "increase")]
        assert found[1].metric == "新增专精特新企业"


class TestDescriptors:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # A measure before 以上/以下 + noun describes what is counted.
            ("实现300人以上学校食堂安装应用", []),
            ("加快出清亩均税收3万元以下企业", []),
            ("消除年经营性收入12万元以下、其它县域20万元以下薄弱村", []),
            ("基本完成淘汰35蒸吨/小时以下燃煤锅炉任务", []),
            # A count before 以上 + noun is itself the target.
            ("新建5个以上产业扶贫基地", [(5, "个", "gte", "increase")]),
            # "N things … X%": the rate is the target, N its scope.
            ("4个结构性指标均实现10%以上增长", [(10, "%", "gte", "increase")]),
            ("24小时天气预报准确率90%以上", [(90, "%", "gte", "level")]),
            # Two counts joined by 和 are two targets.
            (
                "完成6500间教室的照明灯光和13.4万套课桌椅的标准化配备",
                [(6500, "间", "eq", "level"), (13.4, "万套", "eq", "level")],
            ),
        ],
    )
    def test_descriptors_are_not_targets(self, text, expected):
        assert targets(text) == expected

    def test_descriptor_words_stay_in_the_metric(self):
        m = only_target("新引进投资10亿元以上项目40个")
        assert m.value == 40
        assert m.span == "新引进投资10亿元以上项目40个"


class TestSpanAndMetric:
    @pytest.mark.parametrize(
        ("text", "span", "metric"),
        [
            ("坚持稳中求进,确保地区生产总值增长7%左右。", "地区生产总值增长7%左右", "地区生产总值增长"),
            ("加大扶持力度,全市新增小微企业13000家;", "新增小微企业13000家", "新增小微企业"),
            ("深化智慧城市建设,全年建成8个美丽城镇。", "建成8个美丽城镇", "建成美丽城镇"),
            ("打好蓝天保卫战,空气优良天数达305天以上。", "空气优良天数达305天以上", "空气优良天数"),
        ],
    )
    def test_span_is_the_metric_through_the_qualifier(self, text, span, metric):
        m = only_target(text)
        assert (m.span, m.metric) == (span, metric)
        assert text[m.span_start : m.span_end] == m.span

    def test_metric_borrows_the_previous_clause_when_it_names_no_thing(self):
        m = only_target("深化“智慧安防”小区建设,全年建设完成600个以上。")
        assert "智慧安防小区" in m.metric


class TestActuals:
    def test_decline_is_negative(self):
        found = extract_actuals("民间项目投资同比下降4.7%,出口降幅2.4%,交通投资增长6.5%。")
        assert [m.value for m in found] == [-4.7, -2.4, 6.5]

    @pytest.mark.parametrize(
        ("text", "period", "part_year"),
        [
            ("1-11月,全市新增上云企业3080家,新增工业机器人2350台。", "1-11月", True),
            ("前三季度服务业增加值增长3.3%。", "前三季度", True),
            ("截至11月末,存贷款余额同比增长17.17%。", "截至11月末", True),
            ("1-12月,全市战略性新兴产业增加值占规上工业比重为44%。", "1-12月", False),
            ("全市已引入开发建设项目1682个。", "全年", False),
            ("全年共有5个镇(街)通过评估验收,累计创建率已达86.6%。", "累计", False),
            ("1-11月累计淘汰180家企业的落后产能。", "1-11月", True),
        ],
    )
    def test_period_as_written(self, text, period, part_year):
        last = extract_actuals(text)[-1]
        assert (last.period, last.is_part_year) == (period, part_year)

    def test_period_of_a_sentence_header_applies_to_every_clause(self):
        found = extract_actuals("1-11月,新增上云企业3080家,新增工业机器人2350台。")
        assert [m.period for m in found] == ["1-11月", "1-11月"]

    @pytest.mark.parametrize(
        ("text", "estimate"),
        [
            ("全年GDP预计增长4.5%左右。", True),
            ("全年有望突破300亿元。", True),
            ("预估全年低收入农户人均可支配收入增速保持10%以上。", True),
            ("全市新增小微企业25556家。", False),
        ],
    )
    def test_estimates(self, text, estimate):
        assert extract_actuals(text)[0].is_estimate is estimate

    def test_completion_ratio_is_flagged(self):
        found = extract_actuals("已完成提升改造低等级公路431.8公里,完成年度目标任务的103%。")
        assert [(m.value, m.is_completion_ratio) for m in found] == [(431.8, False), (103, True)]

    @pytest.mark.parametrize(
        ("period", "months"),
        [
            ("全年", 12),
            ("1-11月", 11),
            ("1-11月份", 11),
            ("前三季度", 9),
            ("上半年", 6),
            ("截至10月末", 10),
            ("累计", 12),
        ],
    )
    def test_months_covered(self, period, months):
        assert months_covered(period) == months


def test_a_bare_list_item_shares_the_words_of_the_item_before_it():
    first, second = extract_actuals("死亡人数对比平均数分别下降74.13%、73.91%")
    assert (first.value, second.value) == (-74.13, -73.91)  # both declines, not a rise second
    assert second.direction == "decrease" and second.metric == first.metric


@pytest.mark.parametrize(
    ("text", "unit", "normalised_unit"),
    [
        ("建设绿道10km", "km", "公里"),
        ("新增光伏装机50MW", "MW", "兆瓦"),
        ("改造面积2万m²", "万m²", "平方米"),
        ("日处理能力300t", "t", "吨"),
    ],
)
def test_latin_units_read_as_their_chinese_names(text, unit, normalised_unit):
    [target] = extract_targets(text)
    assert (target.unit, target.normalised_unit) == (unit, normalised_unit)


@pytest.mark.parametrize(("text", "comparator"), [("泰顺>85.8%", "gte"), ("满意度≥95%", "gte"), ("投诉率≤3%", "lte")])
def test_comparison_signs_before_a_number(text, comparator):
    [target] = extract_targets(text)
    assert target.comparator == comparator


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("新配置AED128台", [128]),  # a count after a Latin name: a quantity
        ("开工建设G60高速", []),
        ("PM2.5浓度下降", []),
        ("CT3台、MRI2台", [3, 2]),
    ],
)
def test_a_number_after_latin_letters_counts_things_only_with_a_classifier(text, values):
    assert [q.value for q in find_quantities(text)] == values


def test_an_actual_knows_the_stated_completion_of_its_sentence():
    first, second = extract_actuals("全市10个新增急救站点已全部完成建设,并正式投入使用;新增救护车26辆。")
    assert (first.value, first.statement) == (10, "已全部完成")
    assert (second.value, second.statement) == (26, None)  # another sentence


def test_a_target_of_completion_is_a_completion_ratio():
    [target] = extract_targets("累计完成三年任务的95%")
    assert target.is_completion_ratio


@pytest.mark.parametrize(
    "text",
    [
        "“最多80天”实现率100%。",
        "完成2020年度“15分钟应急消防救援圈”建设。",
        "已全面完成省定“14所乡村初中、122所小学乡村全覆盖”的目标。",
    ],
)
def test_a_number_inside_quotation_marks_is_not_an_actual(text):
    assert [m.span for m in extract_actuals(text) if "“" in m.span or m.value in (80, 15, 14, 122)] == []


@pytest.mark.parametrize(
    ("text", "parts_name"),
    [
        ("4个结构性指标均实现10%以上增长", "结构性指标"),
        ("三类园区都达到80%以上", "园区"),
        ("市县长项目落地率50%以上", None),
        ("3个园区建成", None),
    ],
)
def test_a_target_for_each_of_several_things_names_them(text, parts_name):
    assert extract_targets(text)[0].parts_name == parts_name


def test_a_run_of_digits_longer_than_a_figure_is_a_code():
    assert find_quantities("完成" + "9" * 400 + "个") == []  # and no value is ever infinite
    assert [q.value for q in find_quantities("统一社会信用代码913306001234567890个体户,新增企业12家")] == [12]


def test_a_rate_before_the_things_it_shares_is_a_target():
    # RATE_OF_THINGS: "30%以上服务人口…乡镇卫生院" is a share of those 卫生院; SIZE_OF_THINGS: 2万 is their size.
    text = "30%以上的社区卫生服务中心、30%以上服务人口超过2万的乡镇卫生院配备专职口腔医师"
    assert [(m.value, m.unit) for m in extract_targets(text)] == [(30.0, "%"), (30.0, "%")]


def test_a_rate_before_things_a_count_follows_describes_them():
    assert [(m.value, m.unit) for m in extract_targets("培育营收增长10%以上企业20家")] == [(20.0, "家")]
