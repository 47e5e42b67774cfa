"""Classify a pair of claims from their facts."""

from __future__ import annotations

from service.models import Claim, Conflict, Verdict


def classify(a: Claim, b: Claim, similarity: float) -> Verdict:
    conflicts = []
    if a.facts.polarity != b.facts.polarity:
        neg, pos = (a, b) if a.facts.polarity == "negated" else (b, a)
        conflicts.append(Conflict(type="negation", a=a.text, b=b.text, about=" ".join(neg.facts.negation_cues)))
    if conflicts and similarity >= 0.6:
        return Verdict(
            kind="contradiction",
            confidence=similarity,
            conflicts=conflicts,
            explanation=f"One account affirms what the other denies ({conflicts[0].about}).",
        )
    if similarity >= 0.8:
        return Verdict(kind="agreement", confidence=similarity, explanation="Both state the same fact in other words.")
    return Verdict(kind="related", confidence=similarity, explanation="Both are about the same topic.")
