"""The corpus's vector index, kept in step with the store.

``CorpusIndex`` pulls the vectors added and the claims removed since its watermarks,
so every process (server threads, workers, the CLI) sees what the others committed
without talking to them.

While the corpus holds at most ``Settings.exact_index_max`` claims the index is exact
and lives only in memory: rebuilding it from the store takes well under a second.
Above that it is approximate, and a snapshot of it is kept beside the database
(``<db_path>.index/``) with the watermarks it had seen, so a restart loads the graph
and reads only what the store gained since, instead of every vector. A snapshot of
another database, or one ahead of this database (a restored backup), is not used.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid

from embeddings.ann import ApproximateIndex
from embeddings.index import ExactIndex, VectorIndex

READ_CHUNK = 50_000  # vectors read from the store at a time: bounds memory while loading
SAVE_EVERY = 50_000  # vectors added since the last snapshot before the next one is written


class CorpusIndex:
    def __init__(self, settings):
        self.settings = settings
        self.folder = None if settings.db_path == ":memory:" else settings.db_path + ".index"
        self._index: VectorIndex | None = None
        self._store_id: str | None = None
        self._added = 0
        self._removed = 0
        self._unsaved = 0
        self._start_approximate = False  # what _open decided the first vectors go into
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._index) if self._index is not None else 0

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, ApproximateIndex)

    def refresh(self, store) -> None:
        """Bring the index up to what the store holds now."""
        with self._lock:
            if self._store_id is None:
                self._open(store)
            self._catch_up(store)
            if isinstance(self._index, ExactIndex) and len(self._index) > self.settings.exact_index_max:
                self._index = _approximate_from(self._index)
                self._save()
            elif self.approximate and (self._unsaved >= SAVE_EVERY or self._unsaved == len(self._index)):
                # Built from scratch just now, or far ahead of the last snapshot.
                self._save()

    def search(self, vectors, k: int) -> list[list[tuple[str, float]]]:
        index = self._index
        if index is None:
            return [[] for _ in range(len(vectors))]
        return index.search(vectors, k)

    def save(self) -> None:
        """Write a snapshot now if the index is approximate and has unsaved changes
        (for a clean shutdown; ``refresh`` also saves every ``SAVE_EVERY`` vectors)."""
        with self._lock:
            if self.approximate and self._unsaved:
                self._save()

    # -- internals -------------------------------------------------------------------

    def _open(self, store) -> None:
        state = store.vector_state()
        self._store_id = state.store_id
        snapshot = self._load_snapshot() if state.count > self.settings.exact_index_max else None
        if snapshot is not None:
            index, seen = snapshot
            usable = (
                seen.get("store_id") == state.store_id
                and seen.get("added", 0) <= state.added
                and seen.get("removed", 0) <= state.removed
            )
            if usable:
                self._index, self._added, self._removed = index, seen["added"], seen["removed"]
                return
        self._added = self._removed = 0
        self._start_approximate = state.count > self.settings.exact_index_max

    def _catch_up(self, store) -> None:
        while True:
            batch = store.vectors_since(self._added, limit=READ_CHUNK)
            if not batch.ids:
                break
            if self._index is None:
                self._index = self._new_index(batch.vectors.shape[1])
            self._index.add(batch.ids, batch.vectors)
            self._added = batch.watermark
            self._unsaved += len(batch.ids)
        removed, self._removed = store.removed_since(self._removed)
        if removed and self._index is not None:
            self._index.remove(removed)
            self._unsaved += len(removed)

    def _new_index(self, dimension: int) -> VectorIndex:
        if self._start_approximate:
            return ApproximateIndex(dimension)
        return ExactIndex(dimension)

    # -- snapshots: <db>.index/CURRENT names the folder of the newest whole one --------

    def _load_snapshot(self):
        name = self._current_name()
        return ApproximateIndex.load(os.path.join(self.folder, name)) if name else None

    def _save(self) -> None:
        if self.folder is None:
            return
        name = f"snapshot-{uuid.uuid4().hex}"
        self._index.save(
            os.path.join(self.folder, name),
            {"store_id": self._store_id, "added": self._added, "removed": self._removed},
        )
        pointer = os.path.join(self.folder, f"CURRENT.{os.getpid()}.tmp")
        with open(pointer, "w", encoding="utf-8") as f:
            f.write(name)
        previous = self._current_name()
        os.replace(pointer, os.path.join(self.folder, "CURRENT"))
        self._unsaved = 0
        # Keep the previous snapshot too: another process may be loading it right now.
        for old in os.listdir(self.folder):
            if old.startswith("snapshot-") and old not in (name, previous):
                shutil.rmtree(os.path.join(self.folder, old), ignore_errors=True)

    def _current_name(self) -> str | None:
        if self.folder is None:
            return None
        try:
            with open(os.path.join(self.folder, "CURRENT"), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return None


def _approximate_from(exact: ExactIndex) -> ApproximateIndex:
    approximate = ApproximateIndex(exact.dimension)
    for ids, vectors in exact.chunks():
        approximate.add(ids, vectors)
    return approximate
