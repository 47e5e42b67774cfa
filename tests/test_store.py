"""Both stores: schema, atomic writes, uniqueness, cursors, removal log, search."""

from __future__ import annotations

import sqlite3

import numpy as np
import psycopg
import pytest

from service.models import Claim, Conflict, Document, Facts, Relation, SourceVersus
from service.store import BadCursor, DuplicateDocument, RelationFilter, is_database_url, open_store


def doc(i: int, **kw) -> Document:
    return Document(id=f"doc_{i}", text=f"text {i}", content_hash=f"{i:064d}", source=kw.pop("source", "s"), **kw)


def claims_for(document_id: str, n: int) -> list[Claim]:
    return [Claim(id=f"{document_id}_c{j}", text=f"claim {j} of {document_id}", span=(j, j + 1),
                  facts=Facts(polarity="negated")) for j in range(n)]


def vectors(n: int) -> np.ndarray:
    v = np.random.default_rng(n).normal(size=(n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def execute(database: str, sql: str) -> None:
    """One statement on the database itself, behind the store's back."""
    if is_database_url(database):
        with psycopg.connect(database) as conn:
            conn.execute(sql)
    else:
        with sqlite3.connect(database) as conn:
            conn.execute(sql)


def test_schema_version(store):
    assert store.stored_schema_version() == store.schema_version >= 3


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode(store):
    assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_data(settings, store):
    store.add_document(doc(1), claims_for("doc_1", 2), vectors(2), [])
    again = open_store(settings)
    assert again.get_document("doc_1").claims_count == 2
    assert again.get_claim("doc_1_c0").facts.polarity == "negated"
    assert again.stored_schema_version() == store.schema_version  # a second start changes nothing
    again.close()


def test_newer_schema_is_refused(settings, store):
    execute(settings.db_path, "UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(RuntimeError, match="schema version 999"):
        open_store(settings)


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
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
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
    stats = {s.source: s for s in store.source_stats()}
    assert stats["a"].versus == [SourceVersus("b", agreements=0, contradictions=1)]
    assert (stats["b"].documents, stats["b"].claims) == (1, 1)
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
    assert batch.ids == ["doc_1_c0", "doc_1_c1"] and batch.vectors.shape == (2, 384)
    assert np.allclose(batch.vectors, vectors(2))
    assert store.vectors_since(batch.watermark).ids == []


def test_lexical_search_is_safe_for_any_query(store):
    store.add_document(doc(1), claims_for("doc_1", 2), vectors(2), [])
    assert store.lexical_search('claim" OR 1=1; DROP TABLE claims; --', 5)
    assert store.lexical_search("*** ^^^", 5) == []
    assert store.get_document("doc_1") is not None


def test_nearest_claims_finds_the_closest_stored_vectors(settings, store):
    stored = vectors(5)
    store.add_document(doc(1), claims_for("doc_1", 5), stored, [])
    index = store.nearest_claims(settings)
    index.refresh(store)
    query = stored[[3, 1]] + 0.01 * vectors(2)
    found = index.search(query / np.linalg.norm(query, axis=1, keepdims=True), 2)
    assert [row[0][0] for row in found] == ["doc_1_c3", "doc_1_c1"]
    assert all(0.99 < row[0][1] <= 1.0 + 1e-6 and len(row) == 2 for row in found)
    assert store.get_vectors(["doc_1_c3"])["doc_1_c3"] == pytest.approx(stored[3])


def test_lexical_search_ranks_claims_by_their_words(store):
    texts = ["Rescuers pulled survivors from the flooded mine", "The mine was flooded",
             "Parliament passed the budget"]
    claims = [Claim(id=f"c{i}", text=t, span=(0, len(t)), facts=Facts()) for i, t in enumerate(texts)]
    store.add_document(doc(1), claims, vectors(3), [])
    found = [cid for cid, _ in store.lexical_search("flooded mine survivors", 5)]
    assert found[0] == "c0" and set(found) == {"c0", "c1"}
    store.delete_document("doc_1")
    store.warm_up()
    assert store.lexical_search("flooded mine", 5) == []
