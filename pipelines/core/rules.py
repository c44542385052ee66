"""Rule tables: the data that drives reading and normalisation.

Everything a reader of these tables needs to know lives here as literal data; the
algorithms that use them (``reading``, ``units``) stay small. Add a synonym or a
suffix here, not a special case in code.
"""

from __future__ import annotations

# --- table layout ----------------------------------------------------------------

CELL_SEPARATOR = "|"

# Header cell -> the role of its column, read by the words the header is made of (whitespace and
# line breaks in it ignored; a word `a+b` is there when a and b both are), not by whole headers: the
# next city words it differently again. The first row whose words the header contains decides, so the more
# specific rows stand first.
# (role, words, an example header)
HEADER_ROLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("task_id", ("序号", "编号"), "序号"),
    ("group", ("分块", "板块", "类别"), "分块"),
    # Why a task is behind: a note, though it names the status's words (未达序时原因).
    ("note", ("达序+原因", "滞后+原因"), "未达序时原因及存在问题"),
    ("status", ("目标完成情况", "完成状态", "状态", "是否", "达序", "滞后"), "是否达序时 / 进度是否滞后"),
    ("progress_percent", ("形象进度", "完成率", "百分比", "%"), "形象进度"),
    ("deadline", ("完成时间", "时间节点", "时限", "期限"), "完成时限"),
    ("leader", ("领导", "分管"), "分管市领导"),
    ("lead_units", ("牵头",), "牵头单位"),
    ("support_units", ("配合", "协办", "协同"), "配合单位 / 协同单位"),
    ("measure_unit", ("计量单位",), "计量单位"),
    ("units", ("责任", "单位"), "责 任 单 位"),
    (
        "completion",
        ("完成", "进展", "落实", "进度", "推进", "执行情况", "实施情况", "办理情况", "开展情况", "成效"),
        "前三季度完成情况",
    ),
    # A header naming a task AND a target is the target column, not a second requirement (`+`: every part).
    # So is the local share of a task set above (我市任务: the city's part of a provincial target).
    ("target", ("任务+目标", "我市任务", "我县任务", "我区任务"), "年度任务目标 / 具体任务及目标 / 我市任务"),
    ("requirement", ("内容", "任务", "工作", "项目", "要求", "事项", "指标名称"), "主  要  工  作  任  务"),
    ("target", ("目标", "指标"), "一季度目标"),
    ("note", ("备注",), "备注"),
)
# Two columns whose headers name what is promised: the first is the requirement, the other its detail,
# read as the target column (joined to the requirement, with_target) when the table has none; it was dropped
# before, and its figures with it. (role of the other, example)
SECOND_REQUIREMENT_ROLE: tuple[str, str] = ("target", "序号 | 事项名称 | 责任单位 | 事项内容: 完成50台老旧电梯更新改造")
# A column whose header reads as one role but whose every cell says another is re-read by its cells: a bare 单位
# column of units of measure is not who is responsible; a 进度 column of bare percents is a progress percent
# (evidence, never a verdict alone), not a completion text. `measure unit` stands for a unit of measure
# (MULTIPLIERS, BASE_UNITS). The header pattern reads the header without its whitespace.
# (role by header, header pattern, cell pattern, role by cells, example)
ROLES_BY_CELLS: tuple[tuple[str, str, str, str, str], ...] = (
    ("units", r"^单位$", "measure unit", "measure_unit", "单位: 亿元, %, 个"),
    ("completion", r"进度", r"^\d+(?:\.\d+)?%(?:[(（].*)?$", "progress_percent", "当前进度: 80%(…进度滞后)"),
)
# How a task's id is written: the number it holds is the first group, of at most 6 digits (a longer one is no
# task number: its row is quarantined, not an overflow). (pattern, example)
TASK_ID_FORMS: tuple[tuple[str, str], ...] = (
    (r"^(\d{1,6})$", "12"),
    (r"^(\d{1,6})[.、．]$", "1. / 1、"),
    (r"^[(（](\d{1,6})[)）]$", "(1)"),
    (r"^[(（]([一二三四五六七八九十]+)[)）]$", "（一）"),
    (r"^([一二三四五六七八九十]+)[、.．]?$", "三 / 十二、"),
)
# A row that heads a group of tasks: its first cell is numbered with a Chinese numeral and a 、, and
# nothing else in the row is filled. The tasks below it carry its text as their group. Headings nest, one
# level per row here (一、 holds （一）): the outermost heading above a task is its task_group, the ones
# inside it its task_subgroup (joined by SUBGROUP_JOIN). (pattern, example)
GROUP_HEADING_FORMS: tuple[tuple[str, str], ...] = (
    (r"^[一二三四五六七八九十]+[、.．]\S", "一、汤飞帆市长牵头重点工作"),
    (r"^[(（][一二三四五六七八九十]+[)）]\S", "（一）经济社会发展主要指标"),
)
# The third level, an Arabic number with its title alone in the first cell ("1.技术改造"), heads tasks only
# where it stands right below a heading or the table already has one at this level: elsewhere a row like it
# is an item continuing the task above (a sub-row). (pattern, example)
THIRD_HEADING_FORM: tuple[str, str] = (r"^\d{1,2}[、.．]\D", "1.技术改造")
# A heading's number may stand in the id column and its title in the next, the rest of the row empty
# ("(一) | 做强做优先进制造业 |"): read as one heading when the title is short and holds no figure (a task's
# text states one, or is long). (max title chars, example)
SPLIT_HEADING_TITLE: tuple[int, str] = (30, "(一) | 做强做优先进制造业 |")
# An unnumbered title alone in its row, right below a heading, heads the tasks below it as the innermost level
# (a document's third level is often a bare phrase): short, no figure, no punctuation. (pattern, example)
UNNUMBERED_HEADING_FORM: tuple[str, str] = (r"^[\u4e00-\u9fff]{2,16}$", "加强基础设施建设")
SUBGROUP_JOIN = " / "

# A header over two rows: the second names the parts of a cell merged across columns above it
# ("责任单位" over "牵头单位 | 配合单位"); each column's name is the top part then the bottom one. The second
# row is one only when its id cell is empty and each filled cell reads as a header (a role, no digits).
# A target column states what is promised: its cell joins the requirement, so that its numbers are read
# as the task's targets (a bare value such as "6%" or "≥95%" right after the requirement's words, a
# phrase after a ";"). A target column whose header names part of the year ("一季度目标") holds a
# milestone and stays an attribute only.
PART_YEAR_HEADER_WORDS: tuple[str, ...] = ("季度", "上半年", "半年", "月")
BARE_VALUE_START = r"^[\d.≥≤><±~约]"

# Columns a publisher merges over several rows (one cell spanning the rows of a group or of one
# unit's tasks): a row one cell short, whose cells fit the header once this column is left out, continues
# the merged cell of the row above. Copied as text, the merged cell stands in its first row only.
MERGEABLE_ROLES: tuple[str, ...] = ("group", "lead_units", "units", "support_units", "leader", "deadline", "note")

# The roles a task row is built from; the cells of every other column (known role or not) are kept
# beside the task as attributes. Who is responsible may stand in three columns: units (a lead marked
# inside), lead units, support units.
TASK_ROLES: tuple[str, ...] = ("task_id", "requirement", "completion", "units", "lead_units", "support_units")

