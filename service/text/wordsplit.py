"""Words glued together by a lost space ("Iranand", "backfrom", "aprecarious"), split again.

A split is made only where the dictionary (wordfreq's English frequencies) is sure:
the glued form is not an English word at all, one half is a function word
("and", "from", "a", "to"...) and the other half a common word. Requiring a function
word is what keeps names and rare words whole: "Sinwar" could be "Sin" + "war" and
"counterstrikes" "counter" + "strikes", but neither half is a function word, so
neither is touched. A capitalised token is only split as name + a function word of
three letters or more ("Iranand"), never the other way round ("Theodora" stays),
since names ending in "a" or "at" are common ("Nikia", "Badat").
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

# Short words that glue onto their neighbours when a space is lost.
FUNCTION_WORDS = frozenset(
    "a an the and or but nor of to in on at by for from with as that than this these those "
    "into onto upon is was are were be been has have had it its not no".split()
)
UNKNOWN_BELOW = 1.0  # zipf frequency under which a token is not an English word
KNOWN_FROM = 3.0  # zipf frequency from which the content half counts as a common word
_MIN_CONTENT_LETTERS = 3
_MIN_NAME_TAIL_LETTERS = 3

_GLUED_CANDIDATE = re.compile(r"(?<![\w'’-])[A-Za-z]{4,}(?![\w'’-])")


def repair_glued_words(text: str) -> str:
    """``text`` with each glued pair of words split by a space."""
    return _GLUED_CANDIDATE.sub(lambda m: split_glued(m.group(0)), text)


@lru_cache(maxsize=65536)
def split_glued(word: str) -> str:
    """``word``, or its two halves joined by a space when it is two glued words."""
    lower = word.lower()
    if zipf_frequency(lower, "en") >= UNKNOWN_BELOW:
        return word
    capitalised = word[0].isupper()
    if capitalised and not word[1:].islower():
        return word  # acronyms and CamelCase names are not glued prose
    best = None
    for cut in range(1, len(word)):
        left, right = lower[:cut], lower[cut:]
        if capitalised and (left in FUNCTION_WORDS or len(right) < _MIN_NAME_TAIL_LETTERS):
            continue  # names end in "a" or "at" often enough ("Nikia", "Badat")
        score = _split_score(left, right)
        if score and (best is None or score > best[0]):
            best = (score, cut)
    if best is None:
        return word
    return f"{word[:best[1]]} {word[best[1]:]}"


def _split_score(left: str, right: str) -> float:
    """How sure the split is (the content half's frequency), or 0 when it is not a split."""
    if left in FUNCTION_WORDS and right not in FUNCTION_WORDS:
        content = right
    elif right in FUNCTION_WORDS and left not in FUNCTION_WORDS:
        content = left
    else:
        return 0.0
    if len(content) < _MIN_CONTENT_LETTERS:
        return 0.0
    frequency = zipf_frequency(content, "en")
    return frequency if frequency >= KNOWN_FROM else 0.0
