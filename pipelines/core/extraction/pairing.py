"""Pair each target with the actual in the same task that reports the same metric, or with none.

Each (target, actual) gets a similarity: the share of the target metric's character bigrams
(Chinese does not space its words) found around the actual, in its own clause first, then
with the clause before it, then in its sentence, each wider view counting for less. A comparable
unit, a shared cumulative reading (累计) and a full-year actual add small bonuses. The best pairs
are taken greedily, each actual serving one target; ties go to the actual whose place in the
completion text matches the target's place in the requirement.

The pairs are chosen together, as the assignment with the greatest total similarity (each actual
serves at most one target), rather than greedily: "10亿元以上项目40个、其中50亿元以上项目8个" against
"10亿元以上产业项目53个,其中50亿元以上产业项目13个" pairs 40↔53 and 8↔13 though the 8's words
also resemble the 53's clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines.core import rules
from pipelines.core.extraction.mentions import Mention, bounds

# Below this similarity a target has no actual.
MIN_SIMILARITY = 0.25
# Wider views of the text around an actual count for less than its own clause.
WEIGHT_CLAUSE, WEIGHT_WITH_PREVIOUS, WEIGHT_SENTENCE = 1.0, 0.85, 0.6
# The target's own clause (with the one before it) stands in for a metric too short to match on.
WEIGHT_TARGET_WINDOW = 0.6
WEIGHT_OWN_CLAUSE = 0.1
BONUS_SAME_UNIT = 0.35
BONUS_CUMULATIVE = 0.2
BONUS_FULL_YEAR = 0.3
BONUS_SAME_DIRECTION = 0.1
# A different unit must be matched on much stronger words (人 vs 人次 pairs, then shows as unknown).
MIN_SIMILARITY_OTHER_UNIT = 0.6
# Only to break ties: the actual in the matching place in the text.
ORDER_TIE_BREAK = 0.01
# A target with a later one of its metric and unit gives way to it (OTHER_SCOPE_SAME_METRIC): more than the
# order tie-break, less than a word of difference.
EARLIER_SAME_METRIC = 0.05


@dataclass(frozen=True)
class Pair:
    target_seq: int
    actual_seq: int | None
    similarity: float
    # Evidence for a shortfall: the share of the actual's own metric words that the target's words hold.
    # Low, the actual may count a part of what the target counts ("2个省级现代农业园区" for "20个现代农业
    # 园区"): reaching the target still shows it met, falling short shows nothing.
    metric_coverage: float = 0.0
    # With no actual: the clause of the completion that states this target reached by naming it
    # ("完成对…污水处理厂的清洁排放改造工作"), if any.
    statement: str | None = None
    # A target for each of several things: the actuals of its parts, listed after their name (the verdict
    # is the weakest part's, fct_target_achievement).
    parts: tuple[int, ...] = ()
    # The word saying the actual's work is under way or planned ("正在", NOT_ACHIEVED_WORDS) where the target
    # does not say it too: the figure shows no achievement, and the verdict is unknown.
    under_way: str | None = None
    # With no actual: why the target is another scope's figure, which a statement for the whole task does not
    # decide: `same_metric` (OTHER_SCOPE_SAME_METRIC) or `aside` (OTHER_SCOPE_ASIDE).
    other_scope: str | None = None

    def row(self) -> tuple:
        """The columns of raw_target_pairs from target_seq on."""
        return (self.target_seq, self.actual_seq, self.similarity, self.metric_coverage, self.statement,
                list(self.parts), self.under_way, self.other_scope)  # fmt: skip


_CHANGE = "|".join(map(re.escape, sorted(rules.INCREASE_WORDS + rules.DECREASE_WORDS, key=len, reverse=True)))
# A change word governing the metric (新增贷款, 地区生产总值增长), not one inside it (整治提升低效企业).
_GOVERNING_CHANGE_WORDS = re.compile(f"^(?:{_CHANGE})|(?:{_CHANGE})$")


_SYNONYMS = re.compile("|".join(map(re.escape, sorted(rules.METRIC_SYNONYMS, key=len, reverse=True))))


_DIGITS = re.compile(r"\d")
_DROP = str.maketrans("", "", rules.METRIC_DROP_CHARS)
_STATED_OWN = re.compile("|".join(p for p, scope, _ in rules.STATED_COMPLETE_PHRASES if scope != "task"))
_CLAUSE = re.compile(f"[^{re.escape(rules.CLAUSE_BREAKS)}]+")
_BARE = re.compile(rules.BARE_ACTUAL_FORM[0])
_NOT_ACHIEVED = re.compile("|".join(map(re.escape, rules.NOT_ACHIEVED_WORDS[0])))
# A bare actual's score against the task's one target in its unit: above MIN_SIMILARITY, below a named match.
BARE_ACTUAL_SIMILARITY = 0.5
_COVERAGE_IGNORED = re.compile("|".join(map(re.escape, sorted(rules.COVERAGE_IGNORED_WORDS, key=len, reverse=True))))


@lru_cache(maxsize=262144)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams (cached: the same clause and sentence serve every number in them). Digits
    are not words: "增长7%" and "增长8%" name the same metric, and a reading of a text's template
    (pipelines.core.extraction.templates) pairs the same way as the text."""
    text = _SYNONYMS.sub(lambda m: rules.METRIC_SYNONYMS[m.group()], text)
    text = _DIGITS.sub(" ", text.translate(_DROP))
    return frozenset(text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2])


