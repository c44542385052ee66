"""Numbers in free Chinese text: targets in a requirement, actuals in a completion text.

    "确保地区生产总值增长7%左右"  ->  metric 地区生产总值增长, 7 %, approx, increase
    "1-11月,新增上云企业3080家"   ->  metric 新增上云企业, 3080 家, period 1-11月

The algorithm: find quantities (a number with a unit), drop those that are names or descriptors,
then read around each one inside its clause: the qualifier after it or before it (comparator),
the change word (direction), the words it measures (metric), and for actuals the period and
whether it is an estimate. Every word list is a table in ``rules``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from pipelines.core import rules


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CHINESE = f"[{rules.CHINESE_DIGITS}]+"
_MULT = _alternation(rules.MULTIPLIERS)
_BASE = _alternation(rules.BASE_UNITS)
_RATE = _alternation(rules.RATE_DENOMINATORS)
_RANGE = f"[{re.escape(rules.RANGE_SEPARATORS)}]"
# \d, not 0-9: a text's template (pipelines.core.extraction.templates) writes its numbers in other scripts' digits.
_NOT_AFTER = r"A-Za-z\d" + re.escape(rules.NAME_BEFORE)
_LATIN_BEFORE = re.compile(r"[A-Za-z]")

_ARABIC_QUANTITY = re.compile(
    # Not after a digit and a space: "12 30人" is neither 1230 nor 30 (a thousands group was joined when the
    # text was normalised; what is left is ambiguous, so not read).
    rf"(?<![\d{re.escape(rules.NAME_BEFORE)}])(?<!\d )(?P<num>{_ARABIC})(?:{_RANGE}(?P<upper>{_ARABIC}))?"
    rf"(?P<unit>(?P<mult>{_MULT})?(?P<base>{_BASE})(?:/(?P<rate>{_RATE}))?|(?P<mult_only>{_MULT}))"
)
_CHINESE_QUANTITY = re.compile(
    rf"(?<![{_NOT_AFTER}{rules.CHINESE_DIGITS}])(?P<num>{_CHINESE})(?P<unit>{_alternation(rules.CHINESE_NUMERAL_UNITS)})"
)
_NAME_AFTER = re.compile(_alternation(rules.NAME_AFTER))
_QUAL_AFTER = re.compile(_alternation(rules.QUALIFIERS_AFTER))
_QUAL_BEFORE = re.compile(f"(?:{_alternation(rules.QUALIFIERS_BEFORE)})$")
# A qualifier of two or more characters may stand a verb away ("至少新增10家"); one character
# (约, 近, 超) only right before the number, or 节约 would read as "about".
_QUAL_BEFORE_NEAR = re.compile(_alternation(q for q in rules.QUALIFIERS_BEFORE if len(q) > 1))
_INCREASE = re.compile(_alternation(rules.INCREASE_WORDS))
_DECREASE = re.compile(_alternation(rules.DECREASE_WORDS))
_LEADING = re.compile(f"^(?:{_alternation(rules.METRIC_LEADING_FILLERS)})+")
_TRAILING = re.compile(f"(?:{_alternation(rules.METRIC_TRAILING_FILLERS)})+$")
_YEAR = re.compile(r"(?:20|19)\d\d年(?:度|底|末)?")
_VERB_TAIL = re.compile(f"(?:{_alternation((*rules.LIST_VERBS, '达到', '达', '保持', '在'))})+$")
_LIST_VERB = re.compile(f"^(?:{_alternation(rules.LIST_VERBS)})")
_VERBS = re.compile(_alternation(rules.LIST_VERBS + rules.METRIC_LEADING_FILLERS + rules.METRIC_TRAILING_FILLERS))
_PERIOD_SENTENCE = re.compile("|".join(rules.PERIOD_PATTERNS_SENTENCE))
_PERIOD_CLAUSE = re.compile("|".join(rules.PERIOD_PATTERNS_CLAUSE))
_FULL_YEAR = re.compile("|".join(rules.FULL_YEAR_PERIODS))
_ESTIMATE = re.compile(_alternation(rules.ESTIMATE_WORDS))
_COMPLETION_RATIO = re.compile("|".join(rules.COMPLETION_RATIO_PATTERNS))
_EACH_PART = tuple(re.compile(pattern + "$") for pattern, _ in rules.EACH_PART_FORMS)
# A plain "完成N个X" reports an actual: only phrases that say the work is done (scopes task, sentence) make
# a number equal to its target a repeat.
_STATED_COMPLETE = re.compile("|".join(p for p, scope, _ in rules.STATED_COMPLETE_PHRASES if scope != "target"))
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AFTER_BREAK = re.compile(_alternation(rules.AFTER_WORDS_BREAKS))
_DROP = str.maketrans("", "", rules.METRIC_DROP_CHARS)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int  # end of number + unit
    value: float
    unit: str  # as written (multiplier included: 万家)
    base_unit: str  # comparable unit (万家 -> 个 via UNIT_EQUIVALENTS; 亿元 -> 元)
    multiplier: float
    upper: float | None = None

    @property
    def normalised_value(self) -> float:
        return self.value * self.multiplier


@dataclass(frozen=True)
class Mention:
    """A quantity read in its clause. Targets use comparator/direction; actuals period/is_estimate."""

    seq: int
    metric: str
    value: float
    unit: str
    normalised_value: float
    normalised_unit: str
    comparator: str
    direction: str
    span: str
    span_start: int
    span_end: int
    upper: float | None = None
    number_start: int = -1  # where the quantity's number starts in the text
    multiplier: float = 1.0  # normalised_value = value × multiplier
    is_cumulative: bool = False
    period: str = ""
    is_part_year: bool = False
    is_estimate: bool = False
    is_completion_ratio: bool = False
    months_covered: int | None = None
    period_stated: bool = False  # the text says the period; else the default (the report's period may say)
    # The stated-completion phrase of the actual's sentence ("10个新增急救站点已全部完成建设"): a number there
    # that equals its target only repeats it.
    statement: str | None = None
    # A target for each of several things: their name ("结构性指标" of "4个结构性指标均实现10%以上增长").
    parts_name: str | None = None
    # What a count names right after its classifier ("医养结合机构" of "2家医养结合机构"), else "".
    counted: str = ""


@lru_cache(maxsize=1 << 16)  # pure, and texts of one phrasing repeat it
def parse_number(text: str) -> float:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    return float(cn2an.cn2an(text, "smart"))


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a unit that is not part of a name, in text order."""
    found: list[Quantity] = []
    for match in _ARABIC_QUANTITY.finditer(text):
        if _NAME_AFTER.match(text, match.end()):
            continue
        mult = match["mult"] or match["mult_only"] or ""
        base = match["base"] or ""
        if len(match["num"].split(".")[0].replace(",", "")) > rules.MAX_NUMBER_DIGITS:
            continue
        # After a Latin letter a number is part of a code (G60, PM2.5), unless it counts things ("AED128台").
        if (
            match.start()
            and _LATIN_BEFORE.match(text, match.start() - 1)
            and (mult or base not in rules.COUNT_CLASSIFIERS)
        ):
            continue
        if match["rate"]:
            base = f"{base}/{match['rate']}"
        found.append(
            Quantity(
                match.start(),
                match.end(),
                parse_number(match["num"]),
                match["unit"],
                rules.UNIT_EQUIVALENTS.get(base, base),
                rules.MULTIPLIERS.get(mult, 1.0),
                parse_number(match["upper"]) if match["upper"] else None,
            )
        )
    for match in _CHINESE_QUANTITY.finditer(text):
        if any(text.startswith(p, match.start()) for p in rules.NUMERAL_SET_PHRASES) or _NAME_AFTER.match(
            text, match.end()
        ):
            continue
        following = text[match.end() : match.end() + 1]
        if following and following in rules.CHINESE_DIGITS:  # 三位一体, 一城一策: set phrases
            continue
        if match["num"] == rules.ARTICLE_NUMERAL or text[match.start() - 1 : match.start()] in rules.SLOGAN_OPENERS:
            continue
        if any(q.start <= match.start() < q.end for q in found):
            continue
        try:
            value = parse_number(match["num"])
        except ValueError:  # not a well-formed numeral (e.g. 万万)
            continue
        unit = match["unit"]
        mult = next((m for m in rules.MULTIPLIERS if unit.startswith(m) and unit != m), "")
        base = unit[len(mult) :]
        found.append(
            Quantity(
                match.start(),
                match.end(),
                value,
                unit,
                rules.UNIT_EQUIVALENTS.get(base, base),
                rules.MULTIPLIERS.get(mult, 1.0),
            )
        )
    return sorted(found, key=lambda q: q.start)


