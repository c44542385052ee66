"""Pairing targets with actuals: same metric, comparable unit, one actual per target."""

from __future__ import annotations

from pipelines.core.extraction.batch import read_task
from pipelines.core.extraction.mentions import extract_actuals, extract_targets
from pipelines.core.extraction.pairing import pair_targets


def pairs(requirement: str, completion: str) -> list[tuple[str, str | None]]:
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    by_seq = {a.seq: a for a in actuals}
    return [
        (next(t.span for t in targets if t.seq == p.target_seq), by_seq[p.actual_seq].span if p.actual_seq else None)
        for p in pair_targets(targets, actuals, requirement, completion)
    ]


def test_each_target_finds_its_metric():
    got = pairs(
        "加大小微企业扶持力度,全市新增小微企业13000家;新增“个转企”1600家。",
        "全市新增小微企业25556家、“个转企”2610家。",
    )
    assert got == [("新增小微企业13000家", "新增小微企业25556家"), ("新增“个转企”1600家", "“个转企”2610家")]


def test_no_actual_when_the_completion_gives_no_number_for_it():
    got = pairs("力争省级特色小镇创建或命名单位增加1家。", "绍兴黄酒小镇已获第四批省级特色小镇命名。")
    assert got == [("省级特色小镇创建或命名单位增加1家", None)]


def test_pairs_are_chosen_together():
    # The 8's words also resemble the 53's clause; the best assignment as a whole is 40-53, 8-13.
    got = pairs(
        "新引进投资10亿元以上项目40个、其中50亿元以上项目8个。",
        "1-11月,全市新引进10亿元以上产业项目53个,其中50亿元以上产业项目13个,提前完成年度目标任务。",
    )
    assert [a for _, a in got] == ["新引进10亿元以上产业项目53个", "50亿元以上产业项目13个"]


def test_completion_ratio_is_not_the_metric():
    got = pairs("新增放心消费单位1.7万家。", "新发展放心消费单位18614家,完成省政府下达任务的124.1%。")
    assert got == [("新增放心消费单位1.7万家", "新发展放心消费单位18614家")]


def test_a_completion_ratio_reports_a_target_of_completion():
    got = pairs("公办中小学空调安装累计完成三年任务的95%。", "公办中小学空调安装累计15900台,完成三年任务的95%。")
    assert got == [("公办中小学空调安装累计完成三年任务的95%", "完成三年任务的95%")]


def test_an_aside_in_brackets_does_not_dilute_the_metric():
    got = pairs("新改扩建规范化村卫生室(社区卫生服务站)3个。", "完成莲头村卫生室、培坑村卫生室3个村卫生室建设。")
    assert got == [("新改扩建规范化村卫生室(社区卫生服务站)3个", "培坑村卫生室3个村卫生室建设")]


def test_a_rate_is_never_paired_with_a_count():
    got = pairs("市县长项目落地率50%以上。", "市县长项目目前已安排36个项目,总投资882.1亿元。")
    assert got == [("市县长项目落地率50%以上", None)]


def test_full_year_figure_preferred_over_part_year():
    got = pairs(
        "高新技术产业投资增长10%以上。",
        "1-11月高新技术产业投资增长8%,预计全年实现增长10%目标。",
    )
    assert got == [("高新技术产业投资增长10%以上", "预计全年实现增长10%")]


def test_metric_named_in_the_previous_clause():
    got = pairs(
        "全市全年经营性用地出让金500亿元,其中市区400亿元。",
        "全市已成交经营性土地12586亩,完成土地出让金942亿元;市区已成交经营性土地6322亩,完成土地出让金651亿元。",
    )
    assert [a for _, a in got] == ["完成土地出让金942亿元", "完成土地出让金651亿元"]


def test_other_unit_pairs_only_on_strong_words():
    # 人 and 人次 do not convert: paired (it is the same metric), the status will say unknown.
    got = pairs("柔性引进海外工程师200人以上。", "省海外工程师42人。全年柔性引进海外工程师310人次。")
    assert got == [("柔性引进海外工程师200人以上", "柔性引进海外工程师310人次")]


