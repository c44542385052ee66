"""The achievement report's reading rules: what a ratio means in words."""

from __future__ import annotations

import pytest

from pipelines.core.report.html import ratio_in_words


@pytest.mark.parametrize(
    ("ratio", "direction", "comparator", "words"),
    [
        (0.642, "increase", "approx", "reached 64% of the target"),
        (-1.48, "increase", "gte", "fell instead of rising"),
        (-0.5, "decrease", "eq", "rose instead of falling"),
        (1.25, "level", "lte", "125% of the ceiling, 25% over it"),
        (None, "level", "eq", ""),
    ],
)
def test_an_achievement_ratio_in_words(ratio, direction, comparator, words):
    assert ratio_in_words(ratio, direction, comparator) == words