# What a cell's content reads as, whatever its column's header says: the first row whose pattern matches the
# cell (whitespace removed, full-width folded) decides. Column roles are weighed by these kinds as well as by
# their header's words, and a cell whose kind does not fit its column's role is caught (CONTENT_MISFITS).
# `{unit_suffix}`, `{leader_title}`, `{task_verb}` stand for UNIT_SUFFIXES, LEADER_TITLES and TASK_VERBS. A unit's
# name never starts with a mark or a verb of work, nor holds a digit (`6.新增设立市级公立口腔专科医院`, `建成启用
# 区级老年活动中心`, `建设或改造提升街旁公园100处` are tasks). (kind, pattern, example)
CELL_KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "task_id",
        r"^(?:[(（]\d{1,6}[)）]|\d{1,6}[.、．]|[(（]?[一二三四五六七八九十]+[)）、.．]?)$",
        "(3) / 3、 / 十二、",
    ),
    # A group's title numbered 一、 (short, no clause): a category column's cell, never a task's text.
    ("heading", r"^[一二三四五六七八九十]+[、.．][^,;。:、]{2,24}$", "一、就业促进行动(6项指标)"),
    ("percent", r"^[≥≤><约]?\d+(?:\.\d+)?%$", "85% / ≥95%"),
    (
        "date",
        r"^(?:(?:20\d\d|\d{2})年)?\d{1,2}月(?:\d{1,2}日)?(?:底|末|上旬|中旬|下旬|初)?(?:前|完成)?$"
        r"|^(?:20\d\d年)?(?:年底|年末|年内|全年)(?:前)?$|^20\d\d[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?$|^(?:长期|持续推进|常态化)$",
        "2023年6月底 / 12月底前 / 2021.6 / 长期",
    ),
    (
        "number",
        r"^[≥≤><约]?-?\d+(?:\.\d+)?(?:[万亿千百]?[\u4e00-\u9fff]{0,3}|[a-zA-Z/²³]{1,6})?$",
        "130 / 2.5亿元 / 500公里",
    ),
    (
        "status",
        r"^(?:已完成|未完成|已开工|未开工|推进中|正常推进|序时推进|滞后|进度滞后|按序时推进|是|否|完成|在建)$",
        "已完成 / 是",
    ),
    (
        "unit",
        r"^[△▲★]?(?![\d*]|{task_verb}|.*\d)(?:[^,;。:]{2,24}?(?:{unit_suffix})[)）]?[、,;]?)+$",
        "市发改委、市财政局 / △市住建局",
    ),
    (
        "person",
        r"^(?:[{surname}][\u4e00-\u9fff·]{1,2}(?:{leader_title})?[、,;/]?)+$|^[{surname}][ \u3000]+[\u4e00-\u9fff]$",
        "汤飞帆 / 王 伟 / 李关定副市长",
    ),
    ("prose", r"^.{16,}$|[,;。:].{4,}", "已完成新建和改造绿道130公里,占年度任务的100%"),
)
# Punctuation closing a cell is no part of what it says: "市发展改革委。" is a unit, "已完成。" a status.
CLOSING_PUNCTUATION: tuple[str, str] = ("。;,", "市发展改革委。 / 已完成。")
# Verbs a task's text starts with and a unit's name never does (建设局 and 开发区 are units: 建设 and 开发 are not
# here). Example: 建成启用区级老年活动中心.
TASK_VERBS: tuple[str, ...] = (
    "新增", "新建", "建成", "完成", "开展", "推进", "实施", "打造", "提升", "启用", "改造", "推广", "力争", "确保",
    "加快", "加强", "深化", "全面", "优化", "扩大", "争创", "创建",
)  # fmt: skip
# The surnames a person's name starts with in CELL_KINDS (the most common ones; a rarer one reads as a label,
# never as a unit or a sentence). Example: 王, 李, 张, 刘, 陈.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
    "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
    "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# A kind read as a name may be a short label too ("汤飞帆" is a person, "保民生" a label): a kind fits a
# role when it is one of the role's kinds here; prose fits most roles (a long cell says anything).
# (role, kinds that fit)
ROLE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("task_id", ("task_id", "number")),
    ("units", ("unit",)),
    ("lead_units", ("unit",)),
    ("support_units", ("unit",)),
    ("leader", ("person",)),
    ("completion", ("prose", "status", "percent", "number", "date", "label")),
    ("progress_percent", ("percent", "number")),
    ("status", ("status", "label")),
    ("deadline", ("date",)),
    ("target", ("number", "percent", "prose", "label")),
    ("requirement", ("prose", "label", "number", "percent")),
    ("group", ("heading", "label")),
)
# A cell whose kind is plainly wrong for its column's role: the row is quarantined with this reason, never
# stored silently in the wrong place (a row that lost a merged cell and shifted). (role, kind, reason)
CONTENT_MISFITS: tuple[tuple[str, str, str], ...] = (
    ("units", "prose", "a sentence in the units column"),
    ("lead_units", "prose", "a sentence in the lead units column"),
    ("support_units", "prose", "a sentence in the support units column"),
    ("units", "date", "a date in the units column"),
    ("lead_units", "date", "a date in the lead units column"),
    ("support_units", "date", "a date in the support units column"),
    ("completion", "person", "a person's name as the progress"),
    ("completion", "unit", "a unit's name as the progress"),
    ("target", "date", "a date as the target"),
    ("leader", "prose", "a sentence as the leader in charge"),
)
# A cell listing several units apart by spaces or separators reads as units when at least this share of its
# parts (at least 2) reads as a unit or a collective (COLLECTIVE_PREFIX), though one part is a name no
# suffix marks ("▲发改局,各部门,各镇乡(街道)"; "财政局 住建局 行政审批局 城管局 瑞海集团 各区镇街道"). (share, example)
UNIT_LIST_SHARE: tuple[float, str] = (0.6, "财政局 住建局 行政审批局 城管局 瑞海集团 各区镇街道")

