"""Polarity: whether a claim affirms or denies what it states.

"No Israeli deaths reported" and "Israel denied striking the hospital" state their
facts in the negative; a claim that affirms the same facts contradicts them. Only
negations that govern the claim's main assertion count: "while no talks are planned,
hopes rose" affirms that hopes rose.
"""

from __future__ import annotations

from service.lexicon import (
    DENY_ONLY_SPEECH,
    LIGHT_VERBS,
    NEGATE_ONLY_COMPLEMENT,
    NEGATING_PHRASAL_VERBS,
    NEGATING_VERBS,
    NEGATORS,
    PRONOUNS,
    SPEECH_NOUNS,
)
# Links that keep a clause part of the main assertion; any other (advcl, relcl, acl,
# csubj, a deeper ccomp) embeds it in a condition, a purpose, a description.
_JOINING_DEPS = {"conj", "xcomp", "prep", "pcomp", "parataxis"}


def polarity(span) -> tuple[str, list[str], list[str]]:
    """("negated" | "affirmed", the cue words as written, lower-cased, and the lemmas of
    what they negate: "no deaths" -> "death", "denied striking" -> "strike")."""
    found = [tok for tok in span if _is_cue(tok) and _in_main_assertion(tok, span)]
    negated = [lemma for tok in found if (lemma := _negated(tok))]
    return ("negated" if found else "affirmed"), [tok.lower_ for tok in found], negated


def _negated(cue) -> str:
    """What a cue denies: the verb or noun it hangs on, or what a denying verb governs
    ("refused to release", "dismissed reports that it struck")."""
    if cue.pos_ != "VERB":
        head = cue.head
        if head.lemma_.lower() in PRONOUNS:  # "no one is cutting", "there is no one cutting": the cutting
            act = next((c for c in head.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None)
            head = act if act is not None else head.head
        if head.lemma_.lower() in NEGATING_VERBS or head == cue:
            return ""
        if head.lemma_.lower() in LIGHT_VERBS:  # "is not doing exercises": what is not done
            done = next((c for c in head.children if c.dep_ in ("dobj", "attr", "acomp")), None)
            return done.lemma_.lower() if done is not None else ""
        return head.lemma_.lower()
    for child in cue.children:
        if child.dep_ in ("xcomp", "ccomp", "pcomp", "advcl"):
            return child.lemma_.lower()
        if child.dep_ == "dobj":
            clause = next((c for c in child.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None)
            if clause is not None and child.lemma_.lower() in SPEECH_NOUNS:
                return clause.lemma_.lower()
            return child.lemma_.lower()
        if child.dep_ == "prep":
            target = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if target is not None:
                return target.lemma_.lower()
    return ""


def _is_cue(tok) -> bool:
    if tok.lower_ == "no" and tok.i + 1 < len(tok.doc) and (tok.nbor(1).text[:1].isdigit() or tok.nbor(1).text == "."):
        return False  # "Highway No. 8": a number, not a negation
    if tok.lower_ in NEGATORS:
        # "not only ... but also" adds rather than denies
        return not (tok.lower_ == "not" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "only")
    if tok.pos_ != "VERB":
        return False
    lemma = tok.lemma_.lower()
    if lemma in DENY_ONLY_SPEECH:
        return any(c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and c.lemma_.lower() in SPEECH_NOUNS)
                   for c in tok.children)
    if lemma in NEGATE_ONLY_COMPLEMENT:
        return any(c.dep_ in ("xcomp", "dobj") for c in tok.children)
    return lemma in NEGATING_VERBS or any(
        (lemma, c.lower_) in NEGATING_PHRASAL_VERBS for c in tok.children if c.dep_ == "prt"
    )


def _contrasts(conjunct) -> bool:
    """Joined by "but" or "yet": the second clause is an assertion of its own."""
    return any(c.dep_ == "cc" and c.lower_ in ("but", "yet") and c.i < conjunct.i for c in conjunct.head.children)


def _has_subject(verb) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


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
        elif clause.dep_ == "conj" and clause.pos_ in ("VERB", "AUX") and (_has_subject(clause) or _contrasts(clause)):
            return False  # "78 bodies were recovered, but [they] have not located more": a clause of its own
        elif clause.dep_ not in _JOINING_DEPS:
            return False
        clause = head
    return True
