"""Match: for each new claim, the nearest claims of other documents, re-scored."""

from __future__ import annotations

from embeddings.similarity import lexical_similarity
from service.models import Candidate, Claim


def find_candidates(claims: list[Claim], vectors, index, load_claims, settings) -> list[list[Candidate]]:
    """One list per claim of stored claims worth relating, best first.

    ``load_claims(ids) -> {id: Claim}`` reads the stored claims the index points at.
    """
    if not claims or not len(index):
        return [[] for _ in claims]
    hits = index.search(vectors, settings.match_top_k * 3)
    wanted = {cid for row in hits for cid, sim in row if sim >= settings.match_min_similarity}
    stored = load_claims(list(wanted))
    out = []
    for claim, row in zip(claims, hits):
        found = []
        for cid, sim in row:
            other = stored.get(cid)
            if other is None or sim < settings.match_min_similarity or other.document_id == claim.document_id:
                continue
            if not settings.allow_same_source and claim.source and other.source == claim.source:
                continue
            score = 0.7 * sim + 0.3 * lexical_similarity(claim.text, other.text)
            if score >= settings.relate_min_score:
                found.append(Candidate(claim=other, similarity=sim, score=score))
        found.sort(key=lambda c: -c.score)
        out.append(found[: settings.match_top_k])
    return out
