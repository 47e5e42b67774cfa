"""Hybrid search: claims ranked by meaning (vectors) and wording (BM25), fused."""

from __future__ import annotations

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)


def hybrid_search(query: str, query_vector, index, store, limit: int) -> list[tuple[str, float]]:
    """``(claim_id, score)`` best first: reciprocal rank fusion of both rankings."""
    depth = max(limit * 4, 50)
    by_meaning = [cid for cid, _ in index.search(query_vector.reshape(1, -1), depth)[0]]
    by_wording = [cid for cid, _ in store.lexical_search(query, depth)]
    fused: dict[str, float] = {}
    for ranking in (by_meaning, by_wording):
        for rank, cid in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])[:limit]
