"""The words of a claim as written, so conflicts can quote the values they compare.

A conflict's ``a`` and ``b`` are what each source wrote ("resisting calls for an
immediate ceasefire"), not lemmas: a fact-checker reads them next to the article.
"""

from __future__ import annotations

import re

from service.lexicon import NEGATING_VERBS, NEGATORS, same_word

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_MAX_WORDS = 14


def words(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def snippet(text: str, keys: list[str]) -> str:
    """The shortest stretch of ``text`` that holds every key word (matched by stem).

    Keys not found are skipped; with none found the text itself is returned, cut to a
    readable length.
    """
    tokens = words(text)
    found = []
    for key in keys:
        hit = next((t for t in tokens if _matches(t.group(), key)), None)
        if hit is not None:
            found.append(hit)
    if not found:
        return _cut(text, tokens)
    start = min(t.start() for t in found)
    end = max(t.end() for t in found)
    piece = text[start:end]
    if len(piece.split()) > _MAX_WORDS:
        return _cut(text[start:], words(text[start:]))
    return piece


def written_as(text: str, lemma: str, other: str) -> str:
    """How ``text`` writes ``lemma``; for an irregular form ("fell" for "fall") that no
    stem finds, the first word of ``text`` that ``other`` does not have."""
    hit = next((t.group() for t in words(text) if _matches(t.group(), lemma)), None)
    if hit is not None:
        return hit
    theirs = {t.group().lower() for t in words(other)}
    return next((t.group() for t in words(text) if t.group().lower() not in theirs), lemma)


def negated_phrase(text: str, cues: list[str]) -> str:
    """The negation and the few words it governs: "no casualties", "denies firing"."""
    tokens = words(text)
    cues = [c.lower() for c in cues] or list(NEGATORS | NEGATING_VERBS)
    for i, token in enumerate(tokens):
        word = token.group().lower()
        if word.endswith(("n't", "n’t")) or any(word == c or _matches(word, c) for c in cues):
            stop = tokens[min(i + 4, len(tokens) - 1)]
            return text[token.start() : stop.end()]
    return _cut(text, tokens)


def _matches(word: str, key: str) -> bool:
    word = word.lower().strip("'’")
    return same_word(word, key) or (len(key) >= 3 and word.startswith(key[:-1]) and len(word) <= len(key) + 4)


def _cut(text: str, tokens: list[re.Match]) -> str:
    if len(tokens) <= _MAX_WORDS:
        return text.strip()
    return text[: tokens[_MAX_WORDS - 1].end()].strip() + "…"