# A row copied from a web page is short: it loses the cells merged from the row above (MERGEABLE_ROLES, or a
# column of no known role such as 县区, whose value is then the row above's) and its empty trailing cells. Its
# cells are placed by content: every way of leaving out merged columns and trailing columns is tried, a way
# where a cell misfits its column (CONTENT_MISFITS), the id is not a task number, or a text column holds no
# text of its kind is dropped, and the way whose cells fit most columns (ROLE_KINDS, else the kinds the
# column's full rows hold) wins; of equal fits, the one with fewer empty trailing cells (a merged cell is the
# commoner loss); a tie beyond that is quarantined, never guessed. Example: "15 | 民政局 | 新增… | 财政局 住建局
# | 新增养老机构:… | 是" under 序号 | 责任单位 | 实施内容 | 协同单位 | 分管领导 | 最新进度 | 是否达序时 |
# 未达序时原因: 分管领导 merged from above, 未达序时原因 empty. (most cells missing, roles a trailing cell left
# out never has)
SHORT_ROW_MAX_MISSING = 4
# A placed cell whose kind its role takes scores 1, and this much more where the column's full rows hold that kind
# too: "“三公里”充分就业社区4个" fits a 类别 column by role, better a 目标任务 column whose full rows hold such labels.
PROFILE_FIT_WEIGHT = 0.5
# A short row right below a task whose cells fit only once the id and the requirement are left out too is one more
# item of that task, as a row under a merged id cell is in a grid: its own cells join the task's (qimen-like:
# "“三公里”充分就业社区4个 | 4 | 4 | 100% | |" under "1 | 一、就业促进 | 促进重点群体稳定就业 | 城镇新增就业1100人 |
# 县人社局 | 1100 | 1063 | 96.64% | |").
ITEM_ROW_MERGED_ROLES: tuple[str, ...] = ("task_id", "requirement")
# A row one cell too many holds a sub-item nested beside its indicator in one of these columns (a sub-table in
# a cell): the two cells are one ("4 | 二、社会保障 | 加强低保 | 最低生活保障 | 农村标准(元/月) | 县民政局 | … " under
# 序号 | 类别 | 项目名称 | 目标任务 | 牵头单位 | …), unless an empty cell at its end is the one too many.
LONG_ROW_JOINED_ROLES: tuple[str, ...] = ("requirement", "target", "completion")
# A short row with no number and a requirement of its own lost its empty 序号 cell: a task of its own, its id
# empty (its order is its id). Example: "未来科技城要围绕打造… | 陈夏林 | 未来科技城(海创园) |" under
# 序号 | 重点工作任务 | 牵头领导 | 牵头单位.
UNNUMBERED_ROW_ROLES: tuple[str, ...] = ("task_id",)
# A row of one cell below a task, no id of its own, continues the task above (its other cells merged over both
# rows). Its text joins the one of these columns whose text in the task above it shares most with (pairs of
# characters), the first on a tie: an item of the promise ("新增学位810个") or one more part of the progress
# ("乙中心签约256人" below "甲中心签约595人"). (roles, example)
SUB_ROW_TEXT_ROLES: tuple[tuple[str, ...], str] = (
    ("requirement", "completion"),
    "乙中心签约256人 below 甲中心签约595人",
)
# A progress column of bare numbers ("1063" under 累计完成) counts in the units of the task's targets, part by part
# where sub-rows joined them (apart by this separator): a target's unit is written after its number, in its own
# cell or, for a bare target, in the requirement. A part whose target has no one unit leaves every part bare.
# (part separator, example)
BARE_FIGURE_UNIT: tuple[str, str] = (";", "1063;4 beside 城镇新增就业1100人;“三公里”充分就业社区4个 -> 1063人;4个")
# A row as wide as the header whose id, text and target cells are empty and whose filled cells stand only in
# these columns continues the task above: its id and text were merged over both rows, the progress given one
# part per row (one clinic per row). (roles, example)
CONTINUING_ROW_ROLES: tuple[tuple[str, ...], str] = (
    ("completion", "note"),
    "4 | 家庭医生签约 | 甲中心签约595人 | / | | 乙中心签约256人 |",
)
# A column that may be merged over rows only where another column can say what it says: a requirement-worded
# column beside a whole-year target column (全年目标任务) may be a category merged over rows (主要任务); a row as
# wide as the header only by empty cells at its end, whose cells misfit, may leave it out, its task text then
# standing under the target (a short row may not: its cells fit the header's columns by other ways first).
# (role, role beside it, example)
MERGEABLE_BESIDE: tuple[tuple[str, str, str], ...] = (
    (
        "requirement",
        "target",
        "24 | 优化提升50条背街后巷交通组织。 | 徐国江 | 城管局 | … under 序号 | 主要任务 | 全年目标任务 | 分管领导 | …",
    ),
)
UNDROPPED_ROLES: tuple[str, ...] = ("task_id", "requirement")

# A column's role is weighed by its header's words (HEADER_ROLES: HEADER_EVIDENCE) and by what its cells read as
# (CELL_KINDS): each row adds its weight times the share of the column's filled cells of that kind. A prose cell
# that says how far the work went (PROGRESS_PROSE) reads as the kind `progress`. The best assignment for the
# table gives each of SINGLE_ROLES to one column at most; a column whose best role is taken takes its next.
# (role, kind, weight, example cell)
ROLE_EVIDENCE: tuple[tuple[str, str, float, str], ...] = (
    ("task_id", "task_id", 1.0, "3、"),
    ("task_id", "number", 0.4, "12"),
    ("units", "unit", 0.9, "市发改委、市财政局"),
    ("lead_units", "unit", 0.9, "△市住建局"),
    ("support_units", "unit", 0.9, "市财政局"),
    ("leader", "person", 0.9, "汤飞帆"),
    ("requirement", "prose", 0.7, "新建和改造绿道100公里"),
    ("requirement", "progress", 0.2, "已完成新建绿道130公里"),
    ("completion", "progress", 0.8, "截至9月底,已完成投资5亿元"),
    ("completion", "prose", 0.3, "项目正在推进"),
    ("completion", "status", 0.4, "已完成"),
    ("target", "number", 0.8, "5000"),
    ("target", "percent", 0.5, "≥95%"),
    ("progress_percent", "percent", 0.9, "85%"),
    ("status", "status", 0.9, "已完成 / 是"),
    ("deadline", "date", 0.9, "2023年6月底"),
    ("group", "label", 0.2, "城乡建设"),
    ("group", "heading", 1.5, "一、就业促进行动(6项指标)"),
)
# The weight of a header's words for the role they name (a header alone outweighs content alone: content
# decides where the header's words name no role, or where two columns claim one role).
HEADER_EVIDENCE = 1.0
# A prose cell that reports progress: a progress verb or an "as of" date. (pattern, example)
PROGRESS_PROSE = (
    r"已(?:完成|建成|开工|实现|落实|启动|出台|印发|推进)|截至|累计完成|完成投资|正在|目前|进展顺利",
    "截至9月底,已完成",
)
# Roles at most one column of a table holds (a second 完成情况 column stays an attribute). A target may stand in
# several (年度目标 | 一季度目标): the first for the whole year is joined to the requirement.
SINGLE_ROLES: tuple[str, ...] = ("task_id", "requirement", "completion", "progress_percent", "status")
# Content alone gives a column a role when its evidence reaches this (an unknown header word such as
# `2022年预期目标` over sentences is the requirement); below it the column keeps no role.
MIN_CONTENT_EVIDENCE = 0.5
# The rows below the header whose cells are weighed (enough to judge a column; a long table's tail adds nothing).
EVIDENCE_ROWS = 60
# A header cell reads as a header word when it is short and has no sentence in it: the cell of an unknown
# header word (`2022年预期目标`), never a task's text. (max characters, example)
HEADER_CELL_MAX_CHARS = (12, "2022年预期目标")
# A header over up to this many rows: the rows below the first whose id cell is empty and whose filled cells all
# read as header words (`责任单位` over `牵头单位 | 配合单位`).
MAX_HEADER_ROWS = 3
# How a person corrects a column's reading for good: dbt_project/seeds/column_roles.csv, one row per
# (report_id or blank for every report, header text without whitespace) -> role, with a reason; it wins over the
# evidence. Its columns:
COLUMN_ROLE_OVERRIDE_COLUMNS: tuple[str, ...] = ("report_id", "header", "role", "reason")

