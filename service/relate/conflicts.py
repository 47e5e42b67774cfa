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
    OUTCOME_SOUGHT,
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
        return negated_phrase(claim.text, cues)
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
    """The same deal reached in one account and refused, failed or only sought in the other."""
    topic = _shared_topic(a, b)
    if topic is None:
        return []
    oa, ob = _outcome(a, topic), _outcome(b, topic)
    if oa is None or ob is None or oa[0] == ob[0]:
        return []
    return [Conflict("outcome", snippet(a.text, [topic, oa[1]]), snippet(b.text, [topic, ob[1]]), topic)]


def _shared_topic(a: Claim, b: Claim) -> str | None:
    for lemma in a.facts.lemmas:
        if lemma in OUTCOME_TOPICS and any(same_word(lemma, other) for other in b.facts.lemmas):
            return lemma
    return None


# Outcome words by precedence: a refusal governs a call, a call governs a success.
_OUTCOME_RANK = ((OUTCOME_FAILURE, "not reached", 2), (OUTCOME_SOUGHT, "not reached", 1), (OUTCOME_SUCCESS, "reached", 0))
_GOVERNS = 8  # words back from an outcome word that a refusal or a call still governs


def _outcome(claim: Claim, topic: str) -> tuple[str, str] | None:
    """("reached" | "not reached", the word that says so) for the ``topic``.

    The outcome word nearest the topic speaks for it, unless a refusal or a call just
    before it governs it: "resisting calls for a ceasefire" is refused, "pressure on the
    parties to agree to a ceasefire" only sought, while "mediation efforts intensified |
    a ceasefire agreement was reached" is reached. A negation flips a success.
    """
    tokens = [t.group().lower() for t in words(claim.text)]
    marked = [(i, *r) for i, t in enumerate(tokens) if (r := _rank(t)) is not None]
    at = [i for i, t in enumerate(tokens) if same_word(t, topic)]
    if not marked or not at:
        return None
    nearest = min(marked, key=lambda m: min(abs(m[0] - i) for i in at))
    governing = [m for m in marked if nearest[0] - _GOVERNS <= m[0] < nearest[0] and m[2] > nearest[2]]
    index, kind, _ = max(governing, key=lambda m: m[2]) if governing else nearest
    if kind == "reached" and polarity(claim) == "negated":
        kind = "not reached"
    return kind, tokens[index]


def _rank(token: str) -> tuple[str, int] | None:
    for lexicon, kind, rank in _OUTCOME_RANK:
        if any(same_word(token, w) for w in lexicon):
            return kind, rank
    return None


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
