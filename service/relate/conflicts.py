"""Oppositions of meaning between two claims: affirmed vs denied, antonyms, outcomes,
and whether the opposing claims are attributed to sources that contradict each other.

Like ``slots``, these run only on pairs already judged to be about the same event or
topic; they compare what the facts stage recorded of each claim (its final polarity,
its lemmas, the outcomes it gives), and quote the text only to show the reader.
"""

from __future__ import annotations

from service.lexicon import antonym_pair, same_word
from service.models import Claim, Conflict
from service.relate.wording import negated_phrase, snippet, written_as


def negation_conflicts(a: Claim, b: Claim, shared: list[str]) -> list[Conflict]:
    """One claim affirms what the other denies ("no casualties" vs "two were killed")."""
    pa, pb = a.facts.polarity, b.facts.polarity
    if pa == pb:
        return []
    negated, other = (a, b) if pa == "negated" else (b, a)
    if negated.facts.negated and not any(same_word(n, w) for n in negated.facts.negated for w in other.facts.lemmas):
        return []  # "made no reference to claims" denies a reference, not what the other claims
    about = " ".join(shared[:3])
    return [Conflict("negation", _polar_phrase(a, shared), _polar_phrase(b, shared), about)]


def _polar_phrase(claim: Claim, shared: list[str]) -> str:
    """The words that deny ("dismissed reports that it struck") or what is affirmed."""
    if claim.facts.polarity == "negated":
        return negated_phrase(claim.text, claim.facts.negation_cues)
    return snippet(claim.text, shared[:3])


def antonym_conflicts(a: Claim, b: Claim, shared: list[str]) -> list[Conflict]:
    """One claim says the opposite word of the other ("rose" vs "fell")."""
    pair = antonym_pair(set(a.facts.lemmas), set(b.facts.lemmas))
    if pair is None:
        return []
    about = " ".join(w for w in shared[:3] if w not in pair)
    return [Conflict("antonym", written_as(a.text, pair[0], b.text), written_as(b.text, pair[1], a.text), about)]


def outcome_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """The same deal reached in one account and refused, failed or only sought in the other."""
    for x in a.facts.outcomes:
        for y in b.facts.outcomes:
            if same_word(x.topic, y.topic) and x.state != y.state:
                return [Conflict("outcome", snippet(a.text, [x.topic, x.word]), snippet(b.text, [y.topic, y.word]),
                                 x.topic)]
    return []


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