# Above the header, a table may have title lines: rows with at most one filled cell
# ("2021年市政府重点工作完成情况表"). The header is the first row, within this many lines that are not
# blank, whose columns read as a work plan (one reads as the requirement).
MAX_TITLE_LINES = 3
# In pipe text whose rows end with the separator, a row ending with it is complete (though short of merged
# cells) when the next line starts like an item of its own: numbered, or a group's title. A line starting
# otherwise continues the row (a row broken after a separator). (pattern, example)
NUMBERED_LINE_FORMS: tuple[tuple[str, str], ...] = (
    # A number then a percent is an item too ("3.90%的二级综合医院…": item 3), a decimal is not ("3.5亿元").
    (r"^[*＊]?\d{1,3}(?:[、．]|\.(?!\d)|\.(?=\d+%))", "*2.新增农村老年食堂 / 6.新增设立… / 3.90%的…"),
    (r"^[一二三四五六七八九十]+[、.．]", "五、安心托幼行动"),
    (r"^[(（](?:\d{1,3}|[一二三四五六七八九十]+)[)）]", "（三）老年助餐"),
)
# A table with no id column may number its tasks inside the requirement cell, as the lines above do: where at
# least this share of its tasks' requirements open with an item number (the first form above), that number is
# the task's label, and no part of its requirement ("12.5%的企业…" in a table that does not number its items
# stays whole). (share, example)
ITEM_NUMBER_IN_REQUIREMENT: tuple[float, str] = (0.5, "3.90%的二级综合医院单独设置口腔科 -> label 3., 90%的二级…")
# A table written as record forms (one project per block of `label | value` rows, the blocks apart by a title
# line): read as a table when at least this share of its rows that are not titles are label rows, the first
# label names what is promised (项目名称) and at least this many blocks begin with it; the title line above a
# block is its group, in a column named as here. (group column header, share, blocks, example)
RECORD_FORM: tuple[str, float, int, str] = ("类别", 0.6, 2, "项目名称 | 建设街旁公园100处 | / 进展情况 | 已完成105处 |")
# A plan written as paragraphs, with no cells (a document's body copied as text): numbered items
# (NUMBERED_LINE_FORMS), each followed by labelled lines ("牵头单位:市发改委") or ending with its labels in
# brackets ("…亿元。(责任领导:王伟;牵头单位:区发改局)"). Read as a table: each label a column (header_role names
# its role; a label naming no role, or what is promised, is text), each item a row, an item with no label a
# group heading where it reads as one (GROUP_HEADING_FORMS), the lines above the first item the title. A line
# below a label that is neither an item nor a label continues that label's value (a unit list broken over lines).
# (pattern, example)
LABELLED_LINE_FORM: tuple[str, str] = (
    r"^\s*(?P<label>[\u4e00-\u9fff ]{2,12})\s*[:：]\s*(?P<value>.*?)\s*$",
    "牵头单位:市发改委",
)
INLINE_LABELS_FORM: tuple[str, str] = (
    r"\s*[(（](?P<labels>[\u4e00-\u9fff ]{2,12}[:：](?:[^()（）]|[(（][^()（）]*[)）])*)[)）][。.;；]?\s*$",
    "全年实施重点项目120个。(责任领导:陈刚、刘洋;牵头单位:区发改局;责任单位:各乡镇)",
)
LABEL_SEPARATORS = ";；"
# At least this many items carry labels; the table's header names the id and text columns as here.
PARAGRAPH_FORM: tuple[int, str, str] = (2, "序号", "工作任务")
# A header cell may run over several lines ("前三季度 / 完成情况"): the header row ends at the line that
# ends with the cell separator, within this many lines.
MAX_HEADER_LINES = 3

# --- what a report is: place, year, period covered, kind ----------------------------------
#
# Read from the title lines, the page title (<title>, <caption>, a document's title), the header (its
# completion column's name, "前三季度完成情况", then the other columns' names) and the file name, in that
# order: the first that says wins, null where none does; the file name only when the
# document says nothing. Each row: (pattern, value, example).

REPORT_YEAR_FORM = (r"(?<!\d)(20\d\d)(?!\d)", "2021年市政府重点工作完成情况表")
# A place heads a title ("柯桥区2023年…", "2021年绍兴市…") or a file name ("shaoxing-2020-…", as written).
REPORT_PLACE_FORMS: tuple[tuple[str, str], ...] = (
    (
        r"^(?:关于(?:印发)?)?(?:20\d\d年度?)?(?P<place>[\u4e00-\u9fff]{1,6}?[省市县区])"
        r"(?:人民政府|政府|20\d\d|年|重点|民生|[一二三四五六七八九十\d]+件|$)",
        "关于2023年柯桥区民生实事项目一季度进展情况的公示",
    ),
    # The office that issued the table between the place and the year.
    (
        r"^(?P<place>[\u4e00-\u9fff]{1,6}?[省市县区])[\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|办)20\d\d",
        "海安市民政局2023年民生实事项目实施进度表",
    ),
    (r"^(?P<place>[a-z]+)[-_ ]+20\d\d(?!\d)", "shaoxing-2020-work-progress"),
)
# Periods as written in a title, a page title or the header; the months covered from the start of the
# year (None: from the month the pattern captures as `month`, "1-10月", "11月份", "截至6月20日"). The first
# row that matches wins, so a range ("1-11月") is read before a month alone.
REPORT_PERIOD_FORMS: tuple[tuple[str, str | None, int | None, str], ...] = (
    (r"(?<!\d)1\s*[-—–~至到]\s*(?P<month>\d{1,2})\s*月", None, None, "1-9月完成情况, 1—9月"),
    (r"截[至止](?:20\d\d年)?(?P<month>\d{1,2})月(?:底|末)", None, None, "截至6月底"),
    (r"截[至止](?:20\d\d年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日", None, None, "(截至2023年6月20日)"),
    (r"(?:进度|进展|情况)\s*[(（](?P<month>\d{1,2})月(?P<day>\d{1,2})日", None, None, "最新进度(8月24日)"),
    (r"前三季度|第?三季度", "1-9月", 9, "前三季度完成情况, (第三季度)"),
    (r"上半年|第?二季度", "1-6月", 6, "上半年进展情况, (第二季度)"),
    (r"第?一季度", "1-3月", 3, "进展情况(一季度)"),
    (r"全年|年度完成|年终|第?四季度|20\d\d年度.{0,30}完成情况", "全年", 12, "2022年度绍兴市民生实事完成情况"),
    (r"(?<![\d\-—–~至])(?P<month>\d{1,2})月份", None, None, "进展情况月报表(11月份)"),
    (r"(?<![\d\-—–~])(?P<month>\d{1,2})月(?:底|末)?(?:进展|进度|完成|落实|推进)", None, None, "10月进展情况"),
)
# A date "截至9月1日" early in its month reports on the months before it: on or before this day of the
# month, the month itself is not counted ("截至2023年9月1日" -> 1-8月; "截至6月20日" -> 1-6月).
REPORT_DATE_MONTH_STARTED_AFTER_DAY = 5
# Periods as written in a file name, token by token ("taishun-2023-minsheng-oct-progress").
REPORT_PERIOD_TOKENS: dict[str, tuple[str, int]] = {
    "q1": ("1-3月", 3),
    "h1": ("1-6月", 6),
    "q2": ("1-6月", 6),
    "q3": ("1-9月", 9),
    "q4": ("全年", 12),
    "annual": ("全年", 12),
    "yearend": ("全年", 12),
    **{
        month: (f"1-{n}月", n)
        for n, month in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
        )
    },
}
# Kind of report from its words; a table without a completion column is a plan whatever it says, and
# a known period decides between progress (part of the year) and completion (the whole year). A table
# with a completion column is never a plan, whatever its title says ("任务分解表" with a 落实情况 column).
REPORT_KIND_FORMS: tuple[tuple[str, str, str], ...] = (
    (r"分解|任务书|breakdown|plan", "plan", "2024年重点工作任务分解"),
    (r"进展|进度|推进|落实情况|progress", "progress", "进展情况, 推进情况, 实施进度表, 落实情况"),
    (r"完成情况|completion", "completion", "完成情况"),
)
# Kind of plan a report belongs to.
PLAN_TYPE_FORMS: tuple[tuple[str, str, str], ...] = (
    # 暖民心行动 is a province's name for its livelihood projects.
    (r"民生实事|民生项目|办实事|暖民心|minsheng", "民生实事", "2023年民生实事项目, 为民办实事, 暖民心行动"),
    (r"重点工作|keywork", "重点工作", "市政府重点工作"),
    (r"政府工作报告", "政府工作报告", "政府工作报告重点任务"),
)

