"""Match: for each new claim, the nearest claims of other documents.

``CorpusIndex`` keeps a vector index in step with the store: it pulls vectors added
and claims removed since its watermarks, so every process (server workers, the CLI)
sees what the others committed without talking to them.
"""

from __future__ import annotations

import threading

from embeddings.index import ExactIndex
from embeddings.similarity import lexical_similarity
from service.models import Candidate, Claim


class CorpusIndex:
    def __init__(self, settings):
        self.settings = settings
        self._index: ExactIndex | None = None
        self._added = 0
        self._removed = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else 0

    def refresh(self, store) -> None:
        with self._lock:
            batch = store.vectors_since(self._added)
            if batch.ids:
                if self._index is None:
                    self._index = ExactIndex(batch.vectors.shape[1])
                self._index.add(batch.ids, batch.vectors)
            self._added = batch.watermark
            removed, self._removed = store.removed_since(self._removed)
            if removed and self._index is not None:
                self._index.remove(removed)

    def search(self, vectors, k: int) -> list[list[tuple[str, float]]]:
        if self._index is None:
            return [[] for _ in range(len(vectors))]
        return self._index.search(vectors, k)


def find_candidates(claims: list[Claim], vectors, index: CorpusIndex, load_claims, settings) -> list[list[Candidate]]:
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
