"""Lexical search on both stores (what it finds, that it follows the store), and the
index beside the SQLite file (which PostgreSQL, searching in the database, has not)."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from service.models import Claim, Document
from service.store import SQLiteStore, Store, open_store
from service.store.sqlite import SCHEMA_VERSION


def add(store: Store, name: str, texts: list[str]) -> list[str]:
    claims = [Claim(id=f"clm_{name}_{i}", text=t, span=(0, len(t))) for i, t in enumerate(texts)]
    store.add_document(Document(id=f"doc_{name}", text=" ".join(texts), content_hash=name.rjust(64, "0")),
                       claims, np.full((len(texts), 384), 384 ** -0.5, dtype=np.float32), [])
    return [c.id for c in claims]


def found(store: Store, query: str) -> list[str]:
    """What a search finds once the index has caught up with every write so far (a
    search itself does not wait for that: see the last test)."""
    store.warm_up()
    return [cid for cid, _ in store.lexical_search(query, 10)]


def test_words_match_across_inflection_case_and_accents(store):
    (dose, cafe, other) = add(store, "a", ["Two doses were given.", "The CAFÉ closed.", "Nothing here."])
    assert found(store, "dose") == [dose]
    assert found(store, "cafe") == [cafe]
    assert other not in found(store, "dose cafe")


def test_the_rarer_word_ranks_first(store):
    add(store, "a", [f"the minister spoke on day {i}" for i in range(20)])
    (rare,) = add(store, "b", ["the mayor spoke"])
    assert found(store, "mayor spoke")[0] == rare


def test_follows_adds_and_deletes_made_through_another_store_object(settings, store):
    kept = add(store, "a", ["rainfall doubled in March"])
    assert found(store, "rainfall") == kept
    other = open_store(settings)  # as another process would open it
    later = add(other, "b", ["rainfall fell in April"])
    assert set(found(store, "rainfall")) == set(kept + later)
    other.delete_document("doc_a")
    assert found(store, "rainfall") == later
    assert found(other, "rainfall") == later


@pytest.mark.sqlite_only
def test_an_index_of_another_database_is_rebuilt(settings, store):
    add(store, "a", ["turbines were installed"])
    assert found(store, "turbines")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(settings.db_path + suffix):
            os.remove(settings.db_path + suffix)
    replaced = SQLiteStore(settings.db_path)  # same path, new database, old index folder
    assert found(replaced, "turbines") == []
    fresh = add(replaced, "b", ["turbines were removed"])
    assert found(replaced, "turbines") == fresh


@pytest.mark.sqlite_only
def test_a_commit_whose_marks_were_lost_is_redone_without_duplicates(settings, store):
    ids = add(store, "a", ["the dam holds", "the dam leaks"])
    assert sorted(found(store, "dam")) == sorted(ids)
    marks = os.path.join(settings.db_path + ".lexical", "marks.json")
    with open(marks, encoding="utf-8") as f:
        data = json.load(f)
    with open(marks, "w", encoding="utf-8") as f:
        json.dump({**data, "added": 0}, f)  # as if the process died after the commit
    again = SQLiteStore(settings.db_path)
    assert sorted(found(again, "dam")) == sorted(ids)


@pytest.mark.sqlite_only
def test_a_schema_2_database_loses_its_fts_table_and_logs_each_removal_once(settings, store):
    conn = store.db.conn
    conn.executescript("""
        CREATE VIRTUAL TABLE claims_fts USING fts5(text, content='claims', content_rowid='seq');
        CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts(claims_fts, rowid, text) VALUES ('delete', old.seq, old.text);
            INSERT INTO removed_claims(claim_id) VALUES (old.id);
        END;
        DROP TRIGGER claims_removed;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
    """)
    add(store, "a", ["one claim"])
    migrated = SQLiteStore(settings.db_path)
    assert migrated.stored_schema_version() == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "claims_fts" not in tables and "claims_fts_delete" not in tables
    migrated.delete_document("doc_a")
    assert migrated.removed_since(0)[0] == ["clm_a_0"]


def test_an_in_memory_store_searches_too():
    store = SQLiteStore(":memory:")
    ids = add(store, "a", ["glaciers retreat"])
    assert found(store, "glacier") == ids


@pytest.mark.sqlite_only
def test_a_search_does_not_wait_for_the_index_to_catch_up(store):
    first = add(store, "a", ["ferries were cancelled"])
    assert found(store, "ferries") == first
    later = add(store, "b", ["ferries resumed"])
    answer = [cid for cid, _ in store.lexical_search("ferries", 10)]
    assert set(answer) <= set(first + later) and first[0] in answer
    deadline = time.monotonic() + 30
    while set(answer) != set(first + later) and time.monotonic() < deadline:
        time.sleep(0.05)
        answer = [cid for cid, _ in store.lexical_search("ferries", 10)]
    assert set(answer) == set(first + later)


def test_a_deleted_claim_is_never_an_answer_even_before_the_index_catches_up(store):
    (gone,) = add(store, "a", ["levees breached"])
    (kept,) = add(store, "b", ["levees held"])
    assert set(found(store, "levees")) == {gone, kept}
    store.delete_document("doc_a")
    assert gone not in [cid for cid, _ in store.lexical_search("levees", 10)]