# --- one plan through the year -----------------------------------------------------

# The reports of one plan, in the order their tasks become the plan's tasks: the plan's task breakdown
# first, then progress reports by the months they cover, then the completion table.
REPORT_KIND_ORDER: tuple[str, ...] = ("plan", "progress", "completion")

# Characters that do not change what a requirement asks: dropped before two requirements are compared
# ("坚持“稳开稳走,提质提效”的总体态势。" reads as "坚持稳开稳走提质提效的总体态势").
LINK_IGNORED_CHARACTERS = " \t\n,.;:!?()[]\"'“”‘’、。《》「」【】"

# How a task of a plan's later report links to a plan task (a task of its earlier reports): the first row
# whose bar the similarity reaches (rapidfuzz's normalised Indel similarity of the two texts, 0 to 1; one
# report's tasks are assigned to plan tasks one to one, the assignment of highest total similarity).
# The bar of `similar`, 0.70, measured on the shared files: the tasks that are the same task score 0.745
# (shaoxing Q1 task 3 against the seed's task 3, reworded) to 1.0; two different tasks of the same plan score
# at most 0.636 (pinghu 规上工业增加值增长7% against 服务业增加值增长5.5%).
TASK_LINK_METHODS: tuple[tuple[str, float, str], ...] = (
    ("same", 1.0, "生产总值增长6%左右。 | 生产总值增长6%左右。"),
    ("similar", 0.70, "确保有效投资增长高于经济增长 | 确保固定投资增速高于经济增速"),
)

# A report whose plan type is unknown (its words say place and year only) joins the plan of the same place
# and year whose tasks its own match: at least this share of its tasks reach TASK_LINK_METHODS' lowest bar
# against one of the plan's tasks (the seed, "shaoxing-2020-work-progress", and its Q1 progress report of
# 重点工作: 3 of the report's 3 tasks nearly word for word). Two plans as good: none is chosen.
PLAN_BY_TASKS_MIN_SHARE = 0.5

# --- characters ------------------------------------------------------------------

# Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space map onto ASCII,
# so that "（市）", "１２" and "％" read like "(市)", "12" and "%". CJK punctuation with
# no ASCII twin (。、“”《》) is kept as written.
FULLWIDTH_TO_ASCII: dict[str, str] = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
FULLWIDTH_TO_ASCII["\u3000"] = " "
# Characters that carry no text (zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen,
# Mongolian vowel separator): dropped from every cell as it is read, so "1\u200b2\u200b800" reads 12800 and
# "4.\u200b5%" 4.5%, not 800 and 5%.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
# A space inside a whole number groups its thousands: a no-break (U+00A0), narrow no-break (U+202F), thin
# (U+2009) or plain space before exactly three digits. "12\u00a0300人" is 12300, not 300; "4.5 300" is not a
# number. (pattern: group 1 the leading digits, group 2 the spaced groups; example)
THOUSANDS_SPACE: tuple[str, str] = (r"(?<![\d.])(\d{1,3})((?:[ \u00a0\u202f\u2009]\d{3})+)(?![\d.])", "12 300人")

# --- responsible units -----------------------------------------------------------

# Marks before the lead unit: any of these characters (△ in Shaoxing, ▲ in Zhuji, ★ elsewhere).
LEAD_MARKS = "△▲★"
# A name padded to a wider column's width, one character apart ("王 伟", "王　伟", "县 委 办"), is one name:
# single characters standing alone between spaces are joined before names are split at spaces. A name
# may be followed by a separator, a bracket or (for a leader) a title ("王 伟副市长"). (pattern, example)
PADDED_NAME_FORM: tuple[str, str] = (
    r"(?<![^\s、,;/，；" + LEAD_MARKS + r"])[\u4e00-\u9fff](?:[ \u3000\xa0]+[\u4e00-\u9fff])+"
    r"(?=$|[\s、,;/，；(（]{after})",
    "王 伟 -> 王伟; 县 委 办 -> 县委办",
)
# Between unit names, besides spaces (often between categories of units: "▲发改局,各部门,各镇乡(街道)").
UNIT_SEPARATORS: tuple[str, ...] = (",", ";", "。")
# Labels inside one units cell ("牵头单位:市发改委;配合单位:市经信局、市财政局"): the units after a label
# take its role (None: read from the lead marks). Only a label followed by ":" counts.
UNIT_ROLE_LABELS: tuple[tuple[str, str | None], ...] = (
    ("牵头单位", "lead"),
    ("牵头部门", "lead"),
    ("牵头", "lead"),
    ("配合单位", "support"),
    ("配合部门", "support"),
    ("协办单位", "support"),
    ("配合", "support"),
    ("责任单位", None),
    ("责任部门", None),
)
# 等 closes a list of named units: before a vague collective one ("市住建局、市自然资源规划局等市级有关部门"), a
# separator ("市统计局等,各县、市、区政府") or the cell's end ("区商务委、区统计局等", an open list). It is no
# part of a name; it separates. (pattern, example)
VAGUE_LIST_END: tuple[str, str] = (
    r"等(?=$|[,;\s]|[^、,;\s]*(?:有关|相关|其他|成员))",
    "市经信局等市级有关部门 / 市统计局等,各县、市、区政府 / 区税务局等",
)

# A place that answers for a task (万盛街道东林街道万东镇 is three). A place in brackets is part of a name, never
# an alias: 各镇乡(街道), 余杭经济技术开发区(钱江经济开发区).
PLACE_SUFFIXES: tuple[str, ...] = ("开发区", "街道", "镇", "乡")

# A unit name is complete when it ends with one of these. A token that does not is
# the first half of a name broken by a stray space ("市自然资源和 规划局").
# Longest first, so that the suffix shared by "柯桥区、上虞区政府" is 政府, not 府.
UNIT_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "人民政府",
            "政府",
            "管委会",
            "开发办",
            "军分区",
            *PLACE_SUFFIXES,
            "海关",
            "部门",
            "单位",
            "局",
            "委",
            "办",
            "部",
            "厅",
            "处",
            "室",
            "所",
            "站",
            "队",
            "中心",
            "集团",
            "公司",
            "总社",
            "社",
            "学院",
            "大学",
            "高校",
            "学校",
            "院",
            "支行",
            "分行",
            "银行",
            "行",
            "会",
            "联",
            "协",
            "团",
        },
        key=len,
        reverse=True,
    )
)

# A token ending with one of these always continues into the next token.
NAME_JOINERS: tuple[str, ...] = ("、", "和", "与", "及")

# A token starting like this begins a new unit, even after an incomplete one.
UNIT_STARTS: tuple[str, ...] = ("市", "各", *LEAD_MARKS)

# "柯桥区、上虞区、诸暨市政府" lists several units sharing the last one's suffix.
SHARED_NAME_SEPARATOR = "、"

# A name starting with this is one collective unit ("各区、县(市)政府"), split only where a 、 outside
# brackets follows a complete name ("各区(县、市)政府、开发园区管委会": two units).
COLLECTIVE_PREFIX = "各"
# A unit's other name in brackets after it: both complete names. (pattern, example)
UNIT_ALIAS_FORM: tuple[str, str] = (r"^(.+?)\(([^()]+)\)$", "发改局(服务业发展局)")