# An aside in brackets names the thing again ("村卫生室(社区卫生服务站)"): a report that uses the main name
# matches the metric as well as one that uses both.
_ASIDE = re.compile(r"[(（][^()（）]*[)）]")


@lru_cache(maxsize=65536)
def _metric_bigrams(words: str) -> frozenset[str]:
    main = _ASIDE.sub(" ", words)
    return bigrams(_GOVERNING_CHANGE_WORDS.sub(" ", main if main.strip() else words))


def containment(words: str, context: str) -> float:
    """Share of the words' bigrams that appear in the context. A governing change word (新增…, …增长)
    says how the metric moves, not what it is, and would make every growth figure look alike."""
    wanted = _metric_bigrams(words)
    return len(wanted & bigrams(context)) / len(wanted) if wanted else 0.0


@dataclass(frozen=True)
class _Views:
    clause: str
    with_previous: str
    sentence: str


def _window(text: str, mention: Mention) -> tuple[int, int, int, int]:
    """(previous clause's start, own clause's start, own clause's end, sentence's start): the previous
    clause only within the sentence."""
    start, _ = bounds(text, mention.span_start, rules.CLAUSE_BREAKS)
    _, end = bounds(text, mention.span_end, rules.CLAUSE_BREAKS)
    sentence_start, _ = bounds(text, mention.span_start, rules.SENTENCE_BREAKS)
    previous = max(bounds(text, max(start - 1, 0), rules.CLAUSE_BREAKS)[0], sentence_start)
    return previous, start, end, sentence_start


def _views(text: str, mention: Mention) -> _Views:
    previous, start, end, sentence_start = _window(text, mention)
    sentence_end = bounds(text, mention.span_start, rules.SENTENCE_BREAKS)[1]
    # The whole sentence, the same for every number in it: no number gains by standing later.
    return _Views(text[start:end], text[previous:end], text[sentence_start:sentence_end])


# Cached: texts that share a phrasing (templates of other reports) pair the same sentences again.
@lru_cache(maxsize=1 << 16)
def similarity(metric: str, target_window: str, actual: _Views) -> float:
    """The best of the weighted views, plus a little of the actual's own clause, so that among
    numbers that share a sentence, the one whose clause names the metric wins."""
    best = own = 0.0
    for words, weight in ((metric, 1.0), (target_window, WEIGHT_TARGET_WINDOW)):
        clause = containment(words, actual.clause)
        own = max(own, weight * clause)
        best = max(
            best,
            weight * WEIGHT_CLAUSE * clause,
            weight * WEIGHT_WITH_PREVIOUS * containment(words, actual.with_previous),
            weight * WEIGHT_SENTENCE * containment(words, actual.sentence),
        )
    return best + WEIGHT_OWN_CLAUSE * own


def _own_window(requirement: str, target: Mention, targets: tuple[Mention, ...]) -> str:
    """The target's clause with the one before it, without the other targets' words: in
    "零售总额增长9%左右、外贸出口总额增长5%左右" each target stands for its own metric only."""
    start, _, end, _ = _window(requirement, target)
    window = list(requirement[start:end])
    for other in targets:
        if other.seq != target.seq:
            for i in range(max(other.span_start, start), min(other.span_end, end)):
                window[i - start] = " "
    return "".join(window)


