"""Vector indexes: nearest neighbours of unit vectors by cosine (inner product).

``ExactIndex`` scans a contiguous float32 matrix: exact, and fast enough while the
corpus is small. Every index keys vectors by string ids so callers never see rows.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np


class ExactIndex:
    """Brute-force inner product over all vectors; removals compact lazily."""

    def __init__(self, dimension: int):
        self.dimension = dimension
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, id_: str) -> bool:
        return id_ in self._row

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dimension)
        with self._lock:
            fresh = [i for i, id_ in enumerate(ids) if id_ not in self._row]
            if not fresh:
                return
            start = len(self._ids)
            self._vectors = np.vstack([self._vectors, vectors[fresh]])
            for offset, i in enumerate(fresh):
                self._ids.append(ids[i])
                self._row[ids[i]] = start + offset

    def remove(self, ids: Sequence[str]) -> None:
        with self._lock:
            gone = {self._row.pop(id_) for id_ in ids if id_ in self._row}
            if not gone:
                return
            keep = [r for r in range(len(self._ids)) if r not in gone]
            self._vectors = self._vectors[keep]
            self._ids = [self._ids[r] for r in keep]
            self._row = {id_: r for r, id_ in enumerate(self._ids)}

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to ``k`` ``(id, cosine)`` pairs, best first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        with self._lock:
            vectors, ids = self._vectors, self._ids
        if not ids or k <= 0:
            return [[] for _ in range(len(queries))]
        scores = queries @ vectors.T
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        results = []
        for row, cols in zip(scores, top):
            cols = cols[np.argsort(-row[cols])]
            results.append([(ids[c], float(row[c])) for c in cols])
        return results
