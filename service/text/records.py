"""Records: "the deadliest attack in Russia since the 2004 Beslan school siege", "the
strongest quake in 25 years".

Outlets repeat such a claim in their own words, and a fact-checker checks it as one
fact: the superlative and the mark it is measured from. Each record keeps the
superlative's lemma ("deadly") and that mark as written ("the 2004 Beslan school
siege", "25 years").
"""

from __future__ import annotations

from service.models import Record

_REACH = 8  # tokens after the superlative within which its "since ..." still belongs to it
_SPANS = frozenset("year years decade decades century centuries".split())
_NOT_RECORDS = frozenset({"least", "most", "best", "worst"})  # "at least 44"; "best"/"worst" need a scale to mean one


def records(span) -> list[Record]:
    found = []
    tokens = list(span)
    for i, token in enumerate(tokens):
        if token.tag_ != "JJS" or token.lower_ in _NOT_RECORDS:
            continue
        mark = _mark(tokens[i + 1 : i + 1 + _REACH])
        if mark:
            found.append(Record(superlative=token.lemma_.lower(), mark=mark))
    return found


def _mark(after) -> str:
    """ "since <what>" or "in <N years>" after a superlative."""
    for token in after:
        if token.tag_ == "JJS" or token.is_punct and token.text in ".;":
            return ""
        if token.lower_ == "since":
            objects = [c for c in token.children if c.dep_ == "pobj"]
            return " ".join(t.text for t in objects[0].subtree) if objects else ""
        if token.lower_ in ("in", "for"):
            spans = [c for c in token.children if c.dep_ == "pobj" and c.lower_ in _SPANS]
            if spans:
                return " ".join(t.text for t in spans[0].subtree)
    return ""
