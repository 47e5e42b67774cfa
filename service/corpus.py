"""The corpus's vector index, kept in step with the store.

``CorpusIndex`` pulls the vectors added and the claims removed since its watermarks,
so every process (server threads, workers, the CLI) sees what the others committed
without talking to them.
"""

from __future__ import annotations

import threading

from embeddings.index import ExactIndex


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
