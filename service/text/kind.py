"""Claim kind: what sort of statement a claim is, which decides how it can be checked.

- ``quote``: quotes someone's words, or reports what someone said ("X said that").
- ``prediction``: speaks of what is to come ("will meet", "is set to travel").
- ``opinion``: judges or recommends ("should", "must", "is essential").
- ``quantity``: states a figure (a count, an amount, a duration).
- ``event``: states that something happened or is the case.

A direct quotation is a quote whatever it says (what is checked is that it was said);
otherwise the first that fits wins: prediction, opinion, quantity, then a reported
statement is a quote and anything else an event. A forecast with a number is a forecast.
"""

from __future__ import annotations

import re

_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_POSSIBLE_AUX = {"may", "might", "could"}
# "is set to meet", "plans to travel", "is expected to caution"
FUTURE_FRAMES = {"set", "expect", "schedule", "due", "plan", "poise", "likely", "intend", "go", "slate", "aim"}
_OPINION_AUX = {"should", "must", "ought"}
_NEED = {"need", "have"}
_JUDGING = {
    "essential", "crucial", "vital", "necessary", "important", "imperative", "critical",
    "wrong", "right", "unacceptable", "disgraceful", "shameful", "great", "terrible",
    "best", "worst", "good", "bad", "key",
}
_FIRST_PERSON_VIEWS = {"think", "believe", "feel", "hope", "guess", "doubt"}
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


def claim_kind(span, verb, reported: bool, has_quantity: bool) -> str:
    """The kind of claim a parsed span makes; ``verb`` is its main (reported) predicate."""
    if _quotes(span.text):
        return "quote"
    if speaks_of_future(verb):
        return "prediction"
    if _judges(verb):
        return "opinion"
    if has_quantity:
        return "quantity"
    return "quote" if reported else "event"


def speaks_of_future(verb) -> bool:
    """Future tense, possibility, or a plan or schedule frame around the main verb."""
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & (_FUTURE_AUX | _POSSIBLE_AUX):
        return True
    frames = [verb] + [c for c in verb.children if c.dep_ == "acomp"]  # "is likely to"
    return any(_plans_ahead(word) for word in frames)


def _plans_ahead(word) -> bool:
    lemma = word.lemma_.lower()
    if lemma not in FUTURE_FRAMES or (lemma == "go" and word.tag_ != "VBG"):  # "going to", not "went to"
        return False
    return any(c.dep_ == "xcomp" for c in word.children)


def _judges(verb) -> bool:
    auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if auxes & _OPINION_AUX:
        return True
    if verb.lemma_.lower() in _NEED and any(c.dep_ == "xcomp" for c in verb.children) and verb.tag_ != "VBD":
        return True
    if any(c.dep_ == "acomp" and c.lemma_.lower() in _JUDGING for c in verb.children):
        return True
    return verb.lemma_.lower() in _FIRST_PERSON_VIEWS and any(
        c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in verb.children)


def _quotes(text: str) -> bool:
    """A quotation of three words or more: someone's words, not a scare-quoted term."""
    return any(len(q.split()) >= 3 for q in _QUOTED.findall(text))