def test_abbreviation_reads_as_its_full_name():
    got = pairs("确保地区生产总值增长7%左右。", "全年GDP预计增长4.5%左右。")
    assert got == [("地区生产总值增长7%左右", "GDP预计增长4.5%左右")]


def test_a_target_in_a_list_does_not_borrow_the_other_targets_words():
    # Both targets share one clause; 外贸出口 must not reach 社零 through 零售总额's words.
    got = pairs(
        "全市社会消费品零售总额增长9%左右、全市外贸出口总额增长5%左右,确保出口占全国市场份额不降。",
        "1-11月,全市社零降幅2.4%,高于全省平均0.8个百分点,较上月位次提升1位,居全省第5位。",
    )
    assert got[0] == ("社会消费品零售总额增长9%左右", "社零降幅2.4%")
    assert got[1][1] != "社零降幅2.4%"


def test_pairs_do_not_depend_on_which_numbers_describe_the_projects():
    # The same plan with other thresholds (a template shared across reports): the same pairs.
    got = pairs(
        "新引进投资8亿元以上项目37个、其中57亿元以上项目8个。",
        "1-11月,全市新引进12亿元以上产业项目53个,其中50亿元以上产业项目15个,提前完成年度目标任务。",
    )
    assert [a for _, a in got] == ["新引进12亿元以上产业项目53个", "50亿元以上产业项目15个"]


def test_a_completion_that_is_one_number_reports_the_one_target_in_its_unit():
    # An indicator table: 指标名称 | 单位 | 目标值 | 1-9月完成 (the reading puts the unit after bare numbers).
    *_, pairs = read_task("地区生产总值增长6.5%", "5.8%")
    assert [(p.target_seq, p.actual_seq) for p in pairs] == [(1, 1)]
    # Two targets in that unit: the layout no longer says which; words decide, and here none do.
    *_, pairs = read_task("生产总值增长6.5%,投资增长8%", "5.8%")
    assert [p.actual_seq for p in pairs] == [None, None]


def pair_of(requirement: str, completion: str):
    [pair] = read_task(requirement, completion)[2]
    return pair


def test_an_actual_of_a_part_cannot_show_a_shortfall():
    # 省级 parks are a part of the parks the target counts: no evidence for a shortfall.
    assert pair_of("打造20个现代农业园区。", "建设完成2个省级现代农业园区。").metric_coverage == 0.0
    # The same level on both sides is no part.
    assert pair_of("创建省级数字农业工厂5家。", "创建省级数字农业工厂6家。").metric_coverage == 1.0


def test_framing_words_do_not_count_against_an_actual():
    # 全市, 同比, 完成 frame the number; what it counts is the target's 一般公共预算收入.
    pair = pair_of("一般公共预算收入增长6%。", "前三季度,全市一般公共预算收入完成79.73亿元,同比增长3.3%。")
    assert pair.actual_seq == 2 and pair.metric_coverage >= 0.6


def test_a_clause_naming_the_target_done_states_it_reached():
    targets, actuals = (
        extract_targets("完成3家污水处理厂清洁排放改造。"),
        extract_actuals("完成对绍兴污水处理厂、次坞镇污水处理厂的清洁排放改造工作。"),
    )
    [pair] = pair_targets(
        targets,
        actuals,
        "完成3家污水处理厂清洁排放改造。",
        "完成对绍兴污水处理厂、次坞镇污水处理厂的清洁排放改造工作。",
    )
    assert (pair.actual_seq, pair.statement) == (None, "完成对绍兴污水处理厂、次坞镇污水处理厂的清洁排放改造工作")


def test_a_done_clause_about_other_work_states_nothing():
    [pair] = pair_targets(
        extract_targets("完成3家污水处理厂清洁排放改造。"),
        (),
        "完成3家污水处理厂清洁排放改造。",
        "完成老旧燃气设施改造方案编制。",
    )
    assert pair.statement is None


