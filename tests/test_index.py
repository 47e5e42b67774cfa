"""The vector indexes and the corpus index that keeps them in step with the store.

Vectors here are random unit vectors: the indexes do not care where vectors come
from, and no model needs to load.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from embeddings.ann import ApproximateIndex
from embeddings.index import ExactIndex
from service.config import Settings
from service.corpus import CorpusIndex
from service.models import Claim, Document
from service.store import SQLiteStore

DIM = 16


def unit_vectors(n: int, seed: int = 0) -> np.ndarray:
    m = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


@pytest.fixture(params=[ExactIndex, ApproximateIndex], ids=["exact", "approximate"])
def index(request):
    return request.param(DIM)


def test_nearest_is_itself_with_cosine_one(index):
    vectors = unit_vectors(200)
    index.add([f"v{i}" for i in range(200)], vectors)
    hits = index.search(vectors[[3, 150]], 5)
    assert [row[0][0] for row in hits] == ["v3", "v150"]
    assert hits[0][0][1] == pytest.approx(1.0, abs=0.02)
    assert all(len(row) == 5 for row in hits)
    assert [s for _, s in hits[0]] == sorted((s for _, s in hits[0]), reverse=True)


def test_adding_an_id_twice_keeps_the_first_vector(index):
    first, second = unit_vectors(2, seed=1)
    index.add(["a"], first[None])
    index.add(["a", "b"], np.stack([second, second]))
    assert len(index) == 2
    assert index.search(first[None], 1)[0][0][0] == "a"


def test_removed_ids_are_never_returned(index):
    vectors = unit_vectors(100)
    index.add([f"v{i}" for i in range(100)], vectors)
    index.remove(["v7", "v8", "missing"])
    assert len(index) == 98 and "v7" not in index
    found = {id_ for id_, _ in index.search(vectors[7][None], 20)[0]}
    assert not found & {"v7", "v8"}
    index.add(["v7"], vectors[7][None])
    assert index.search(vectors[7][None], 1)[0][0][0] == "v7"


def test_empty_index_answers_with_empty_rows(index):
    assert index.search(unit_vectors(2), 5) == [[], []]


def test_exact_index_grows_across_many_small_adds():
    index = ExactIndex(DIM)
    vectors = unit_vectors(3000)
    for start in range(0, 3000, 7):
        index.add([f"v{i}" for i in range(start, min(start + 7, 3000))], vectors[start : start + 7])
    assert len(index) == 3000
    assert index.search(vectors[2999][None], 1)[0][0][0] == "v2999"
    assert sum(len(ids) for ids, _ in index.chunks(size=1000)) == 3000


def test_approximate_finds_what_exact_finds():
    vectors = unit_vectors(2000, seed=3)
    ids = [f"v{i}" for i in range(2000)]
    exact, approximate = ExactIndex(DIM), ApproximateIndex(DIM)
    exact.add(ids, vectors)
    approximate.add(ids, vectors)
    queries = unit_vectors(50, seed=4)
    overlap = [
        len({i for i, _ in a} & {i for i, _ in e}) / 10
        for a, e in zip(approximate.search(queries, 10), exact.search(queries, 10))
    ]
    assert np.mean(overlap) >= 0.9


def test_approximate_index_round_trips_through_a_folder(tmp_path):
    vectors = unit_vectors(300)
    index = ApproximateIndex(DIM)
    index.add([f"v{i}" for i in range(300)], vectors)
    index.remove(["v5"])
    index.save(str(tmp_path / "snap"), {"added": 300})
    loaded, state = ApproximateIndex.load(str(tmp_path / "snap"))
    assert state == {"added": 300}
    assert len(loaded) == 299 and "v5" not in loaded
    assert loaded.search(vectors[9][None], 1)[0][0][0] == "v9"


def test_approximate_index_finds_ids_before_and_after_they_are_sorted_and_after_a_reload(tmp_path):
    vectors = unit_vectors(40)
    index = ApproximateIndex(DIM)
    index.add([f"v{i}" for i in range(20)], vectors[:20])
    index.save(str(tmp_path / "snap"), {})
    loaded, _ = ApproximateIndex.load(str(tmp_path / "snap"))  # ids sorted by hash now
    loaded.add(["a much longer id than any before, " * 3] + [f"w{i}" for i in range(19)], vectors[20:])
    loaded.remove(["v3", "w4", "v3"])
    assert len(loaded) == 38 and "v3" not in loaded and "w4" not in loaded and "v4" in loaded
    assert loaded.search(vectors[20][None], 1)[0][0][0] == "a much longer id than any before, " * 3
    assert loaded.search(vectors[7][None], 1)[0][0][0] == "v7"
    loaded.add(["v3"], vectors[3][None])  # a removed id may come back
    assert "v3" in loaded and len(loaded) == 39


def test_a_snapshot_with_ids_in_text_still_loads(tmp_path):
    vectors = unit_vectors(10)
    index = ApproximateIndex(DIM)
    index.add([f"v{i}" for i in range(10)], vectors)
    index.remove(["v2"])
    folder = tmp_path / "snap"
    index.save(str(folder), {"added": 10})
    (folder / "ids.npy").unlink()
    (folder / "ids.txt").write_text("\n".join("" if i == 2 else f"v{i}" for i in range(10)), encoding="utf-8")
    loaded, _ = ApproximateIndex.load(str(folder))
    assert len(loaded) == 9 and "v2" not in loaded
    assert loaded.search(vectors[6][None], 1)[0][0][0] == "v6"


def test_a_half_written_folder_does_not_load(tmp_path):
    index = ApproximateIndex(DIM)
    index.add(["a"], unit_vectors(1))
    index.save(str(tmp_path / "snap"), {})
    os.remove(tmp_path / "snap" / "state.json")
    assert ApproximateIndex.load(str(tmp_path / "snap")) is None
    assert ApproximateIndex.load(str(tmp_path / "nowhere")) is None


# -- the corpus index over a real store -------------------------------------------------


def add_document(store, name: str, vectors: np.ndarray) -> list[str]:
    claims = [Claim(text=f"{name} claim {i}", span=(0, 1), id=f"clm_{name}_{i}") for i in range(len(vectors))]
    document = Document(id=f"doc_{name}", text=name, content_hash=f"hash-{name}")
    store.add_document(document, claims, vectors, [])
    return [c.id for c in claims]


class CountingStore:
    """Wraps a store to count the vectors it hands out."""

    def __init__(self, store):
        self.store, self.vectors_read = store, 0

    def __getattr__(self, name):
        return getattr(self.store, name)

    def vectors_since(self, watermark, limit=None):
        batch = self.store.vectors_since(watermark, limit)
        self.vectors_read += len(batch.ids)
        return batch


@pytest.fixture
def small_settings(tmp_path):
    return Settings(db_path=str(tmp_path / "c.db"), exact_index_max=50)


def test_corpus_index_follows_adds_and_deletes(small_settings):
    store = SQLiteStore(small_settings.db_path)
    corpus = CorpusIndex(small_settings)
    vectors = unit_vectors(20)
    ids = add_document(store, "a", vectors[:10])
    corpus.refresh(store)
    add_document(store, "b", vectors[10:])
    store.delete_document("doc_a")
    corpus.refresh(store)
    assert len(corpus) == 10 and not corpus.approximate
    assert ids[0] not in {i for i, _ in corpus.search(vectors[:1], 20)[0]}


def test_corpus_index_turns_approximate_past_the_limit_and_saves_a_snapshot(small_settings):
    store = SQLiteStore(small_settings.db_path)
    corpus = CorpusIndex(small_settings)
    add_document(store, "a", unit_vectors(40))
    corpus.refresh(store)
    assert not corpus.approximate
    add_document(store, "b", unit_vectors(30, seed=1))
    corpus.refresh(store)
    assert corpus.approximate and len(corpus) == 70
    assert os.path.exists(os.path.join(corpus.folder, "CURRENT"))


def test_restart_loads_the_snapshot_and_reads_only_what_is_new(small_settings):
    store = SQLiteStore(small_settings.db_path)
    first = CorpusIndex(small_settings)
    add_document(store, "a", unit_vectors(80))
    first.refresh(store)
    gone = add_document(store, "b", unit_vectors(5, seed=1))
    add_document(store, "c", unit_vectors(5, seed=2))
    store.delete_document("doc_b")

    counting = CountingStore(store)
    second = CorpusIndex(small_settings)
    second.refresh(counting)
    assert second.approximate and len(second) == 85
    assert counting.vectors_read == 5
    assert not {i for i, _ in second.search(unit_vectors(5, seed=1), 10)[0]} & set(gone)


def test_snapshot_of_another_database_is_rebuilt(small_settings, tmp_path):
    store = SQLiteStore(small_settings.db_path)
    add_document(store, "a", unit_vectors(80))
    CorpusIndex(small_settings).refresh(store)
    for name in ("c.db", "c.db-wal", "c.db-shm"):
        if os.path.exists(tmp_path / name):
            os.remove(tmp_path / name)

    replaced = CountingStore(SQLiteStore(small_settings.db_path))
    add_document(replaced.store, "z", unit_vectors(60, seed=9))
    corpus = CorpusIndex(small_settings)
    corpus.refresh(replaced)
    assert len(corpus) == 60 and replaced.vectors_read == 60
    assert all(i.startswith("clm_z_") for i, _ in corpus.search(unit_vectors(1, seed=9), 5)[0])


def test_in_memory_store_keeps_no_snapshot():
    settings = Settings(db_path=":memory:", exact_index_max=5)
    store = SQLiteStore(":memory:")
    corpus = CorpusIndex(settings)
    add_document(store, "a", unit_vectors(10))
    corpus.refresh(store)
    corpus.save()
    assert corpus.approximate and corpus.folder is None
