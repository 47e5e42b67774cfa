"""Facts: what each segment asserts, in comparable form, and what kind of claim it is."""

from __future__ import annotations

from service.models import Claim, Entity, Facts, QuantityInterval, Segment

_NEGATIONS = {"no", "not", "never", "n't", "none", "neither", "nor", "without"}


def extract_claims(segments: list[Segment], nlp, published_at: str | None = None) -> list[Claim]:
    claims = []
    for seg, doc in zip(segments, nlp.pipe(s.text for s in segments)):
        facts = Facts(
            entities=[Entity(text=e.text, label=e.label_, canonical=e.text) for e in doc.ents],
            quantities=[
                QuantityInterval(low=float(t.text.replace(",", "")), high=float(t.text.replace(",", "")), text=t.text)
                for t in doc
                if t.like_num and t.text.replace(",", "").replace(".", "", 1).isdigit()
            ],
            negation_cues=[t.lower_ for t in doc if t.lower_ in _NEGATIONS],
            lemmas=[t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop],
        )
        facts.polarity = "negated" if facts.negation_cues else "affirmed"
        claims.append(Claim(text=seg.text, span=(seg.start, seg.end), facts=facts, context=seg.context))
    return claims