def test_the_parts_of_a_target_for_each_are_listed_after_their_name():
    requirement = "4个结构性指标均实现10%以上增长;市县长项目落地率50%以上。"
    completion = "4个结构性指标中,民间项目投资下降4.7%,交通投资增长6.5%;市县长项目落地率82.9%。全市投资增长3%。"
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    each, rate = pair_targets(targets, actuals, requirement, completion)
    by_seq = {a.seq: a.span for a in actuals}
    # up to the full stop, not the other target's number
    assert [by_seq[s] for s in each.parts] == ["民间项目投资下降4.7%", "交通投资增长6.5%"]
    assert rate.parts == () and by_seq[rate.actual_seq] == "市县长项目落地率82.9%"


def test_a_bare_done_figure_reports_the_one_target_in_its_unit():
    # BARE_ACTUAL_FORM: "完成9个" names no metric; the task's one target in 个 is what it reports.
    got = pairs("力争9个城市社区达到“三公里”充分就业社区标准", "完成9个,完成率100%")
    assert got == [("9个城市社区达到“三公里”充分就业社区标准", "完成9个")]


def test_a_bare_done_figure_pairs_with_neither_of_two_targets_in_its_unit():
    got = pairs("新建学校3所,改造学校5所。", "完成4所。")
    assert [actual for _, actual in got] == [None, None]


def under_way(requirement: str, completion: str) -> list[str | None]:
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    return [p.under_way for p in pair_targets(targets, actuals, requirement, completion)]


def test_a_figure_of_work_under_way_is_paired_and_named_as_such():
    # NOT_ACHIEVED_WORDS: the number repeats the target in a clause saying the work is being done; the pair
    # stays as evidence, and the word makes the verdict unknown (fct_target_achievement: under_way).
    assert pairs("完成居家适老化改造400户", "400户适老化改造正在施工,9月底前完成")[0][1] == "400户适老化改造正在施工"
    assert under_way("完成居家适老化改造400户", "400户适老化改造正在施工,9月底前完成") == ["正在"]


def test_a_figure_of_work_under_way_reports_a_target_of_that_work():
    assert pairs("全年新开工重点项目30个", "已开工重点项目32个")[0][1] == "开工重点项目32个"
    assert under_way("全年新开工重点项目30个", "已开工重点项目32个") == [None]


def other_scope(requirement: str, completion: str) -> list[str | None]:
    targets, actuals = extract_targets(requirement), extract_actuals(completion)
    return [p.other_scope for p in pair_targets(targets, actuals, requirement, completion)]


def test_a_target_of_the_reported_metric_that_no_figure_reports_is_another_scopes():
    # OTHER_SCOPE_SAME_METRIC: the province's 500公里 beside the city's share of 130公里 (我市任务), reported as
    # 140.01公里: "项目已完成年度目标任务" speaks for the city's share, not the province's total.
    requirement = "新建和改造提升城市绿道500公里;新建和改造提升城市绿道130公里"
    completion = "项目已完成年度目标任务。完成新建和改造城市绿道共计140.01公里。"
    assert other_scope(requirement, completion) == ["same_metric", None]


def test_a_target_in_an_aside_in_brackets_is_another_scopes():
    # OTHER_SCOPE_ASIDE: the aside quotes another requirement; a closed bracket before the number is no aside.
    requirement = "新建城市绿道500公里(城市更新中要求新建福道1000公里);各县(市、区)均为100%"
    assert other_scope(requirement, "项目已完成年度目标任务。") == [None, "aside", None]


def test_a_target_of_another_metric_with_no_figure_is_no_other_scope():
    requirement = "在家长常住地100%保障入学;就读公办学校比例85.8%"
    completion = "提前完成年度任务,就读公办学校的比例达86.18%"
    assert other_scope(requirement, completion) == [None, None]


def test_a_count_naming_its_own_thing_is_weighed_on_its_own_clause():
    # NAMED_COUNT_OWN_CLAUSE: "新增养老机构:" heads the clause, but the count names 医养结合机构, not 民营养老机构.
    got = pairs("新增民营养老机构不少于2家", "新增养老机构:新增海安博爱医院、海安新生医院2家医养结合机构")
    assert got == [("新增民营养老机构不少于2家", None)]
    # A count that names nothing after it still takes its thing from the clause before.
    assert pairs("新增民营养老机构不少于2家", "新增民营养老机构:新增2家")[0][1] == "新增2家"