def pair_targets(
    targets: tuple[Mention, ...], actuals: tuple[Mention, ...], requirement: str, completion: str
) -> list[Pair]:
    # A completion cell that is one number alone ("5.8%" under 1-9月完成) reports the task's one target in
    # that unit: the table's layout names the metric, not words around the number.
    if len(actuals) == 1 and actuals[0].span == completion.strip():
        same_unit = [t for t in targets if t.normalised_unit == actuals[0].normalised_unit]
        if len(same_unit) == 1:
            return [
                Pair(t.seq, actuals[0].seq, 1.0, 1.0) if t is same_unit[0] else Pair(t.seq, None, 0.0) for t in targets
            ]
    chosen = _assign(_pair_scores(targets, actuals, requirement, completion), targets, actuals)
    by_seq = {a.seq: a for a in actuals}

    def pair(t: Mention) -> Pair:
        parts = _parts(t, actuals, completion, chosen)
        if t.seq not in chosen:
            statement, scope = stated_by_name(t.metric, completion), _other_scope(t, targets, chosen, requirement)
            return Pair(t.seq, None, 0.0, statement=statement, parts=parts, other_scope=scope)
        actual_seq, score = chosen[t.seq]
        window = _own_window(requirement, t, targets)
        metric = by_seq[actual_seq].metric
        coverage = 1.0 if _is_bare(metric) else _coverage(metric, window)  # a bare figure counts the whole
        under_way = _under_way(_views(completion, by_seq[actual_seq]).clause, window)
        return Pair(t.seq, actual_seq, round(score, 3), coverage, parts=parts, under_way=under_way)

    return [pair(t) for t in targets]


def _pair_scores(
    targets: tuple[Mention, ...], actuals: tuple[Mention, ...], requirement: str, completion: str
) -> np.ndarray:
    """Each (target, actual)'s score: 0 where they cannot pair."""
    views = {a.seq: _views(completion, a) for a in actuals}
    scores = np.zeros((len(targets), len(actuals)))
    per_unit = {u: sum(t.normalised_unit == u for t in targets) for u in {t.normalised_unit for t in targets}}
    for t_index, target in enumerate(targets):
        target_window = _own_window(requirement, target, targets)
        gives_way = EARLIER_SAME_METRIC * any(_same_metric(target, later) for later in targets[t_index + 1 :])
        cumulative = any(m in target_window for m in rules.LEVEL_MARKERS)
        only_in_unit = per_unit[target.normalised_unit] == 1
        for a_index, actual in enumerate(actuals):
            score = _score(target, actual, target_window, cumulative, views[actual.seq], only_in_unit)
            if score > 0:
                order_gap = abs(t_index / max(len(targets), 1) - a_index / max(len(actuals), 1))
                scores[t_index, a_index] = score - ORDER_TIE_BREAK * order_gap - gives_way
    return scores


def _score(
    target: Mention, actual: Mention, target_window: str, cumulative: bool, view: _Views, only_in_unit: bool = False
) -> float:
    """How well an actual reports a target, before the order tie-break; 0 when it cannot. `only_in_unit`: the
    target is the task's only one in its unit (a bare actual in that unit reports it, BARE_ACTUAL_FORM)."""
    # A completion ratio reports a target of completion ("完成三年任务的95%"), no other metric.
    if actual.is_completion_ratio and not (target.is_completion_ratio or "完成率" in target.metric):
        return 0.0
    # A rate or share is never reported as a count or an amount ("落地率50%" is not "已安排36个项目").
    if (rules.unit_kind(target.normalised_unit) == "rate") != (rules.unit_kind(actual.normalised_unit) == "rate"):
        return 0.0
    same_unit = target.normalised_unit == actual.normalised_unit
    bare = same_unit and only_in_unit and not actual.is_completion_ratio and _is_bare(actual.metric)
    if len(bigrams(actual.counted)) >= rules.NAMED_COUNT_OWN_CLAUSE[0]:
        view = _Views(view.clause, view.clause, view.clause)  # it names its own thing (NAMED_COUNT_OWN_CLAUSE)
    score = max(similarity(target.metric, target_window, view), BARE_ACTUAL_SIMILARITY if bare else 0.0)
    if score < (MIN_SIMILARITY if same_unit else MIN_SIMILARITY_OTHER_UNIT):
        return 0.0
    score += BONUS_SAME_UNIT * same_unit
    score += BONUS_CUMULATIVE * (cumulative and actual.period == "累计")
    score += BONUS_FULL_YEAR * (not actual.is_part_year)
    score += BONUS_SAME_DIRECTION * (target.direction == actual.direction != "level")
    return score


