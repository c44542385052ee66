"""Pair each target with the actual in the same task that reports the same metric, or with none.

Each (target, actual) gets a similarity: the share of the target metric's character bigrams
(Chinese does not space its words) found around the actual, in its own clause first, then
with the clause before it, then in its sentence, each wider view counting for less. A comparable
unit, a shared cumulative reading (累计) and a full-year actual add small bonuses. The best pairs
are taken greedily, each actual serving one target; ties go to the actual whose place in the
completion text matches the target's place in the requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines import rules as R
from pipelines.extraction import Mention

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
# A different unit must be matched on much stronger words (人 vs 人次 pairs, then shows as unknown).
MIN_SIMILARITY_OTHER_UNIT = 0.6


@dataclass(frozen=True)
class Pair:
    target_seq: int
    actual_seq: int | None
    similarity: float


def bigrams(text: str) -> set[str]:
    text = text.translate(str.maketrans("", "", R.METRIC_DROP_CHARS))
    return {text[i : i + 2] for i in range(len(text) - 1)}


def containment(words: str, context: str) -> float:
    """Share of the words' bigrams that appear in the context."""
    wanted = bigrams(words)
    return len(wanted & bigrams(context)) / len(wanted) if wanted else 0.0


def _clause_start(text: str, pos: int) -> int:
    return max((text.rfind(c, 0, pos) for c in R.CLAUSE_BREAKS), default=-1) + 1


def _clause_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(c, pos) for c in R.CLAUSE_BREAKS) if i != -1]
    return min(ends, default=len(text))


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max((text.rfind(c, 0, pos) for c in R.SENTENCE_BREAKS), default=-1) + 1
    ends = [i for i in (text.find(c, pos) for c in R.SENTENCE_BREAKS) if i != -1]
    return start, min(ends, default=len(text))


@dataclass(frozen=True)
class _Views:
    clause: str
    with_previous: str
    sentence: str


def _views(text: str, mention: Mention) -> _Views:
    start, end = _clause_start(text, mention.span_start), _clause_end(text, mention.span_end)
    sentence_start, sentence_end = _sentence_bounds(text, mention.span_start)
    previous = max(_clause_start(text, max(start - 1, 0)), sentence_start)
    # The whole sentence, the same for every number in it: no number gains by standing later.
    return _Views(text[start:end], text[previous:end], text[sentence_start:sentence_end])


def similarity(target: Mention, target_window: str, actual: _Views) -> float:
    """The best of the weighted views, plus a little of the actual's own clause, so that among
    numbers that share a sentence, the one whose clause names the metric wins."""
    best = own = 0.0
    for words, weight in ((target.metric, 1.0), (target_window, WEIGHT_TARGET_WINDOW)):
        clause = containment(words, actual.clause)
        own = max(own, weight * clause)
        best = max(
            best,
            weight * WEIGHT_CLAUSE * clause,
            weight * WEIGHT_WITH_PREVIOUS * containment(words, actual.with_previous),
            weight * WEIGHT_SENTENCE * containment(words, actual.sentence),
        )
    return best + WEIGHT_OWN_CLAUSE * own


def pair_targets(
    targets: tuple[Mention, ...], actuals: tuple[Mention, ...], requirement: str, completion: str
) -> list[Pair]:
    views = {a.seq: _views(completion, a) for a in actuals}
    scored = []
    for t_index, target in enumerate(targets):
        target_window = _views(requirement, target).with_previous
        cumulative = any(m in target_window for m in R.LEVEL_MARKERS)
        for a_index, actual in enumerate(actuals):
            if actual.is_completion_ratio and "完成率" not in target.metric:
                continue
            score = similarity(target, target_window, views[actual.seq])
            same_unit = target.normalised_unit == actual.normalised_unit
            if score < (MIN_SIMILARITY if same_unit else MIN_SIMILARITY_OTHER_UNIT):
                continue
            score += BONUS_SAME_UNIT * same_unit
            score += BONUS_CUMULATIVE * (cumulative and actual.period == "累计")
            score += BONUS_FULL_YEAR * (not actual.is_part_year)
            order_gap = abs(t_index / max(len(targets), 1) - a_index / max(len(actuals), 1))
            scored.append((round(score, 6), -order_gap, target.seq, actual.seq))
    chosen: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, _, t_seq, a_seq in sorted(scored, reverse=True):
        if t_seq not in chosen and a_seq not in used:
            chosen[t_seq] = (a_seq, score)
            used.add(a_seq)
    return [
        Pair(t.seq, chosen[t.seq][0], round(chosen[t.seq][1], 3)) if t.seq in chosen else Pair(t.seq, None, 0.0)
        for t in targets
    ]