@lru_cache(maxsize=16)
def _break_pattern(breaks: str) -> re.Pattern:
    return re.compile(f"[{re.escape(breaks)}]")


@lru_cache(maxsize=4096)
def break_positions(text: str, breaks: str) -> tuple[int, ...]:
    """Where the break characters stand (cached: every number of a text looks them up)."""
    return tuple(m.start() for m in _break_pattern(breaks).finditer(text))


def bounds(text: str, pos: int, breaks: str) -> tuple[int, int]:
    """[start, end) of the stretch around pos between two break characters."""
    positions = break_positions(text, breaks)
    i = bisect_right(positions, pos - 1)  # breaks before pos
    start = positions[i - 1] + 1 if i else 0
    j = bisect_left(positions, pos)
    return start, positions[j] if j < len(positions) else len(text)


@lru_cache(maxsize=1 << 16)  # pure, and texts of one phrasing repeat it
def _clean_metric(words: str) -> str:
    words = _PERIOD_SENTENCE.sub("", _YEAR.sub("", words.translate(_DROP))).strip()
    while True:  # fillers stack: "确保全市" / "已达到"
        cleaned = _TRAILING.sub("", _LEADING.sub("", words)).strip()
        if cleaned == words:
            return words[: rules.METRIC_MAX_CHARS]
        words = cleaned


