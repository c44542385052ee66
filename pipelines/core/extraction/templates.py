"""A text's template: the text with its numbers written in stand-in digits, so that texts that differ
only in their numbers share one template, and one reading.

    "全市新增上云企业3080家,增长12.5%"  ->  "全市新增上云企业၁၁၁၁家,增长၂၂.၃%"

Reports repeat their phrasing with other numbers (a plan's quarterly reports; the same template
across cities and years). Nothing in a reading depends on which digits a number has, only on where
digits stand, except for dates (2020年, 1-11月, 12月31日: years and periods are read by their
digits), which stay as written. Each masked number gets its own stand-in digit, a decimal digit of
another script (so `\\d` still matches, and the text keeps its length and every offset): a word read
from the template ("跨境电商၃၃၃၃业务") is turned back into the text's words by `restore`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

# Decimal digits of other scripts, one per masked number (ASCII and full-width ones excluded:
# staged text maps full-width characters to ASCII). Non-zero, so that a template's value keeps
# its sign ("下降၁%" reads as -1).
STAND_INS = "".join(
    c
    for c in map(chr, range(0x80, 0x20000))
    if unicodedata.category(c) == "Nd" and unicodedata.digit(c) != 0 and not "\uff10" <= c <= "\uff19"
)
_STAND_IN_INDEX = {c: i for i, c in enumerate(STAND_INS)}
STAND_IN_PATTERN = f"[{re.escape(STAND_INS)}]"  # for polars too
# Any digit but 0-9 (a scan for the stand-ins themselves is slow: a class of 576 characters).
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
_STAND_IN_RUN = re.compile(f"{STAND_IN_PATTERN}+")
# A digit run that is not part of a date: not followed by 年, 月 or 日, directly or through a
# month range ("1-11月").
_NUMBER = re.compile(r"\d++(?!\s*(?:[-—~至]\s*\d+\s*)?[年月日])")


def template(text: str) -> tuple[str, tuple[str, ...]]:
    """(template, the masked numbers in order). A text with more numbers than there are stand-ins,
    or with a stand-in digit of its own (a date in another script's digits), is its own template."""
    if _OTHER_DIGIT.search(text):
        return text, ()
    numbers = []

    def mask(match: re.Match) -> str:
        numbers.append(match.group())
        if len(numbers) > len(STAND_INS):
            return match.group()
        return STAND_INS[len(numbers) - 1] * (match.end() - match.start())

    masked = _NUMBER.sub(mask, text)
    if len(numbers) > len(STAND_INS):
        return text, ()
    return masked, tuple(numbers)


def restore(words: str, numbers: tuple[str, ...]) -> str:
    """The template's words with the text's own digits back in place."""
    if not numbers or not _OTHER_DIGIT.search(words):
        return words

    def put_back(match: re.Match) -> str:
        out, run = [], match.group()
        i = 0
        while i < len(run):  # adjacent stand-ins of two numbers ("1"2" once quotes are dropped)
            j = i
            while j < len(run) and run[j] == run[i]:
                j += 1
            out.append(numbers[_STAND_IN_INDEX[run[i]]][: j - i])
            i = j
        return "".join(out)

    return _STAND_IN_RUN.sub(put_back, words)


# What a shape keeps of a text's digits: every run that may stand in a date (2020年, 1-11月, 12月31日),
# whitespace as broadly as Python's `\s` reads it (it holds \x1c-\x1f, Rust's does not).
_DATE_DIGITS = r"[0-9]+[\s\x1c-\x1f]*(?:[-—~至][\s\x1c-\x1f]*[0-9]+[\s\x1c-\x1f]*)?[年月日]"


def shape(column: str) -> pl.Expr:
    """A text's shape, for a whole column at once: its ASCII digits written 0, then the digit runs that may
    be dates as written. Texts of one shape have one template (a date run keeps its digits in both; every
    other run is masked in both), so `template` runs once a shape, not once a text. A text with a digit of
    another script is its own shape, as it is its own template.

        "2020年新增企业3080家"  ->  "0000年新增企业0000家\x002020年"
    """
    text = pl.col(column).fill_null("")
    dates = text.str.extract_all(_DATE_DIGITS).list.join("\x00")
    masked = pl.concat_str(text.str.replace_all("[0-9]", "0"), pl.lit("\x00"), dates)
    return pl.when(text.str.contains(r"[\d--[0-9]]")).then(text).otherwise(masked)


def template_key(requirement_template: str, completion_template: str) -> str:
    """A task's two templates as one key, kept across runs (staging.template_readings)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{requirement_template}\x00{completion_template}".encode())
    return digest.hexdigest()