# First matching pattern wins (re.search). Order matters: specific before general. A district's or county's own
# bodies are typed as such, not as a city's (区发改局, 县民政局: district_county_department), and a town's or
# street's government as a township (万东镇, 东林街道办事处). (type, pattern); examples in tests/test_units.py.
UNIT_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("collective", r"^各|有关|相关|其他|成员单位"),
    ("central_agency_branch", r"^人行|人民银行|银保监|证监|海关|税务|气象局|消防救援|调查队|邮政管理|烟草|国家"),
    ("university", r"(学院|大学|高校|学校)$"),
    ("state_owned_company", r"(集团|公司)$"),
    ("development_zone_admin", r"(管委会|开发办)$"),
    ("district_county_government", r"^.{0,6}(区|县|市)(人民)?政府$"),
    ("party_organ", r"^(市委|市纪委|团市委|区委|县委|区纪委|县纪委|团区委|团县委)"),
    ("township", r"(镇|乡|街道)(人民政府|政府|办事处)?$"),
    ("city_department", r"^市"),
    ("district_county_department", r"^(?:[^市]{1,6}?)?[区县](?!政府|人民政府)."),
)
UNIT_TYPE_FALLBACK = "other"


# --- leaders in charge (people, never units) ----------------------------------------

# Titles a leader's name is written with, longest first ("赵海滨常务副市长").
LEADER_TITLES: tuple[str, ...] = tuple(
    sorted(
        {f"{deputy}{office}" for deputy in ("", "副", "常务副") for office in ("市长", "县长", "区长", "镇长", "主任")}
        | {"书记", "副书记", "秘书长", "副秘书长"},
        key=len,
        reverse=True,
    )
)
# Where a table names the leader in charge: a leader column's cell ("汤飞帆", "汤飞帆副市长") or a group
# heading ("一、汤飞帆市长牵头重点工作"). A name is two to four characters before the title. (pattern, example)
LEADER_IN_CELL = (r"^(?P<name>[\u4e00-\u9fff·]{2,4}?)[(（]?(?P<title>{titles})?[)）]?$", "汤飞帆(副市长)")
LEADER_IN_HEADING = (
    r"(?P<name>[\u4e00-\u9fff·]{2,4}?)(?P<title>{titles})(?:牵头|负责|分管|领衔)",
    "一、汤飞帆市长牵头重点工作",
)
# Between leaders in one cell; a closing 。 ends a name ("张建国。", a paragraph's value).
LEADER_SEPARATORS = "、,;/ \n。"
# A title standing apart is a name's title, never a leader (LEADER_TITLES): the next name's ("副市长 张建国"),
# else the last name's ("汤飞帆、李关定 副市长"). (pattern, example)
LEADER_TITLE_APART: tuple[str, str] = (r"^(?:{titles})$", "副市长 张建国 -> 张建国 (副市长)")

# --- numbers in the text: targets and actuals ---------------------------------------
#
# A quantity is a number followed by a unit from these tables. Requiring a unit is what keeps
# years (2020年), plan names (十四五, 329国道, 5G), versions (2.0版) and ordinals (第二届) out.

# Units as written after an Arabic number, without a multiplier. The value compares only with
# the same base unit (after UNIT_EQUIVALENTS), so a unit missing here is a number not read.
BASE_UNITS: tuple[str, ...] = (
    "个百分点",
    "百分点",
    "%",
    "‰",
    "元",
    "美元",
    "亩",
    "公顷",
    "平方米",
    "平方公里",
    "立方米",
    "公里",
    "千米",
    "米",
    "吨",
    "蒸吨",
    "千瓦",
    "兆瓦",
    "千瓦时",
    "人次",
    "户次",
    "家次",
    "人",
    "名",
    "户",
    "位",
    "家",
    "个",
    "所",
    "座",
    "处",
    "项",
    "条",
    "台",
    "辆",
    "套",
    "间",
    "张",
    "件",
    "本",
    "幢",
    "栋",
    "场",
    "次",
    "只",
    "头",
    "艘",
    "架",
    "部",
    "册",
    "篇",
    "床",
    "块",
    "片",
    "支",
    "批",
    "株",
    "棵",
    "方",
    "天",
    "小时",
    "分钟",
    "日",
    "个工作日",
    "周",
    # Latin units, read as their Chinese names (UNIT_EQUIVALENTS)
    "km",
    "m²",
    "m2",
    "m³",
    "m3",
    "kWh",
    "kW",
    "MW",
    "t",
)
# A multiplier written between the number and its unit: 1.7万家 = 17000 家; 300亿 = 3e10 (no unit).
MULTIPLIERS: dict[str, float] = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2, "万亿": 1e12, "百万": 1e6, "千万": 1e7}
# "吨/日", "万元/亩", "人次/月": a rate unit.
RATE_DENOMINATORS: tuple[str, ...] = ("日", "天", "月", "年", "亩", "人", "小时", "户", "平方米", "立方米")
# Count words that name the same thing: a target in one compares with an actual in the other.
UNIT_EQUIVALENTS: dict[str, str] = {
    "名": "人",
    "位": "人",
    "辆": "台",
    "家": "个",
    "%": "%",
    "百分点": "个百分点",
    "km": "公里",
    "千米": "公里",
    "m²": "平方米",
    "m2": "平方米",
    "m³": "立方米",
    "m3": "立方米",
    "t": "吨",
    "kW": "千瓦",
    "kWh": "千瓦时",
    "MW": "兆瓦",
}
# Counting classifiers: "5个以上产业扶贫基地" counts the noun that follows (a target), while a measure
# unit before 以上/以下 + noun describes it ("300人以上学校", "3万元以下企业": not targets).
COUNT_CLASSIFIERS: frozenset[str] = frozenset(
    {
        "家",
        "个",
        "所",
        "座",
        "处",
        "项",
        "条",
        "台",
        "辆",
        "套",
        "间",
        "张",
        "件",
        "本",
        "幢",
        "栋",
        "场",
        "只",
        "头",
        "艘",
        "架",
        "部",
        "册",
        "篇",
        "批",
        "名",
        "位",
    }
)
# What kind of quantity a (normalised) unit measures: rates, counts of things, or amounts.
RATE_UNITS: frozenset[str] = frozenset({"%", "‰", "个百分点"})


def unit_kind(normalised_unit: str) -> str:
    if normalised_unit in RATE_UNITS:
        return "rate"
    return "count" if normalised_unit in COUNT_CLASSIFIERS or normalised_unit in ("人", "户") else "amount"


CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# Chinese numerals are read only before a classifier or a small set of units (一星级, 一体化, 五化 are
# not quantities), and never inside these set phrases.
CHINESE_NUMERAL_UNITS: tuple[str, ...] = (
    "个百分点",
    "个",
    "家",
    "所",
    "座",
    "处",
    "项",
    "条",
    "台",
    "辆",
    "套",
    "间",
    "名",
    "位",
    "人",
    "户",
    "批",
    "万元",
    "亿元",
    "元",
    "万亩",
    "亩",
    "公里",
    "天",
    "小时",
)
NUMERAL_SET_PHRASES: tuple[str, ...] = (
    "一件事",
    "一次",
    "一张网",
    "一网",
    "一站式",
    "一体",
    "一城一策",
    "一县一策",
    "一区一",
    "一村一",
    "一户一",
    "一号",
    "一批",
    "一个中心",
    "两个维护",
    "四个全面",
    "四个意识",
    "两个确立",
    "一事一议",
)
# A list item ends at these too when reading the words after a number: "20座和病险山塘整治69座".
AFTER_WORDS_BREAKS: tuple[str, ...] = ("以及", "和", "及", "与")
# Before a Chinese numeral, an opening quote makes it a slogan ("两个特殊", "四个全面").
SLOGAN_OPENERS = '“‘"《'
# In a completion text, a number inside quotation marks is a name or the target quoted (“最多80天”实现率100%,
# 完成“15分钟应急消防救援圈”, 完成省定“14所乡村初中、122所小学乡村全覆盖”的目标), not a figure reported.
# (opening, closing)
QUOTES: tuple[tuple[str, str], ...] = (("“", "”"), ("「", "」"), ("『", "』"))
# A bare 一 before a classifier is an article ("一条街", "一批项目"), not a count of one.
ARTICLE_NUMERAL = "一"
# A requirement or completion text is read for numbers up to this many characters (the longest real cell is under
# 1,000; reading grows faster than the text): a longer cell is read in part, and dim_tasks.text_read_in_part says so.
MAX_READ_CHARS = 5000
# A run of more digits than this (before any decimal point) is a code (统一社会信用代码, an account number), not
# a quantity: no reported figure has so many, and every value read stays finite.
MAX_NUMBER_DIGITS = 15
# Right after the number, these make it a name or an ordinal, not a quantity.
NAME_AFTER: tuple[str, ...] = ("国道", "省道", "号", "届", "期", "版", "周年", "强", "佳", "G", "路", "线", "星")
# Right before the number (one character, besides ASCII letters and digits): part of a name
# (PM2.5, G60), an ordinal (第二), a bigger number or an expression (8+13, 1-11月, 9·30).
NAME_BEFORE = "第.·+-—/"

