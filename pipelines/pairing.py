"""Pair each target with the actual in the same task that reports the same metric, or with none.

A candidate actual must be in a comparable unit and not be a completion ratio ("完成率124%").
Among candidates, the one whose clause shares most of the target's metric words wins (character
bigrams, since Chinese does not space its words); ties go to the actual whose place in the
completion text matches the target's place in the requirement. Each actual serves one target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines import rules as R
from pipelines.extraction import Mention

# The share of the target metric's bigrams that must appear around the actual.
MIN_SIMILARITY = 0.2
# Change and framing words carry no meaning of their own for matching metrics.
_NOISE = re.compile("|".join(sorted(map(re.escape, R.INCREASE_WORDS + R.DECREASE_WORDS + R.LIST_VERBS), key=len, reverse=True)))


@dataclass(frozen=True)
class Pair:
    target_seq: int
    actual_seq: int | None
    similarity: float


def bigrams(text: str) -> set[str]:
    text = _NOISE.sub(" ", text)
    return {text[i : i + 2] for i in range(len(text) - 1) if " " not in text[i : i + 2]}


def similarity(metric: str, context: str) -> float:
    wanted = bigrams(metric)
    return len(wanted & bigrams(context)) / len(wanted) if wanted else 0.0


def comparable(target: Mention, actual: Mention) -> bool:
    if actual.is_completion_ratio and "完成率" not in target.metric:
        return False
    return target.normalised_unit == actual.normalised_unit


def actual_context(completion: str, actual: Mention) -> str:
    """The actual's own words: its span widened to the clause it stands in."""
    start = max((completion.rfind(c, 0, actual.span_start) for c in R.CLAUSE_BREAKS), default=-1) + 1
    return completion[start : actual.span_end]


def pair_targets(targets: tuple[Mention, ...], actuals: tuple[Mention, ...], completion: str) -> list[Pair]:
    scored = []
    for t_index, target in enumerate(targets):
        for a_index, actual in enumerate(actuals):
            if not comparable(target, actual):
                continue
            score = similarity(target.metric, actual_context(completion, actual))
            if score >= MIN_SIMILARITY:
                order_gap = abs(t_index / max(len(targets), 1) - a_index / max(len(actuals), 1))
                scored.append((score, -order_gap, target.seq, actual.seq))
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
