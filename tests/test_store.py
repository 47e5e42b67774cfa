"""The SQLite store: schema, atomic writes, uniqueness, cursors, removal log."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from service.models import Claim, Conflict, Document, Facts, Relation
from service.store import BadCursor, DuplicateDocument, RelationFilter, SQLiteStore
from service.store.sqlite import SCHEMA_VERSION


def doc(i: int, **kw) -> Document:
    return Document(id=f"doc_{i}", text=f"text {i}", content_hash=f"{i:064d}", source=kw.pop("source", "s"), **kw)


def claims_for(document_id: str, n: int) -> list[Claim]:
    return [Claim(id=f"{document_id}_c{j}", text=f"claim {j} of {document_id}", span=(j, j + 1),
                  facts=Facts(polarity="negated")) for j in range(n)]


def vectors(n: int) -> np.ndarray:
    v = np.random.default_rng(n).normal(size=(n, 4)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_schema_version_and_wal(store):
    assert store.stored_schema_version() == SCHEMA_VERSION
    assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data(settings, store):
    store.add_document(doc(1), claims_for("doc_1", 2), vectors(2), [])
    again = SQLiteStore(settings.db_path)
    assert again.get_document("doc_1").claims_count == 2
    assert again.get_claim("doc_1_c0").facts.polarity == "negated"


def test_newer_schema_is_refused(settings, store):
    store.db.conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(RuntimeError, match="schema version 999"):
        SQLiteStore(settings.db_path)


def test_duplicate_content_or_url_raises_with_the_existing_document(store):
    store.add_document(doc(1, url="https://x/1"), claims_for("doc_1", 1), vectors(1), [])
    with pytest.raises(DuplicateDocument) as same_hash:
        store.add_document(Document(id="doc_2", text="t", content_hash=f"{1:064d}"), [], vectors(0), [])
    assert same_hash.value.existing.id == "doc_1"
    with pytest.raises(DuplicateDocument):
        store.add_document(doc(3, url="https://x/1"), [], vectors(0), [])
    assert store.get_document("doc_2") is None and store.get_document("doc_3") is None


def test_failed_write_leaves_nothing(store):
    bad = claims_for("doc_1", 2)
    bad[1].id = bad[0].id  # unique violation on the second claim
    with pytest.raises(sqlite3.IntegrityError):
        store.add_document(doc(1), bad, vectors(2), [])
    assert store.get_document("doc_1") is None
    assert store.get_claims([bad[0].id]) == {}


def test_relations_are_stored_with_both_claims_and_cascade(store):
    store.add_document(doc(1, source="a"), claims_for("doc_1", 1), vectors(1), [])
    rel = Relation(id="rel_1", claim_a_id="doc_2_c0", claim_b_id="doc_1_c0", kind="contradiction", confidence=0.9,
                   similarity=0.8, explanation="Numbers differ.",
                   conflicts=[Conflict(type="number", a="44", b="50", about="killed")])
    store.add_document(doc(2, source="b"), claims_for("doc_2", 1), vectors(1), [rel])
    got = store.get_relation("rel_1")
    assert got.claim_a.document_id == "doc_2" and got.claim_b.document_id == "doc_1"
    assert got.conflicts[0].about == "killed"
    assert store.list_relations(RelationFilter(conflict="number"), limit=10, cursor=None).items
    assert not store.list_relations(RelationFilter(conflict="date"), limit=10, cursor=None).items
    stats = {s["source"]: s for s in store.source_stats()}
    assert stats["a"]["with"] == [{"source": "b", "agreements": 0, "contradictions": 1}]
    store.delete_document("doc_1")
    assert store.get_relation("rel_1") is None
    removed, _ = store.removed_since(0)
    assert removed == ["doc_1_c0"]


def test_pagination_walks_everything_once(store):
    for i in range(7):
        store.add_document(doc(i), claims_for(f"doc_{i}", 3), vectors(3), [])
    seen, cursor = [], None
    while True:
        page = store.list_documents(limit=3, cursor=cursor)
        seen += [d.id for d in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"doc_{i}" for i in reversed(range(7))]
    first = store.document_claims("doc_0", limit=2, cursor=None)
    second = store.document_claims("doc_0", limit=2, cursor=first.next_cursor)
    assert [c.id for c in first.items + second.items] == [f"doc_0_c{j}" for j in range(3)]
    with pytest.raises(BadCursor):
        store.list_documents(limit=3, cursor="garbage!")


def test_vectors_since_watermark(store):
    store.add_document(doc(1), claims_for("doc_1", 2), vectors(2), [])
    batch = store.vectors_since(0)
    assert batch.ids == ["doc_1_c0", "doc_1_c1"] and batch.vectors.shape == (2, 4)
    assert np.allclose(batch.vectors, vectors(2))
    assert store.vectors_since(batch.watermark).ids == []


def test_lexical_search_is_safe_for_any_query(store):
    store.add_document(doc(1), claims_for("doc_1", 2), vectors(2), [])
    assert store.lexical_search('claim" OR 1=1; DROP TABLE claims; --', 5)
    assert store.lexical_search("*** ^^^", 5) == []
    assert store.get_document("doc_1") is not None
