"""The achievement report's words in each language it is written in: Chinese first, for the documents' readers,
English behind the setting REPORT_LANGUAGE=en. A row is a phrase (its key, then its Chinese and English); a
phrase with `{}` takes values in order. The warehouse's own words (places, units, metrics, the spans) are shown
as the documents write them, in either language.

    words("zh").met            -> "已完成"
    words("en").met            -> "met"
    words("zh").ratio_reached  -> "完成目标的{}"
"""

from __future__ import annotations

from types import SimpleNamespace

LANGUAGES = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    # the page
    "title": ("目标完成情况", "Target achievement"),
    "built": ("生成于 {}，数据来自 {}。", "Built {} from {}."),
    "contents": ("目录：", "Contents:"),
    "reports": ("报告", "Reports"),
    "plans_through_year": ("年度计划进展", "Plans through the year"),
    "indicators": ("各地同一指标对比", "Places compared on one indicator"),
    "missed_targets": ("未完成的目标", "Missed targets"),
    "to_review": ("待核实", "To review"),
    "no_target": ("无量化目标的任务", "Tasks with no numeric target"),
    # headline cards
    "card_reports": ("份报告", "reports"),
    "card_tasks": ("项任务", "tasks"),
    "card_targets": ("个目标，涉及 {} 项任务", "targets in {} tasks"),
    # statuses and pace, as a verdict reads
    "met": ("已完成", "met"),
    "missed": ("未完成", "missed"),
    "unknown": ("待核实", "unknown"),
    "behind": ("进度滞后", "behind"),
    "on_pace": ("进度正常", "on pace"),
    "ahead": ("进度超前", "ahead"),
    # report kinds
    "kind_plan": ("任务分解", "task breakdown"),
    "kind_progress": ("进展情况", "progress"),
    "kind_completion": ("完成情况", "completion"),
    # the table of reports
    "reports_intro": (
        "每份报告只统计自己的目标：不同地区、年度或时段的报告从不相加。",
        "Each report counts its own targets: reports of different places, years or periods are never added together.",
    ),
    "reports_first": (
        "列出目标最多的 {} 份；全部报告见 <code>marts.dim_reports</code>。",
        "The {} with most targets; all of them are in <code>marts.dim_reports</code>.",
    ),
    "col_report": ("报告", "report"),
    "col_place": ("地区", "place"),
    "col_year": ("年度", "year"),
    "col_period": ("时段", "period"),
    "col_kind": ("类型", "kind"),
    "col_plan": ("计划", "plan"),
    "col_tasks": ("任务", "tasks"),
    "col_targets": ("目标", "targets"),
    "col_task": ("任务序号", "task"),
    "col_units": ("责任单位", "accountable units"),
    "col_metric": ("指标", "metric"),
    "col_target": ("目标值", "target"),
    "col_actual": ("完成值", "actual"),
    "col_how_far": ("完成程度", "how far"),
    "col_promised": ("目标任务原文", "what was promised"),
    "col_reported": ("完成情况原文", "what was reported"),
    "col_paired": ("配对的数字", "paired number"),
    "col_why": ("原因", "why"),
    "col_review_line": ("核实记录行", "review line"),
    "col_requirement": ("任务内容", "requirement"),
    "col_status": ("状态", "status"),
    "col_not_in_report": ("本报告未列", "tasks not in it"),
    "period_unstated": ("未注明", "not stated"),
    # per report
    "report_counts": (
        "共 {} 个目标：已完成 {}，未完成 {}，待核实 {}。"
        "按各任务的责任单位（牵头、独立或共同负责；目标最多的 {} 个）和单位类型统计。",
        "{} targets: {} met, {} missed, {} unknown. By the units accountable for each task (lead, sole or joint; "
        "the {} with most targets) and by unit type.",
    ),
    "chart_units": ("按责任单位", "Targets by accountable unit"),
    "chart_types": ("按单位类型", "Targets by unit type"),
    "chart_periods": ("各期报告的目标", "Targets at each report"),
    "charts_first": (
        "图表只画目标最多的 {} 份报告；每份报告的数据见 <code>marts.achievement_by_unit</code>。",
        "Charts are drawn for the {} reports with most targets; <code>marts.achievement_by_unit</code> holds every "
        "report's.",
    ),
    # plans
    "plans_intro": (
        "同一计划的各份报告（任务分解、进展报告、完成情况表）按任务措辞相互对应（<code>marts.fct_task_progress</code>）。"
        "对有多份报告的计划：各期报告的目标完成情况，以及最新一期滞后的任务和每期报告对它的表述。",
        "A plan's reports (its task breakdown, progress reports, completion table) follow the same tasks, linked by "
        "their wording (<code>marts.fct_task_progress</code>). For each plan with more than one report: its "
        "targets at each report, and the tasks behind at its latest report with what every report said of them.",
    ),
    "plan_heading": ("（{} 份报告，{} 项任务）", "({} reports, {} tasks)"),
    "behind_latest": ("最新一期滞后的任务（{}）", "Behind at the latest report ({})"),
    "none": ("无。", "None."),
    "not_in_this_report": ("本期未列", "not in this report"),
    # indicators
    "indicators_intro": (
        "不同地区用不同说法写同一指标（地区生产总值增长、GDP增速、生产总值增长），这里按统一的指标代码对比"
        "（<code>marts.indicator_by_place_year</code>；"
        "对应规则见 <code>dbt_project/seeds/indicator_aliases.csv</code>）。"
        "仅列出两个及以上地区都设定了目标的指标。",
        "Places write one indicator in words of their own (地区生产总值增长, GDP增速, 生产总值增长); here they compare "
        "on one code (<code>marts.indicator_by_place_year</code>; the aliases are "
        "<code>dbt_project/seeds/indicator_aliases.csv</code>). Only indicators that two or more places set a target "
        "for.",
    ),
    "indicators_none": (
        "还没有两个地区共同设定目标的指标。",
        "No indicator has a target in two places yet.",
    ),
    "coverage": (
        "对应到统一指标的目标：{} / {}。",
        "Targets with a canonical indicator: {} of {}.",
    ),
    # how far a target was met
    "ratio_reached": ("完成目标的{}", "reached {} of the target"),
    "ratio_ceiling": ("为上限的{}", "{} of the ceiling"),
    "ratio_over": ("，超出{}", ", {} over it"),
    "fell_instead": ("不升反降", "fell instead of rising"),
    "rose_instead": ("不降反升", "rose instead of falling"),
    "estimate": ("预计数", "estimate"),
    # missed, to review, no target
    "missed_first": (
        "按报告列出离目标最远的 {} 个；全部见 <code>marts.fct_target_achievement</code>"
        "（<code>where status = 'missed'</code>）。",
        "The {} furthest from their target, by report; all of them are in <code>marts.fct_target_achievement</code> "
        "(<code>where status = 'missed'</code>).",
    ),
    "review_intro": (
        "置信度低的判断在有人核实之前为“待核实”：目标未达到、但配对数字所说的并不是目标本身"
        "（<code>uncertain_pair</code>：可能只是目标的一部分），或配对数字与目标措辞相去较远（<code>weak_pair</code>）；"
        "以及在建或计划中的数字（<code>under_way</code>），它们不说明已完成多少。把核实记录行复制到 "
        "<code>dbt_project/seeds/reviewed_verdicts.csv</code>，填上决定（<code>actual</code> 及正确完成值的原文、"
        "<code>no_actual</code>，或 <code>status</code> 及 met / missed / unknown）和说明，再刷新即可。",
        "Verdicts of low confidence, <code>unknown</code> until a person decides: a target short of a number whose "
        "own words are not the target's (<code>uncertain_pair</code>: it may count a part of what the target "
        "counts), or paired with a number whose words barely name it (<code>weak_pair</code>); and numbers of "
        "work under way or planned (<code>under_way</code>), which show nothing achieved. Copy the line into "
        "<code>dbt_project/seeds/reviewed_verdicts.csv</code>, set the decision (<code>actual</code> with the "
        "right actual's span, <code>no_actual</code>, or <code>status</code> with met / missed / unknown) and a "
        "note, and refresh.",
    ),
    "against": ("对比目标", "against"),
    "words_share": ("措辞吻合", "words"),
    "no_target_first": (
        "列出前 {} 项；全部为 <code>marts.dim_tasks</code> 中在 <code>marts.fct_targets</code> 里没有目标的任务。",
        "The first {}; all of them are the tasks of <code>marts.dim_tasks</code> with no row in "
        "<code>marts.fct_targets</code>.",
    ),
    # unit types (dim_units.unit_type, pipelines/core/rules.py UNIT_TYPE_RULES)
    "unit_collective": ("各有关单位（集体）", "collective"),
    "unit_central_agency_branch": ("中央驻地机构", "central agency branch"),
    "unit_university": ("高校", "university"),
    "unit_state_owned_company": ("国有企业", "state-owned company"),
    "unit_development_zone_admin": ("开发区管委会", "development zone administration"),
    "unit_district_county_government": ("区县政府", "district or county government"),
    "unit_party_organ": ("党委机关", "party organ"),
    "unit_township": ("乡镇街道", "township or street"),
    "unit_city_department": ("市级部门", "city department"),
    "unit_district_county_department": ("区县部门", "district or county department"),
    "unit_other": ("其他", "other"),
    # why a target is to review (fct_target_achievement.status_reason)
    "reason_uncertain_pair": ("配对不确定", "uncertain_pair"),
    "reason_weak_pair": ("配对较弱", "weak_pair"),
    "reason_under_way": ("在建或计划中", "under_way"),
}


def words(language: str) -> SimpleNamespace:
    """The report's phrases in one language, as attributes (`words("zh").met`)."""
    if language not in LANGUAGES:
        raise ValueError(f"report language {language!r} (REPORT_LANGUAGE): use one of {', '.join(LANGUAGES)}")
    at = LANGUAGES.index(language)
    return SimpleNamespace(**{key: phrases[at] for key, phrases in WORDS.items()})
