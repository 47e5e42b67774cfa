"""Scope: what stretch of time and ground a claim's figures cover.

A toll for one day and a running total, or a figure for one country and one for "the
region", are different measures: told apart here, they are never set against each
other as a contradiction.
"""

from __future__ import annotations

from service.lexicon import CUMULATIVE_SCOPE, CUMULATIVE_SCOPE_PHRASES, REGION_WORDS, SINGLE_SCOPE, SINGLE_SCOPE_PHRASES


def time_scope(span) -> str | None:
    """"cumulative" for a running total, "single" for one day's figure, else None."""
    text = f" {span.text.lower()} "
    words = {t.lemma_.lower() for t in span} | {t.lower_ for t in span}
    if words & CUMULATIVE_SCOPE or any(f" {p} " in text for p in CUMULATIVE_SCOPE_PHRASES) or _since_a_time(span):
        return "cumulative"
    if words & SINGLE_SCOPE or any(f" {p} " in text for p in SINGLE_SCOPE_PHRASES):
        return "single"
    return None


def speaks_of_region(span) -> bool:
    """Does the claim speak of a region ("across the Middle East") rather than a country?"""
    text = f" {span.text.lower()} "
    return any(f" {w} " in text for w in REGION_WORDS)


def _since_a_time(span) -> bool:
    """"killed since October 7": a count from a point in time on is a running total;
    "the biggest quake since 1999" compares, and counts nothing from then."""
    for tok in span:
        if tok.lower_ == "since" and tok.head.pos_ == "VERB":
            if any(t.ent_type_ in ("DATE", "TIME") or t.dep_ in ("pcomp", "advcl") for t in tok.subtree if t != tok):
                return True
    return False
