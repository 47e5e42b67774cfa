"""Tidy one line of prose: spacing, stray brackets, and passages said twice in a row.

Each function takes and returns a single line (no newlines inside), so clean() can
run them line by line after the markup has been turned into line structure.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])(?=\s|$)")
# A lost space after a sentence end or comma: "grievances.The", "so,the". The period
# needs two lowercase letters before it and a word after, so "U.S." and "e.g." stay.
_GLUED_SENTENCE = re.compile(r"(?<=[a-z]{2})([.!?])(?=[A-Z][a-z])")
_GLUED_COMMA = re.compile(r"(?<=[a-z]),(?=[A-Za-z])")
_DOT_RUN = re.compile(r"\.{4,}")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
# A passage of 10 to 120 characters said again right after itself, any number of times.
_REPEATED_PASSAGE = re.compile(r"(?<!\w)(\w.{9,119}?)(?:\s*\1(?!\w))+")
_BRACKETS = {")": "(", "]": "["}


def normalize_characters(text: str) -> str:
    """NFC, ``\n`` line breaks, no invisible characters, every run of spaces one space."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def tidy_line(line: str) -> str:
    """One line with its spacing, brackets and immediate repetitions put right."""
    line = collapse_repeats(line)
    line = _DOT_RUN.sub(".", line)
    line = drop_unbalanced_brackets(line)
    line = _EMPTY_BRACKETS.sub("", line)
    line = _GLUED_SENTENCE.sub(r"\1 ", line)
    line = _GLUED_COMMA.sub(", ", line)
    line = _SPACE_BEFORE_PUNCT.sub(r"\1", line)
    return _SPACES.sub(" ", line).strip()


def collapse_repeats(line: str) -> str:
    """A passage repeated back to back ("delivery delivery delivery") said once."""
    return _REPEATED_PASSAGE.sub(r"\1", line)


def drop_unbalanced_brackets(line: str) -> str:
    """Brackets without a partner are markup debris; drop them, keep the words."""
    unmatched, stack = set(), []
    for i, ch in enumerate(line):
        if ch in "([":
            stack.append(i)
        elif ch in _BRACKETS:
            if stack and line[stack[-1]] == _BRACKETS[ch]:
                stack.pop()
            else:
                unmatched.add(i)
    unmatched.update(stack)
    if not unmatched:
        return line
    return "".join(ch for i, ch in enumerate(line) if i not in unmatched)