@dataclass(frozen=True)
class _InContext:
    quantity: Quantity
    comparator: str
    qualifier_end: int
    before: str  # the item's words before the number (after the previous quantity)
    before_start: int
    after: str  # words after the qualifier up to the next quantity or the item's end
    after_end: int
    list_verb: str  # the leading verb of the first item of a 、 list, inherited by later items
    clause_start: int
    sentence_start: int
    shared: str = ""  # a bare list item's words, shared with the item before it ("分别下降12.5%、10.3%")


def _read(text: str, quantities: list[Quantity]) -> list[_InContext]:
    readings = []
    for i, q in enumerate(quantities):
        clause_start, _ = bounds(text, q.start, rules.CLAUSE_BREAKS)
        item_start, item_end = bounds(text, q.start, rules.CLAUSE_BREAKS + rules.LIST_BREAK)
        sentence_start, _ = bounds(text, q.start, rules.SENTENCE_BREAKS)
        previous = quantities[i - 1] if i else None
        before_start = max(item_start, previous.end if previous and previous.end <= q.start else 0)
        if previous and previous.end <= q.start and previous.end >= item_start:
            # "1个全国无障碍社区和6个省级无障碍社区": the second item starts after the joiner.
            joiners = list(_AFTER_BREAK.finditer(text, previous.end, q.start))
            before_start = joiners[-1].end() if joiners else before_start
        qual = _QUAL_AFTER.match(text, q.end)
        qualifier_end = qual.end() if qual else q.end
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        after_end = min(item_end, nxt.start if nxt and nxt.start >= qualifier_end else item_end)
        joiner = _AFTER_BREAK.search(text, qualifier_end, after_end)
        after_end = joiner.start() if joiner else after_end
        before = text[before_start : q.start]
        comparator = "eq"
        if qual:
            comparator = rules.QUALIFIERS_AFTER[qual.group()]
        elif (m := _QUAL_BEFORE.search(before)) or (m := _QUAL_BEFORE_NEAR.search(before[-rules.QUALIFIER_REACH :])):
            comparator = rules.QUALIFIERS_BEFORE[m.group()]
        if q.upper is not None:
            comparator = "gte"
        first_item = text[clause_start:item_start].lstrip(rules.LIST_BREAK)
        verb = _LIST_VERB.match(_LEADING.sub("", first_item)) if item_start > clause_start else None
        # A bare item, nothing between it and the item before but the list break, shares that item's words.
        last = readings[-1] if readings else None
        bare = (
            last is not None
            and last.clause_start == clause_start
            and last.qualifier_end <= q.start
            and text[last.qualifier_end : q.start] == rules.LIST_BREAK
        )
        readings.append(
            _InContext(
                q,
                comparator,
                qualifier_end,
                before,
                before_start,
                text[qualifier_end:after_end],
                after_end,
                verb.group() if verb else "",
                clause_start,
                sentence_start,
                (last.shared or last.before) if bare else "",
            )
        )
    return readings


def _content_words(metric: str) -> str:
    """What is left of a metric without its verbs: empty when it names no thing."""
    return _VERBS.sub("", metric)


