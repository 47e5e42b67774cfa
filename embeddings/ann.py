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

# Before usearch: its extension exports its own copy of the C++ runtime, and an
# onnxruntime loaded after it misreads the encoder's graph (1.22) or crashes (1.23 on).
import onnxruntime  # noqa: F401, I001
from usearch.index import Index

CONNECTIVITY = 16  # graph degree: the usual HNSW default, recall ~0.95+ at the expansion below
EXPANSION_ADD = 128
EXPANSION_SEARCH = 96

_GRAPH = "graph.usearch"
_IDS = "ids.npy"
_OLD_IDS = "ids.txt"
_STATE = "state.json"


class ApproximateIndex:
    """Nearest neighbours by inner product over unit vectors, keyed by string ids.

    usearch wants integer keys, so each id gets the next integer (its position); a
    removed id leaves an empty slot behind. The ids live in numpy arrays, not Python
    objects: a million claim ids as strings in a list and a dict cost 143 MiB or more
    of a server's memory (docs/performance.md), as fixed-width bytes about 40 MiB.
    Finding an id's position goes through a sorted array of the ids' 64-bit hashes,
    plus a dict for the ids added since the arrays were last sorted.
    """

    def __init__(self, dimension: int):
        self.dimension = dimension
        self._graph = _new_graph(dimension)
        self._ids = np.zeros(0, dtype="S1")  # position -> id (b"" once removed)
        self._count = 0  # positions used
        self._live = 0  # ids present
        self._hashes = np.zeros(0, dtype=np.uint64)  # sorted hashes of the ids up to _sorted_upto
        self._positions = np.zeros(0, dtype=np.int64)  # the position of each of _hashes
        self._sorted_upto = 0
        self._recent: dict[str, int] = {}  # id -> position, for positions from _sorted_upto on
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return self._live

    def __contains__(self, id_: str) -> bool:
        with self._lock:
            return self._position(id_) is not None

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dimension)
        with self._lock:
            fresh, seen = [], set()
            for i, id_ in enumerate(ids):
                if id_ not in seen and self._position(id_) is None:
                    fresh.append(i)
                    seen.add(id_)
            if not fresh:
                return
            encoded = [ids[i].encode("utf-8") for i in fresh]
            self._grow(self._count + len(fresh), max(map(len, encoded)))
            keys = np.arange(self._count, self._count + len(fresh), dtype=np.uint64)
            self._ids[self._count : self._count + len(fresh)] = encoded
            for key, i in zip(keys.tolist(), fresh):
                self._recent[ids[i]] = key
            self._count += len(fresh)
            self._live += len(fresh)
            self._graph.add(keys, np.ascontiguousarray(vectors[fresh]))
            if len(self._recent) > max(100_000, self._count // 10):
                self._sort()

    def remove(self, ids: Sequence[str]) -> None:
        with self._lock:
            keys = [key for key in map(self._position, ids) if key is not None]
            keys = list(dict.fromkeys(keys))
            for key in keys:
                self._ids[key] = b""
            self._live -= len(keys)
            if keys:
                self._graph.remove(np.asarray(keys, dtype=np.uint64))

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query row, up to ``k`` ``(id, cosine)`` pairs, best first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dimension)
        if not self._live or k <= 0:
            return [[] for _ in range(len(queries))]
        with self._lock:
            found = self._graph.search(queries, min(k, self._live))
            ids = self._ids
        # One query row comes back as a flat ``Matches``, several as ``BatchMatches``.
        keys = np.atleast_2d(found.keys)
        distances = np.atleast_2d(found.distances)
        counts = found.counts if hasattr(found, "counts") else [len(found.keys)]
        rows = []
        for row, n in enumerate(np.asarray(counts).tolist()):
            names = ids[keys[row, :n].astype(np.int64)].tolist()
            rows.append([(name.decode("utf-8"), 1.0 - float(dist))
                         for name, dist in zip(names, distances[row, :n].tolist()) if name])
        return rows

    # -- ids ---------------------------------------------------------------------------

    def _position(self, id_: str) -> int | None:
        key = self._recent.get(id_)
        if key is not None:
            return key if self._ids[key] else None
        if not len(self._hashes):
            return None
        hashed = _hash(id_)
        encoded = id_.encode("utf-8")
        at = int(np.searchsorted(self._hashes, hashed))
        while at < len(self._hashes) and self._hashes[at] == hashed:
            key = int(self._positions[at])
            if self._ids[key] == encoded:
                return key
            at += 1
        return None

    def _grow(self, count: int, width: int) -> None:
        width = max(width, self._ids.dtype.itemsize)
        if count > len(self._ids) or width > self._ids.dtype.itemsize:
            grown = np.zeros(max(count, len(self._ids) + len(self._ids) // 2, 1024), dtype=f"S{width}")
            grown[: self._count] = self._ids[: self._count]
            self._ids = grown

    def _sort(self) -> None:
        """Fold the recent ids into the sorted hash arrays."""
        ids = self._ids[: self._count]
        hashes = _hashes(ids)
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._positions = hashes[order], order.astype(np.int64)
        self._sorted_upto = self._count
        self._recent = {}

    # -- persistence -----------------------------------------------------------------

    def save(self, folder: str, state: dict) -> None:
        """Write the graph, the ids and the caller's ``state`` (what the index has seen)
        into ``folder``; the state goes last, so a half-written folder never loads."""
        os.makedirs(folder, exist_ok=True)
        with self._lock:
            self._graph.save(os.path.join(folder, _GRAPH))
            np.save(os.path.join(folder, _IDS), self._ids[: self._count])
            with open(os.path.join(folder, _STATE), "w", encoding="utf-8") as f:
                json.dump({"dimension": self.dimension, **state}, f)

    @classmethod
    def load(cls, folder: str) -> tuple[ApproximateIndex, dict] | None:
        """The index saved in ``folder`` and its state, or None if there is no whole one."""
        try:
            with open(os.path.join(folder, _STATE), encoding="utf-8") as f:
                state = json.load(f)
            index = cls(int(state.pop("dimension")))
            index._ids = _read_ids(folder)
            index._graph.load(os.path.join(folder, _GRAPH))
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        index._count = len(index._ids)
        index._live = int(np.count_nonzero(index._ids))
        index._sort()
        if index._live != len(index._graph):
            return None
        return index, state


def _read_ids(folder: str) -> np.ndarray:
    path = os.path.join(folder, _IDS)
    if os.path.exists(path):
        return np.load(path, allow_pickle=False)
    # Snapshots written before the ids moved to numpy: one id a line, empty when removed.
    with open(os.path.join(folder, _OLD_IDS), encoding="utf-8") as f:
        return np.array([line.encode("utf-8") for line in f.read().split("\n")], dtype=bytes)


def _hash(id_: str) -> np.uint64:
    return _hashes(np.array([id_.encode("utf-8")]))[0]


def _hashes(ids: np.ndarray) -> np.ndarray:
    """A 64-bit FNV-1a hash of each fixed-width id (trailing zero bytes do not count:
    numpy pads with them), vectorised over the bytes."""
    width = ids.dtype.itemsize
    raw = np.frombuffer(ids.tobytes(), dtype=np.uint8).reshape(len(ids), width) if len(ids) else \
        np.zeros((0, width), dtype=np.uint8)
    hashed = np.full(len(ids), 0xCBF29CE484222325, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(width):
            byte = raw[:, column].astype(np.uint64)
            live = byte != 0
            hashed = np.where(live, (hashed ^ byte) * np.uint64(0x100000001B3), hashed)
    return hashed


def _new_graph(dimension: int) -> Index:
    # "cos", not "ip": usearch scales unit vectors by 127 into int8, and only the
    # cosine metric divides that scale back out of the scores.
    return Index(
        ndim=dimension, metric="cos", dtype="i8", connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH,
    )
