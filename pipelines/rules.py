"""Rule tables: the data that drives reading and normalisation.

Everything a reader of these tables needs to know lives here as literal data; the
algorithms that use them (``reading``, ``units``) stay small. Add a synonym or a
suffix here, not a special case in code.
"""

from __future__ import annotations

# --- table layout ----------------------------------------------------------------

CELL_SEPARATOR = "|"

# Header cell text -> the column it holds. The same table is published as a year-end
# completion report (完成情况) and as an in-year progress report (进展情况).
HEADER_SYNONYMS: dict[str, str] = {
    "序号": "task_id",
    "编号": "task_id",
    "内容与要求": "requirement",
    "工作内容与要求": "requirement",
    "目标任务": "requirement",
    "完成情况": "completion",
    "进展情况": "completion",
    "推进情况": "completion",
    "责任单位": "units",
}
COLUMNS: tuple[str, ...] = ("task_id", "requirement", "completion", "units")

# --- characters ------------------------------------------------------------------

# Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space map onto ASCII,
# so that "（市）", "１２" and "％" read like "(市)", "12" and "%". CJK punctuation with
# no ASCII twin (。、“”《》) is kept as written.
FULLWIDTH_TO_ASCII: dict[str, str] = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
FULLWIDTH_TO_ASCII["\u3000"] = " "

# --- responsible units -----------------------------------------------------------

LEAD_MARK = "△"

# A unit name is complete when it ends with one of these. A token that does not is
# the first half of a name broken by a stray space ("市自然资源和 规划局").
# Longest first, so that the suffix shared by "柯桥区、上虞区政府" is 政府, not 府.
UNIT_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            "人民政府", "政府", "管委会", "开发办", "军分区", "海关",
            "局", "委", "办", "部", "厅", "处", "室", "所", "站", "队", "中心",
            "集团", "公司", "总社", "社", "学院", "大学", "高校", "学校", "院",
            "支行", "分行", "银行", "行", "会", "联", "协", "团",
        },
        key=len,
        reverse=True,
    )
)

# A token ending with one of these always continues into the next token.
NAME_JOINERS: tuple[str, ...] = ("、", "和", "与", "及")

# A token starting like this begins a new unit, even after an incomplete one.
UNIT_STARTS: tuple[str, ...] = ("市", "各", LEAD_MARK)

# "柯桥区、上虞区、诸暨市政府" lists several units sharing the last one's suffix.
SHARED_NAME_SEPARATOR = "、"

# A name starting with this is one collective unit ("各区、县(市)政府"), never split.
COLLECTIVE_PREFIX = "各"

# First matching pattern wins (re.search). Order matters: specific before general.
UNIT_TYPE_RULES: tuple[tuple[str, str], ...] = (
    ("collective", r"^各"),
    ("central_agency_branch", r"^人行|银保监|证监|海关|税务|气象局|消防救援|调查队|邮政管理|烟草|国家"),
    ("university", r"(学院|大学|高校|学校)$"),
    ("state_owned_company", r"(集团|公司)$"),
    ("development_zone_admin", r"(管委会|开发办)$"),
    ("district_county_government", r"^.{1,6}(区|县|市)(人民)?政府$"),
    ("party_organ", r"^(市委|市纪委|团市委)"),
    ("city_department", r"^市"),
)
UNIT_TYPE_FALLBACK = "other"
UNIT_TYPES: tuple[str, ...] = tuple(t for t, _ in UNIT_TYPE_RULES) + (UNIT_TYPE_FALLBACK,)

ROLES: tuple[str, ...] = ("lead", "support", "sole", "joint")