def _is_descriptor(text: str, r: _InContext, readings: list[_InContext]) -> bool:
    """Numbers that describe what is counted rather than set a level ("3万元以下企业", "300人以上学校",
    "24小时天气预报准确率90%以上", "4个结构性指标均实现10%以上增长")."""
    follows_noun = (
        bool(_CJK.match(text, r.qualifier_end))
        and not text.startswith("的", r.qualifier_end)
        and not (_INCREASE.match(text, r.qualifier_end) or _DECREASE.match(text, r.qualifier_end))
    )
    qualifier = text[r.quantity.end : r.qualifier_end]
    # "12万元以下、其它县域20万元以下薄弱村": a list sharing the noun that follows.
    if qualifier in ("以下", "及以下", "以内") and (follows_noun or text.startswith(rules.LIST_BREAK, r.qualifier_end)):
        return True
    base = r.quantity.unit.lstrip("万亿千百")
    if not base and text.startswith(rules.SIZE_OF_THINGS[0], r.qualifier_end) and _CJK.match(text, r.qualifier_end + 1):
        return True  # SIZE_OF_THINGS
    following = [o for o in readings if o.quantity.start > r.quantity.start and o.before_start == r.quantity.end]
    if follows_noun and qualifier and base not in rules.COUNT_CLASSIFIERS:
        # a share of those things is a target, unless a count of them follows (RATE_OF_THINGS)
        counted_after = bool(following) and following[0].quantity.base_unit in rules.COUNT_CLASSIFIERS
        return r.quantity.base_unit not in rules.RATE_OF_THINGS[0] or counted_after
    # "N things … X%": a count followed by a rate of those things in the same item sets the rate's scope.
    return follows_noun and not qualifier and bool(following) and following[0].quantity.base_unit in rules.RATE_UNITS


@lru_cache(maxsize=1 << 16)  # pure, and texts of one phrasing repeat it
def _direction(before: str, list_verb: str, after: str, cumulative_is_level: bool = True) -> str:
    words = list_verb + before
    if cumulative_is_level and any(m in words for m in rules.LEVEL_MARKERS):
        return "level"
    if _DECREASE.match(after):
        return "decrease"
    if _INCREASE.match(after):
        return "increase"
    core = _LEADING.sub("", words)
    tail = _TRAILING.sub("", core)
    for pattern, direction in ((_DECREASE, "decrease"), (_INCREASE, "increase")):
        # The change word governs the number when it opens the item or stands right before the number.
        if pattern.match(core) or ((m := list(pattern.finditer(tail))) and m[-1].end() == len(tail)):
            return direction
    return "level"


def _mention(text: str, seq: int, r: _InContext, is_target: bool = True) -> Mention:
    q = r.quantity
    before_words = _clean_metric(r.before)
    shared_words = _clean_metric(r.shared)
    after_words = _clean_metric(r.after.removeprefix("的"))
    verb = r.list_verb if r.list_verb and not _LIST_VERB.match(before_words) else ""
    metric = _clean_metric(verb + shared_words + before_words + after_words) or before_words or after_words
    if not _content_words(metric) and r.clause_start > r.sentence_start:
        # "深化“智慧安防”小区建设,全年建设完成600个以上": only verbs here; the thing is named just before, in its
        # sentence ("1063人;4个": the clause before is another figure's).
        previous = _clean_metric(
            text[bounds(text, max(r.clause_start - 1, 0), rules.CLAUSE_BREAKS)[0] : max(r.clause_start - 1, 0)]
        )
        metric = _clean_metric(previous + metric)
    # The span: from the first metric word before the number to the qualifier, or through the
    # counted noun after it ("建成8个美丽城镇").
    lead = r.before.find(before_words[:2]) if before_words else -1
    span_start = r.before_start + lead if lead >= 0 else q.start
    if span_start > r.before_start and text[span_start - 1] in "“‘《":
        span_start -= 1
    span_end = r.after_end if after_words and not before_words else r.qualifier_end
    if after_words and before_words and q.unit.lstrip("万亿千百") in rules.COUNT_CLASSIFIERS:
        span_end = r.after_end
    return Mention(
        seq=seq,
        metric=metric,
        value=q.value,
        unit=q.unit,
        normalised_value=q.normalised_value,
        normalised_unit=q.base_unit,
        comparator=r.comparator,
        direction=_direction(
            r.shared + r.before, verb, text[r.qualifier_end : r.qualifier_end + 2], cumulative_is_level=is_target
        ),
        is_cumulative=any(m in verb + r.shared + r.before for m in rules.LEVEL_MARKERS),
        span=text[span_start:span_end],
        span_start=span_start,
        span_end=span_end,
        upper=q.upper,
        number_start=q.start,
        multiplier=q.multiplier,
        is_completion_ratio=q.base_unit == "%" and bool(_COMPLETION_RATIO.search(r.before)),
        parts_name=_parts_name(r.before),
        counted=after_words if q.unit.lstrip("万亿千百") in rules.COUNT_CLASSIFIERS else "",
    )


