"""Oppositions of meaning between two claims: affirmed vs denied, antonyms, outcomes,
and whether the opposing claims are attributed to sources that contradict each other.

Like ``slots``, these run only on pairs already judged to be about the same event or
topic; they compare what the claims say happened, not the values they give.
"""

from __future__ import annotations

from service.models import Claim, Conflict
from service.relate.lexicon import (
    DENIAL,
    OUTCOME_FAILURE,
    OUTCOME_SUCCESS,
    OUTCOME_TOPICS,
    antonym_pair,
    same_word,
)
from service.relate.wording import negated_phrase, snippet, words, written_as


def polarity(claim: Claim) -> str:
    """"affirmed" or "negated", counting a denial ("Iran denies firing") as a negation."""
    facts = claim.facts
    denies = any(lemma in DENIAL for lemma in facts.lemmas) and not any(
        cue.lower() in DENIAL or cue.lower().startswith("den") for cue in facts.negation_cues
    )
    negated = facts.polarity == "negated"
    return "negated" if negated != denies else "affirmed"


def negation_conflicts(a: Claim, b: Claim, shared: list[str]) -> list[Conflict]:
    """One claim affirms what the other denies ("no casualties" vs "two were killed")."""
    pa, pb = polarity(a), polarity(b)
    if pa == pb:
        return []
    about = " ".join(shared[:3])
    return [Conflict("negation", _polar_phrase(a, pa, shared), _polar_phrase(b, pb, shared), about)]


def _polar_phrase(claim: Claim, pol: str, shared: list[str]) -> str:
    if pol == "negated":
        cues = claim.facts.negation_cues or [w for w in claim.facts.lemmas if w in DENIAL]
        return negated_phrase(claim.text, cues + [c + "s" for c in cues] + [c + "ies" for c in cues])
    return snippet(claim.text, shared[:3])


def antonym_conflicts(a: Claim, b: Claim, shared: list[str]) -> list[Conflict]:
    """One claim says the opposite word of the other ("rose" vs "fell")."""
    pair = antonym_pair(vocabulary(a), vocabulary(b))
    if pair is None:
        return []
    about = " ".join(w for w in shared[:3] if w not in pair)
    return [Conflict("antonym", written_as(a.text, pair[0], b.text), written_as(b.text, pair[1], a.text), about)]


def vocabulary(claim: Claim) -> set[str]:
    """Lemmas and the words as written: adjectives ("empty", "full") that the facts
    leave out of the lemmas still oppose each other."""
    return set(claim.facts.lemmas) | {w.group().lower() for w in words(claim.text)}


def outcome_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """The same deal reached in one account and resisted, refused or failed in the other."""
    topic = _shared_topic(a, b)
    if topic is None:
        return []
    oa, ob = _outcome(a), _outcome(b)
    if oa is None or ob is None or oa[0] == ob[0]:
        return []
    return [Conflict("outcome", snippet(a.text, [topic, oa[1]]), snippet(b.text, [topic, ob[1]]), topic)]


def _shared_topic(a: Claim, b: Claim) -> str | None:
    for lemma in a.facts.lemmas:
        if lemma in OUTCOME_TOPICS and any(same_word(lemma, other) for other in b.facts.lemmas):
            return lemma
    return None


def _outcome(claim: Claim) -> tuple[str, str] | None:
    """("success" | "failure", the verb), flipped by a negation: "no deal was reached" failed."""
    lemmas = claim.facts.lemmas
    success = next((w for w in lemmas if w in OUTCOME_SUCCESS), None)
    failure = next((w for w in lemmas if w in OUTCOME_FAILURE), None)
    if (success is None) == (failure is None):
        return None
    kind, verb = ("success", success) if success else ("failure", failure)
    if polarity(claim) == "negated":
        kind = "failure" if kind == "success" else "success"
    return kind, verb


def attribution_conflict(a: Claim, b: Claim) -> Conflict | None:
    """When both opposed claims are attributed to different sources, say so: the
    disagreement is between what they say, which a fact-checker reports differently
    from a disagreement about what happened."""
    sa, sb = a.facts.attribution, b.facts.attribution
    if not sa or not sb or same_word(sa.split()[-1], sb.split()[-1]):
        return None
    return Conflict("attribution", _says(a), _says(b), "attributed claims")


def _says(claim: Claim) -> str:
    """"Israel says", "Iran's army denies": the source and its reporting verb as written."""
    source = claim.facts.attribution or ""
    at = claim.text.find(source)
    if at < 0:
        return source
    rest = claim.text[at + len(source) :].split()
    return f"{source} {rest[0]}".strip(" ,") if rest else source
