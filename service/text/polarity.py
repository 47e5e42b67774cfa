"""Polarity: whether a claim affirms or denies what it states.

"No Israeli deaths reported" and "Israel denied striking the hospital" state their
facts in the negative; a claim that affirms the same facts contradicts them. Only
negations that govern the claim's main assertion count: "while no talks are planned,
hopes rose" affirms that hopes rose.
"""

from __future__ import annotations

from service.lexicon import NEGATING_PHRASAL_VERBS, NEGATING_VERBS, NEGATORS
# Links that keep a clause part of the main assertion; any other (advcl, relcl, acl,
# csubj, a deeper ccomp) embeds it in a condition, a purpose, a description.
_JOINING_DEPS = {"conj", "xcomp", "prep", "pcomp", "parataxis"}


def polarity(span) -> tuple[str, list[str]]:
    """("negated" | "affirmed", the cue words as written, lower-cased)."""
    cues = [tok.lower_ for tok in span if _is_cue(tok) and _in_main_assertion(tok, span)]
    return ("negated" if cues else "affirmed"), cues


def _is_cue(tok) -> bool:
    if tok.lower_ in NEGATORS:
        # "not only ... but also" adds rather than denies
        return not (tok.lower_ == "not" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "only")
    if tok.pos_ != "VERB":
        return False
    lemma = tok.lemma_.lower()
    return lemma in NEGATING_VERBS or any(
        (lemma, c.lower_) in NEGATING_PHRASAL_VERBS for c in tok.children if c.dep_ == "prt"
    )


def _in_main_assertion(tok, span) -> bool:
    """True when the cue's clause is the claim's main clause, its reported content, or
    joined to them (conjuncts, "refused to meet", "with X resisting calls"); False in
    relative, adverbial, purpose and other embedded clauses."""
    clause = tok
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i and clause.head.i >= span.start:
        clause = clause.head
    while clause.head.i != clause.i and clause.head.i >= span.start:
        head = clause.head
        if clause.dep_ == "ccomp":
            if not (head.head.i == head.i or head.head.i < span.start or head.dep_ == "conj"):
                return False
        elif clause.dep_ not in _JOINING_DEPS:
            return False
        clause = head
    return True