def _parts_name(before: str) -> str | None:
    """The name of the things a target sets for each of them (EACH_PART_FORMS), from the words before its
    number up to a verb at most ("4个结构性指标均实现")."""
    words = _VERB_TAIL.sub("", before)
    for form in _EACH_PART:
        if m := form.search(words):
            return m["parts"]
    return None


def _readings_without_descriptors(text: str) -> list[_InContext]:
    readings = _read(text, find_quantities(text))
    kept = [r.quantity for r in readings if not _is_descriptor(text, r, readings)]
    if len(kept) == len(readings):
        return readings
    # Read again without the descriptors, so that their words belong to the metric they describe
    # ("新引进投资10亿元以上项目40个").
    return _read(text, kept)


@lru_cache(maxsize=65536)
def extract_targets(requirement: str) -> tuple[Mention, ...]:
    return tuple(
        _mention(requirement, seq, r) for seq, r in enumerate(_readings_without_descriptors(requirement), start=1)
    )


def _period(text: str, r: _InContext) -> tuple[str, bool]:
    """The nearest period words before the number: in its clause, then 累计 in its clause, then in
    its sentence ("1-11月,新增上云企业3080家,新增工业机器人2350台"), else the whole year."""
    clause_text = text[r.clause_start : r.quantity.start]
    sentence_text = text[r.sentence_start : r.quantity.start]
    for found in (
        _PERIOD_SENTENCE.findall(clause_text),
        _PERIOD_CLAUSE.findall(clause_text),
        _PERIOD_SENTENCE.findall(sentence_text),
    ):
        if found:
            return found[-1], True
    return rules.PERIOD_DEFAULT, False


def is_part_year(period: str) -> bool:
    return not _FULL_YEAR.search(period)


def quantity_at(text: str, start: int) -> re.Match | None:
    """The Arabic-numeral quantity whose number starts at `start` (groups `num`, `upper`), if any."""
    return _ARABIC_QUANTITY.match(text, start)


_MONTH_RANGE = re.compile(r"(\d{1,2})\s*[-—~至]\s*(\d{1,2})\s*月")
_UP_TO_MONTH = re.compile(r"(?:截至|截止|到)(\d{1,2})月")


def months_covered(period: str) -> int | None:
    """12 for the whole year, the months of a part-year period, None when the text does not say."""
    if _FULL_YEAR.search(period):
        return 12
    if m := _MONTH_RANGE.search(period):
        return int(m[2]) - int(m[1]) + 1
    if m := _UP_TO_MONTH.search(period):
        return int(m[1])
    return rules.QUARTER_MONTHS.get(period)


def _quoted(text: str, pos: int) -> bool:
    """True when pos stands inside a quotation (its opening mark before it, not yet closed)."""
    return any(text.rfind(opening, 0, pos) > text.rfind(closing, 0, pos) for opening, closing in rules.QUOTES)


@lru_cache(maxsize=65536)
def extract_actuals(completion: str) -> tuple[Mention, ...]:
    readings = [r for r in _readings_without_descriptors(completion) if not _quoted(completion, r.quantity.start)]
    actuals = []
    for seq, r in enumerate(readings, start=1):
        base = _mention(completion, seq, r, is_target=False)
        q = r.quantity
        before_clause = completion[r.clause_start : q.start]
        declined = bool(_DECREASE.search((r.shared + r.before)[-4:]))
        period, stated = _period(completion, r)
        statement = _STATED_COMPLETE.search(
            completion, r.sentence_start, bounds(completion, q.start, rules.SENTENCE_BREAKS)[1]
        )
        value = -q.value if declined else q.value
        actuals.append(
            Mention(
                **{
                    **base.__dict__,
                    "value": value,
                    "normalised_value": value * q.multiplier,
                    "direction": "decrease" if declined else base.direction,
                    "period": period,
                    "period_stated": stated,
                    "is_part_year": is_part_year(period),
                    "months_covered": months_covered(period),
                    "is_estimate": bool(_ESTIMATE.search(before_clause)),
                    "statement": statement.group() if statement else None,
                }
            )
        )
    return tuple(actuals)
