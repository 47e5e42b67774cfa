"""The approximate index for large corpora: HNSW graph over int8 vectors (usearch).

Chosen by measurement (docs/performance.md, bench/bench_ann.py): usearch keeps
vectors quantised to int8, so a million 384-d claims take about 0.4 GB instead of
1.5 GB, it removes vectors in place, and it saves and loads its graph as one file,
which is what lets a restart skip re-reading every vector from the store.

Cosines come back computed on the int8 copies: close to, not exactly, the float32 ones.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence

import numpy as np
from usearch.index import Index

CONNECTIVITY = 16  # graph degree: the usual HNSW default, recall ~0.95+ at the expansion below
EXPANSION_ADD = 128
EXPANSION_SEARCH = 96

_GRAPH = "graph.usearch"
_IDS = "ids.txt"
_STATE = "state.json"


class ApproximateIndex:
    """Nearest neighbours by inner product over unit vectors, keyed by string ids.

    usearch wants integer keys, so each id gets the next integer and the index keeps
    both directions of that mapping; a removed id leaves an empty slot behind.
    """

    def __init__(self, dimension: int):
        self.dimension = dimension
        self._graph = _new_graph(dimension)
        self._ids: list[str | None] = []
        self._key: dict[str, int] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._key)

    def __contains__(self, id_: str) -> bool:
        return id_ in self._key

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dimension)
        with self._lock:
            fresh = [i for i, id_ in enumerate(ids) if id_ not in self._key]
            if not fresh:
                return
            keys = np.arange(len(self._ids), len(self._ids) + len(fresh), dtype=np.uint64)
            for key, i in zip(keys.tolist(), fresh):
                self._ids.append(ids[i])
                self._key[ids[i]] = key
            self._graph.add(keys, np.ascontiguousarray(vectors[fresh]))

    def remove(self, ids: Sequence[str]) -> None:
        with self._lock:
            keys = [self._key.pop(id_) for id_ in ids if id_ in self._key]
            for key in keys:
                self._ids[key] = None
            if keys:
                self._graph.remove(np.asarray(keys, dtype=np.uint64))

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to ``k`` ``(id, cosine)`` pairs, best first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        if not len(self._key) or k <= 0:
            return [[] for _ in range(len(queries))]
        with self._lock:
            found = self._graph.search(queries, min(k, len(self._key)))
            ids = self._ids
        # One query row comes back as a flat ``Matches``, several as ``BatchMatches``.
        keys = np.atleast_2d(found.keys)
        distances = np.atleast_2d(found.distances)
        counts = found.counts if hasattr(found, "counts") else [len(found.keys)]
        return [
            [(ids[key], 1.0 - float(dist)) for key, dist in zip(keys[row, :n].tolist(), distances[row, :n].tolist())
             if ids[key] is not None]
            for row, n in enumerate(np.asarray(counts).tolist())
        ]

    # -- persistence -----------------------------------------------------------------

    def save(self, folder: str, state: dict) -> None:
        """Write the graph, the ids and the caller's ``state`` (what the index has seen)
        into ``folder``; the state goes last, so a half-written folder never loads."""
        os.makedirs(folder, exist_ok=True)
        with self._lock:
            self._graph.save(os.path.join(folder, _GRAPH))
            with open(os.path.join(folder, _IDS), "w", encoding="utf-8") as f:
                f.write("\n".join(id_ or "" for id_ in self._ids))
            with open(os.path.join(folder, _STATE), "w", encoding="utf-8") as f:
                json.dump({"dimension": self.dimension, **state}, f)

    @classmethod
    def load(cls, folder: str) -> tuple[ApproximateIndex, dict] | None:
        """The index saved in ``folder`` and its state, or None if there is no whole one."""
        try:
            with open(os.path.join(folder, _STATE), encoding="utf-8") as f:
                state = json.load(f)
            with open(os.path.join(folder, _IDS), encoding="utf-8") as f:
                ids = f.read().split("\n")
            index = cls(int(state.pop("dimension")))
            index._graph.load(os.path.join(folder, _GRAPH))
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        index._ids = [id_ or None for id_ in ids]
        index._key = {id_: key for key, id_ in enumerate(ids) if id_}
        if len(index._key) != len(index._graph):
            return None
        return index, state


def _new_graph(dimension: int) -> Index:
    # "cos", not "ip": usearch scales unit vectors by 127 into int8, and only the
    # cosine metric divides that scale back out of the scores.
    return Index(
        ndim=dimension, metric="cos", dtype="i8", connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH,
    )
