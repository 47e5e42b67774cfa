"""Vector indexes: nearest neighbours of unit vectors by cosine (inner product).

Two implementations share one small interface (``VectorIndex``): ``ExactIndex``
scans a float32 matrix, exact and fast enough while the corpus is small;
``embeddings.ann.ApproximateIndex`` walks an HNSW graph once a full scan costs too
much. Both key vectors by string ids, so callers never see rows or integer keys.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits


def one_blas_thread() -> None:
    """Run numpy's BLAS on one thread in this process, from now on.

    The products here are small (a few claims against thousands of vectors, a story's
    centroid): a second BLAS thread saves little, and where torch and other processes
    want the same cores each product waits for it. On the 2-core box, loaded, an exact
    search of 8 claims in 3,000 vectors took 13 to 16 ms on two threads, 3 to 3.5 ms on
    one, and a batched ingest's match, story and store stages together half the time
    (docs/performance.md).
    """
    threadpool_limits(limits=1, user_api="blas")


class VectorIndex(Protocol):
    dimension: int

    def __len__(self) -> int: ...
    def __contains__(self, id_: str) -> bool: ...
    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...
    def remove(self, ids: Sequence[str]) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]: ...


class ExactIndex:
    """Brute-force inner product over all vectors.

    Rows live in a buffer that grows by doubling, so adding one article's claims
    does not copy the whole matrix; a removal compacts it at once (removals are rare).
    """

    def __init__(self, dimension: int):
        self.dimension = dimension
        self._buffer = np.zeros((0, dimension), dtype=np.float32)
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
            start, end = len(self._ids), len(self._ids) + len(fresh)
            if end > len(self._buffer):
                grown = np.zeros((max(end, 2 * len(self._buffer), 1024), self.dimension), dtype=np.float32)
                grown[:start] = self._buffer[:start]
                self._buffer = grown
            self._buffer[start:end] = vectors[fresh]
            for row, i in enumerate(fresh, start):
                self._ids.append(ids[i])
                self._row[ids[i]] = row

    def remove(self, ids: Sequence[str]) -> None:
        with self._lock:
            gone = {self._row.pop(id_) for id_ in ids if id_ in self._row}
            if not gone:
                return
            keep = [r for r in range(len(self._ids)) if r not in gone]
            self._buffer = self._buffer[keep]
            self._ids = [self._ids[r] for r in keep]
            self._row = {id_: r for r, id_ in enumerate(self._ids)}

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to ``k`` ``(id, cosine)`` pairs, best first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        with self._lock:
            vectors, ids = self._buffer[: len(self._ids)], self._ids
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

    def chunks(self, size: int = 50_000) -> Iterator[tuple[list[str], np.ndarray]]:
        """Everything held, ``size`` rows at a time: for moving into another index."""
        with self._lock:
            ids, vectors = list(self._ids), self._buffer[: len(self._ids)]
        for start in range(0, len(ids), size):
            yield ids[start : start + size], vectors[start : start + size]