# Comparator from the qualifier. After the number+unit:
QUALIFIERS_AFTER: dict[str, str] = {
    "以上": "gte",
    "及以上": "gte",
    "以内": "lte",
    "以下": "lte",
    "及以下": "lte",
    "左右": "approx",
    "上下": "approx",
    "余": "gte",
    "多": "gte",
}
# Before the number (the words right before it, after the metric):
QUALIFIERS_BEFORE: dict[str, str] = {
    "不低于": "gte",
    "不少于": "gte",
    "超过": "gte",
    "至少": "gte",
    "高于": "gte",
    "突破": "gte",
    "超": "gte",
    "大于": "gte",
    "多于": "gte",
    "力争超": "gte",
    "不超过": "lte",
    "不高于": "lte",
    "控制在": "lte",
    "低于": "lte",
    "少于": "lte",
    "小于": "lte",
    "约": "approx",
    "大约": "approx",
    "近": "approx",
    "最多": "lte",
    "最长": "lte",
    "最高": "lte",
    ">": "gte",
    "≥": "gte",
    ">=": "gte",
    "<": "lte",
    "≤": "lte",
    "<=": "lte",
}
# How far before the number (characters) a qualifier of two or more characters still governs it.
QUALIFIER_REACH = 6
# A number with a multiplier and no unit before 的 and a noun is the size of the things named
# ("服务人口超过2万的乡镇卫生院"): not a target. (the word, example)
SIZE_OF_THINGS: tuple[str, str] = ("的", "30%以上服务人口超过2万的乡镇卫生院")
# A number with a qualifier right before a noun describes what is counted ("3万元以下企业", "300人以上学校"): not
# a target. A rate there is a share of those things, a target ("30%以上服务人口超过2万的乡镇卫生院配备专职口腔
# 医师"), unless a count follows in its item, which is then the target ("增长10%以上企业20家").
# (units that are a share of things, example)
RATE_OF_THINGS: tuple[frozenset[str], str] = (
    frozenset({"%"}),
    "30%以上服务人口超过2万的乡镇卫生院配备专职口腔医师 / 增长10%以上企业20家 (20家 is the target)",
)
# Range: "30—40家" is value 30, upper 40, comparator gte.
RANGE_SEPARATORS = "-—~～至到"

# Direction from the change word governing the number.
INCREASE_WORDS: tuple[str, ...] = (
    "新增",
    "增加",
    "增长",
    "提高",
    "提升",
    "新建",
    "增至",
    "增幅",
    "增速",
    "扩大",
    "新培育",
    "新引进",
    "新招引",
    "新开工",
    "新发展",
    "新认定",
    "新创建",
    "净增",
    "上升",
    "翻番",
)
DECREASE_WORDS: tuple[str, ...] = (
    "下降",
    "压降",
    "减少",
    "降低",
    "削减",
    "压减",
    "降幅",
    "减排",
    "缩减",
    "缩短",
    "减至",
    "降至",
    "下调",
)
# A cumulative level is a level, whatever verb follows ("累计新建提升小微企业园100个以上").
LEVEL_MARKERS: tuple[str, ...] = ("累计",)

# Words stripped from the ends of a metric: they frame the number, they do not name what it measures.
METRIC_LEADING_FILLERS: tuple[str, ...] = (
    "共计",
    "合计",
    "总计",
    "确保",
    "力争",
    "争取",
    "努力",
    "全市",
    "全年",
    "年内",
    "今年",
    "推进",
    "推动",
    "加快",
    "持续",
    "积极",
    "进一步",
    "深入",
    "其中",
    "均",
    "同时",
    "并",
    "和",
    "及",
    "以及",
    "对",
    "共",
    "已",
    "全面",
    "基本",
    "继续",
    "实现",
    "完成了",
    "分别",
    "达",
    "为",
)
METRIC_TRAILING_FILLERS: tuple[str, ...] = (
    "达到",
    "达",
    "到",
    "至",
    "为",
    "保持在",
    "保持",
    "控制在",
    "稳定在",
    "不低于",
    "不少于",
    "超过",
    "突破",
    "高于",
    "低于",
    "不超过",
    "至少",
    "在",
    "了",
    "约",
    "共",
    "累计",
    "已",
    "超",
    "近",
    "实现",
    "以上",
    "的",
    "同比",
    "比上年",
    "比去年",
)
# Characters dropped from a metric to keep it short and readable.
METRIC_DROP_CHARS = "“”‘’《》\"'"
METRIC_MAX_CHARS = 24

# Clause boundaries. Sentences end at 。;!?; clauses at , : and 、 (a list of quotas shares its verb).
SENTENCE_BREAKS = "。;!?"
CLAUSE_BREAKS = ",:" + SENTENCE_BREAKS
# Between list items; a bare item (only this between it and the number before) shares the words of the
# item before it: in "分别下降12.5%、10.3%" both are declines of the same metric.
LIST_BREAK = "、"
# Leading verbs a list item inherits from the first item when it has none of its own
# ("新增上云企业3000家、机器人应用2200台": both are 新增).
LIST_VERBS: tuple[str, ...] = (
    INCREASE_WORDS
    + DECREASE_WORDS
    + (
        "创建",
        "建成",
        "完成",
        "实施",
        "打造",
        "引进",
        "培育",
        "淘汰",
        "改造",
        "整治",
        "建设",
        "新改扩建",
        "招引",
        "开工",
        "累计",
        "实现",
    )
)

