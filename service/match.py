"""Match: for each new claim, the nearest claims of other documents, re-scored.

The vector index finds claims that mean something close; the re-score then rewards
what a fact-checker would look for first: shared wording, the same named actors and
places, the same figures. Three settings draw the lines (docs/quality.md):

- ``match_min_similarity``: cosine below which a stored claim is never a candidate;
- ``relate_min_score``: re-scored candidates below this are not related at all;
- ``match_top_k``: how many candidates each new claim keeps, best first.

Within a story the search widens: claims of one incident's articles state the same
fact in words far apart in cosine ("179 dead" and "the aircraft carried 181"), so a
new claim is also compared with the story's claims whatever their cosine, best
re-score first, up to ``story_match_top_k``. Those found only this way are marked
``widened``: the pipeline stores them only when they agree or contradict, so the
wider search adds no crowd of weak ``related`` links.
"""

from __future__ import annotations

import numpy as np

from embeddings.similarity import lexical_similarity
from service.models import Candidate, Claim

# Weights of the re-score, in the order of ``rescore_features``; they sum to 1 so the score
# stays on the cosine's 0..1 scale. Refitting them on ClaimDiff ranks no better
# (docs/quality.md), so they stay as first set.
WEIGHTS = (0.6, 0.2, 0.15, 0.05)


def find_candidates(claims: list[Claim], vectors, index, load_claims, settings,
                    story_pool: tuple[list[Claim], np.ndarray] | None = None) -> list[list[Candidate]]:
    """One list per claim of stored claims worth relating: the top-k best first, then
    the widened candidates of ``story_pool`` (the stored claims of the new claims' story
    and their vectors).

    ``load_claims(ids) -> {id: Claim}`` reads the stored claims the index points at.
    """
    found = _nearest(claims, vectors, index, load_claims, settings)
    if story_pool is not None and story_pool[0]:
        for claim, vector, top in zip(claims, vectors, found):
            top += _within_story(claim, vector, story_pool, {c.claim.id for c in top}, settings)
    return found


def _nearest(claims: list[Claim], vectors, index, load_claims, settings) -> list[list[Candidate]]:
    """The index's nearest claims of other documents, re-scored, cut and best first."""
    if not claims:
        return []
    # Ask for more than top_k: same-document and same-source hits are dropped below.
    hits = index.search(vectors, settings.match_top_k * 3)
    wanted = {cid for row in hits for cid, sim in row if sim >= settings.match_min_similarity}
    stored = load_claims(list(wanted))
    out = []
    for claim, row in zip(claims, hits):
        found = []
        for cid, sim in row:
            other = stored.get(cid)
            if other is None or sim < settings.match_min_similarity or not _may_relate(claim, other, settings):
                continue
            score = rescore(claim, other, sim)
            if score >= settings.relate_min_score:
                found.append(Candidate(claim=other, similarity=sim, score=score))
        found.sort(key=lambda c: -c.score)
        out.append(found[: settings.match_top_k])
    return out


def _within_story(claim: Claim, vector, story_pool, seen: set[str], settings) -> list[Candidate]:
    """The story's claims not found already, best re-score first, at most ``story_match_top_k``."""
    pool_claims, pool_vectors = story_pool
    similarities = pool_vectors @ np.asarray(vector, dtype=np.float32)
    extra = [
        Candidate(claim=other, similarity=float(sim), score=rescore(claim, other, float(sim)), widened=True)
        for other, sim in zip(pool_claims, similarities)
        if other.id not in seen and _may_relate(claim, other, settings)
    ]
    extra.sort(key=lambda c: -c.score)
    return extra[: settings.story_match_top_k]


def rescore(a: Claim, b: Claim, similarity: float) -> float:
    """The pair score that ``relate_min_score`` cuts: the features, weighted by WEIGHTS."""
    return sum(w * f for w, f in zip(WEIGHTS, rescore_features(a, b, similarity)))


def rescore_features(a: Claim, b: Claim, similarity: float) -> tuple[float, float, float, float]:
    """The cosine, then wording, entity and figure overlap (all 0..1): what the re-score blends."""
    return similarity, lexical_similarity(a.text, b.text), entity_overlap(a, b), number_overlap(a, b)


def entity_overlap(a: Claim, b: Claim) -> float:
    """Share of the fewer-named claim's entities that the other names too (by canonical name)."""
    ea, eb = _names(a), _names(b)
    if not ea or not eb:
        return 0.0
    shared = sum(1 for x in ea if any(x == y or x in y or y in x for y in eb))
    return shared / min(len(ea), len(eb))


def number_overlap(a: Claim, b: Claim) -> float:
    """1 when the claims share a figure, 0 otherwise: a shared figure is a strong cue."""
    va = {q.low for q in a.facts.quantities if q.low is not None}
    vb = {q.low for q in b.facts.quantities if q.low is not None}
    return 1.0 if va & vb else 0.0


def _names(claim: Claim) -> set[str]:
    return {(e.canonical or e.text).lower() for e in claim.facts.entities}


def _may_relate(claim: Claim, other: Claim, settings) -> bool:
    if other.document_id == claim.document_id:
        return False
    return settings.allow_same_source or not claim.source or other.source != claim.source