def _assign(
    scores: np.ndarray, targets: tuple[Mention, ...], actuals: tuple[Mention, ...]
) -> dict[int, tuple[int, float]]:
    """target seq -> (actual seq, score): one actual to a target at most, the assignment of highest total."""
    chosen: dict[int, tuple[int, float]] = {}
    if targets and actuals:
        # Imported here: scipy.optimize takes ~0.4 s to import, and a process that only hands the
        # extraction to workers never pairs.
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(scores, maximize=True)
        for t_index, a_index in zip(rows, cols, strict=True):
            if scores[t_index, a_index] > 0:
                chosen[targets[t_index].seq] = (actuals[a_index].seq, float(scores[t_index, a_index]))
    return chosen


def _is_bare(metric: str) -> bool:
    """Whether an actual's metric words name nothing but its being done (BARE_ACTUAL_FORM)."""
    return bool(_BARE.match(metric))


_ASIDE_OPEN = re.compile(rules.OTHER_SCOPE_ASIDE[0])


def _other_scope(
    target: Mention, targets: tuple[Mention, ...], chosen: dict[int, tuple[int, float]], requirement: str
) -> str | None:
    """Why a target no figure reports is another scope's figure: `aside`, it stands in an aside in brackets
    (OTHER_SCOPE_ASIDE); `same_metric`, a reported target has its metric and unit (OTHER_SCOPE_SAME_METRIC). Not
    by value: a template (pipelines.core.extraction.templates) reads equal numbers as different ones."""
    sentence_start = bounds(requirement, target.number_start, rules.SENTENCE_BREAKS)[0]
    if _ASIDE_OPEN.search(requirement, sentence_start, target.number_start):
        return "aside"
    if any(other.seq in chosen and _same_metric(target, other) for other in targets):
        return "same_metric"
    return None


def _same_metric(target: Mention, other: Mention) -> bool:
    """Whether another target of the task counts the same thing in the same unit (OTHER_SCOPE_SAME_METRIC): the
    target's words hold the other's metric words."""
    min_share, min_bigrams, _ = rules.OTHER_SCOPE_SAME_METRIC
    return (
        other.seq != target.seq
        and other.normalised_unit == target.normalised_unit
        and len(_metric_bigrams(other.metric)) >= min_bigrams
        and containment(other.metric, target.metric) >= min_share
    )


def _under_way(clause: str, target_window: str) -> str | None:
    """The word of the actual's clause saying its work is under way or planned, unless the target says it too."""
    found = _NOT_ACHIEVED.search(clause)
    return found.group() if found and found.group() not in target_window else None


def _coverage(metric: str, window: str) -> float:
    """How much of the actual's metric the target's own words cover."""
    if any(q in metric and q not in window for q in rules.SUBSET_QUALIFIERS):
        return 0.0  # the actual counts a part of what the target counts
    words = _COVERAGE_IGNORED.sub(" ", metric)
    return round(containment(words, window), 3) if words.strip() else 1.0


def _parts(
    target: Mention, actuals: tuple[Mention, ...], completion: str, chosen: dict[int, tuple[int, float]]
) -> tuple[int, ...]:
    """The actuals in the target's unit listed after the name of its parts, up to the full stop, that no other
    target took."""
    at = completion.find(target.parts_name) if target.parts_name else -1
    if at < 0:
        return ()
    end = bounds(completion, at, "。")[1]
    others = {seq for t, (seq, _) in chosen.items() if t != target.seq}
    return tuple(
        a.seq
        for a in actuals
        if at < a.span_start < end and a.seq not in others and a.normalised_unit == target.normalised_unit
    )


def stated_by_name(metric: str, completion: str) -> str | None:
    """The clause of the completion with no number that says the target's work was done, naming it
    (STATED_COMPLETE_PHRASES of scope sentence or target, STATED_TARGET_MIN_CONTAINMENT), or None."""
    for clause in _CLAUSE.findall(completion):
        clause = clause.strip()
        if (
            not _DIGITS.search(clause)
            and _STATED_OWN.search(clause)
            and containment(metric, clause) >= rules.STATED_TARGET_MIN_CONTAINMENT
        ):
            return clause
    return None