# Actuals: the period a number covers, as written. Ranges and quarters cover the whole sentence
# ("1-11月,新增上云企业3080家,新增工业机器人2350台"); 累计 only its own clause.
PERIOD_PATTERNS_SENTENCE: tuple[str, ...] = (
    r"\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月份?",
    r"(?:截至|截止|到)\d{1,2}月(?:末|底|份)?",
    r"(?:截至|截止|到)(?:20\d\d年)?(?:年底|年末|\d{1,2}月\d{1,2}日)",
    r"前[一二三四]季度",
    r"[一二三四]季度",
    r"上半年",
    r"全年",
    r"年底|年末",
)
PERIOD_PATTERNS_CLAUSE: tuple[str, ...] = (r"累计",)
PERIOD_DEFAULT = "全年"
# Periods that cover the whole year (a shortfall is a real shortfall); anything else is part-year.
FULL_YEAR_PERIODS: tuple[str, ...] = (r"^全年$", r"^1\s*[-—~至]\s*12\s*月", r"年底|年末|12月", r"^累计$", r"^$")
# Months a part-year period covers, to tell whether a shortfall is only the missing months.
QUARTER_MONTHS: dict[str, int] = {"前三季度": 9, "三季度": 9, "上半年": 6, "前两季度": 6, "二季度": 6, "一季度": 3}
ESTIMATE_WORDS: tuple[str, ...] = ("预计", "有望", "预估", "预期", "可望", "估计")
# A completion ratio ("完成年度计划的129.1%") says how much of a target was done, not the metric itself.
COMPLETION_RATIO_PATTERNS: tuple[str, ...] = (r"完成率", r"完成[^,;。]{0,12}的$", r"目标完成率", r"任务的$", r"计划的$")

# An actual whose own words say only that it was done ("完成9个" in "完成9个,完成率100%"; "已完成(完成30%"), naming no
# metric, reports the task's one target in its unit: the table's layout names the metric. Where two targets
# share the unit it reports neither (no guess). (pattern of the actual's metric words, example)
BARE_ACTUAL_FORM: tuple[str, str] = (
    r"^[\s(（:,]*(?:(?:已|共|累计|合计|均)*(?:完成|达到|实现|建成)[\s(（:,了]*)*$",
    "完成9个,完成率100% under 力争9个城市社区达到“三公里”充分就业社区标准",
)
# A count that names what it counts right after its classifier ("2家医养结合机构") is weighed on its own clause
# only: the clause before it ("新增养老机构:") may name a heading's thing, not this one's.
# (the least character pairs the named thing has, example)
NAMED_COUNT_OWN_CLAUSE: tuple[int, str] = (
    2,
    "新增养老机构:新增海安博爱医院、海安新生医院2家医养结合机构 does not report 新增民营养老机构不少于2家",
)
# A number in a clause saying the work is under way, planned or being let ("400户适老化改造正在施工", "已确定
# 3个项目", "计划新建5所") reports no achievement: it pairs with no target, unless the target's own words say
# the same (a target of 开工 is reported by 开工). (words, example)
NOT_ACHIEVED_WORDS: tuple[tuple[str, ...], str] = (
    ("正在", "施工中", "招标", "计划", "确定", "启动", "申报", "拟", "开工"),
    "400户适老化改造正在施工 under 完成居家适老化改造400户",
)
# A completion text that says a target was reached without a new number: the status is met by statement.
# scope `task`: the phrase speaks for the whole task, and decides every target with no actual; read in the clause
# holding it, and only when that clause has no number (a number there is an actual, read as such:
# "312家重点企业全部完成年度改造任务"). scope `sentence`: it speaks only of what its sentence names
# ("三条联网路:…均已完工"). In either, a number of that sentence that equals its target only repeats it.
# scope `target`: a clause with no number that names the target's work done (pairing.stated_by_name); a plain
# "完成11个体育公园" reports an actual, never a repeat. "基本完成" is not a statement of completion.
# (pattern, scope, example)
STATED_COMPLETE_PHRASES: tuple[tuple[str, str, str], ...] = (
    (r"已?全部完成", "task", "已全部完成"),
    # The whole clause is the word (a progress cell "已完工。"), or its details follow in brackets; "主体已完工" is a
    # part of the work only.
    (r"(?:^|[,;:!?。])(?:已|均已|全部)完(?:工|成)(?:[,;:!?。(]|$)", "task", "已完工。 / 已完成(完成30%,完成率100%)"),
    (r"均已完成", "task", "均已完成"),
    (r"(?:提前|超额|圆满|已|全面)完成了?(?:年度|全年|今年)?的?(?:目标)?任务", "task", "提前完成年度任务"),
    (r"(?:已|提前|超额)完成了?(?:年度|全年)?目标", "task", "已完成年度目标"),
    (r"超额完成", "task", "超额完成"),
    (r"圆满完成", "sentence", "圆满完成…安置任务"),
    (r"(?:均|全部|已全部)已?完工", "sentence", "均已完工"),
    (r"^(?:已|均已|全面)?完成(?!率)", "target", "完成对…污水处理厂的清洁排放改造工作"),
)
# scope `target`: a clause with no number that opens with 完成 states the target reached when it names the
# target's metric: at least this share of the metric's words (pairing.containment).
STATED_TARGET_MIN_CONTAINMENT = 0.8

# A target no figure reports may be another scope's figure, quoted beside the report's own; a statement for the
# whole task ("项目已完成年度目标任务") does not decide it (fct_target_achievement: other_scope, unknown).
# A figure of the same metric and unit as a target a figure reports: the province's total beside the city's
# share, or the plan's total beside the year's part. Of two such, the later is the report's own (a target
# column's cell is joined after the requirement, layout.tasks.with_target): a figure pairs with it first.
# (share of the one's metric words that the other's words hold, the least bigrams that metric must have, example)
OTHER_SCOPE_SAME_METRIC: tuple[float, int, str] = (
    0.8,
    3,
    "新建和改造提升城市绿道500公里 beside 新建和改造提升城市绿道130公里 (我市任务), reported 共计140.01公里",
)
# A figure inside an aside in brackets quotes another requirement. (pattern of the words before its number, example)
OTHER_SCOPE_ASIDE: tuple[str, str] = (r"[(（][^()（）]*$", "城市绿道500公里(城市更新中要求新建福道1000公里)")

# A target for each of several things ("4个结构性指标均实现10%以上增长"): before its number, a count, the
# things' name and an each-word. The completion lists the parts after that name ("4个结构性指标中,
# 民间项目投资下降4.7%,交通投资增长6.5%…"); one part reaching shows nothing of the others, one part short
# misses it.
# (pattern over the words before the number, with the group `parts`; example)
EACH_PART_FORMS: tuple[tuple[str, str], ...] = (
    (
        r"(?:\d+|[一二三四五六七八九十]+)(?:个|项|类|大)(?P<parts>[^\d,;。、]{2,12}?)(?:均|都|全部)",
        "4个结构性指标均实现",
    ),
)

# Words that frame a reported number rather than name what it counts: left out when weighing whether the
# target's words hold the actual's metric (pairing's metric_coverage), wherever they stand in it.
COVERAGE_IGNORED_WORDS: tuple[str, ...] = (
    "全市",
    "全县",
    "全区",
    "全省",
    "同比",
    "预计",
    "累计",
    "完成",
    "实现",
    "达到",
    "共计",
    "其中",
    "已经",
    "已",
)

# Words that make an actual count a part of what a target counts when the target does not say them
# ("2个省级现代农业园区" for "20个现代农业园区"): such a pair cannot show a shortfall.
SUBSET_QUALIFIERS: tuple[str, ...] = ("国家级", "省级", "市级", "县级", "区级", "其中")

# Abbreviations and their full names, read as the same words when pairing a target with an actual
# ("地区生产总值增长7%左右" is reported as "GDP预计增长4.5%左右").
METRIC_SYNONYMS: dict[str, str] = {
    "GDP": "地区生产总值",
    "R&D": "研发",
    "社零": "社会消费品零售",
    "固投": "固定资产投资",
    "规模以上": "规上",
    "智安小区": "智慧安防小区",
    "外贸进出口": "进出口",
}

# The allowed sets of roles, comparators, directions, unit kinds and statuses are checked by the GE
# suites (expectations/gx/expectations/*.json); approx's 90% is the dbt var `approx_tolerance`.
