"""The embedded store: one SQLite file in WAL mode, through sqlite-utils.

Concurrency: each thread gets its own connection; every write runs in one
``BEGIN IMMEDIATE`` transaction, so writers queue on SQLite's lock (with a busy
timeout) instead of failing half-way, and readers never block in WAL mode. The
unique indexes on ``url`` and ``content_hash`` make a racing second ingest of the
same article fail cleanly, and it is answered with the document that won.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import uuid
from contextlib import contextmanager, nullcontext

import numpy as np
import sqlite_utils

from service.corpus import CorpusIndex
from service.models import (
    Claim, Conflict, Document, Facts, Relation, SourceStats, Story, StoryMember, StoryState,
)
from service.story import joined, left
from service.store.base import (
    JSON_COLUMNS, portable_columns, ApiKey, DuplicateDocument, Job, JobItem, JobLost, Page, RelationFilter,
    VectorBatch, VectorState,
)
from service.store.common import NO_CURSOR, decode_cursor, now_iso, page, relation_conditions, source_stats
from service.store.lexical import LexicalIndex, Marks, Source

SCHEMA_VERSION = 5

# The first schema, less what a later migration drops (schema 1's FTS5 table, by 3);
# every database, new or old, then takes the _MIGRATIONS it lacks, in order.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    url TEXT UNIQUE,
    title TEXT,
    source TEXT,
    published_at TEXT,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    metadata TEXT NOT NULL DEFAULT '{}',
    claims_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_published ON documents(published_at);
CREATE TABLE IF NOT EXISTS claims (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source TEXT,
    published_at TEXT,
    text TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    checkworthiness REAL NOT NULL,
    facts TEXT NOT NULL,
    event_date TEXT,
    context TEXT NOT NULL DEFAULT '',
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_document ON claims(document_id, position);
CREATE TABLE IF NOT EXISTS removed_claims (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS relations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    claim_a TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    claim_b TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    document_a TEXT NOT NULL,
    document_b TEXT NOT NULL,
    kind TEXT NOT NULL,
    confidence REAL NOT NULL,
    similarity REAL NOT NULL,
    conflicts TEXT NOT NULL DEFAULT '[]',
    conflict_types TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'suggested',
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    UNIQUE (claim_a, claim_b)
);
CREATE INDEX IF NOT EXISTS relations_claim_a ON relations(claim_a);
CREATE INDEX IF NOT EXISTS relations_claim_b ON relations(claim_b);
CREATE INDEX IF NOT EXISTS relations_kind ON relations(kind);
CREATE INDEX IF NOT EXISTS relations_docs ON relations(document_a, document_b);
CREATE TRIGGER IF NOT EXISTS claims_removed AFTER DELETE ON claims BEGIN
    INSERT INTO removed_claims(claim_id) VALUES (old.id);
END;
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    name TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""

# Each step brings a database of the version before it to its own version, in one transaction.
_MIGRATIONS = {
    # Stories (documents about one incident) and the evidence of each relation.
    2: [
        "ALTER TABLE documents ADD COLUMN story_id TEXT",
        # What the document brought to its story (service.story.document_member), so that
        # deleting it can take exactly that back out.
        "ALTER TABLE documents ADD COLUMN story_vector BLOB",
        "ALTER TABLE documents ADD COLUMN story_names TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE documents ADD COLUMN story_date TEXT",
        "ALTER TABLE documents ADD COLUMN story_headline TEXT",
        "CREATE INDEX documents_story ON documents(story_id)",
        """CREATE TABLE stories (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            documents_count INTEGER NOT NULL,
            vector_sum BLOB,
            names TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX stories_seen ON stories(last_seen)",
        "CREATE INDEX stories_updated ON stories(updated_at)",
        "ALTER TABLE relations ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}'",
        # The kind a person confirmed or rejected: a re-analysis may change the kind, and
        # the review then says it was given to another verdict.
        "ALTER TABLE relations ADD COLUMN reviewed_kind TEXT",
        "UPDATE relations SET reviewed_kind = kind WHERE status != 'suggested'",
    ],
    # Schema 1 also kept the claim texts in an FTS5 table for BM25; the lexical index beside
    # the file (service/store/lexical.py) replaced it.
    3: [
        "DROP TRIGGER IF EXISTS claims_fts_insert",
        "DROP TRIGGER IF EXISTS claims_fts_delete",
        "DROP TABLE IF EXISTS claims_fts",
    ],
    # Ingest jobs (POST /v1/jobs) and their items, queued for ``crossfact worker``.
    4: [
        """CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            total INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            worker TEXT,
            lease_until REAL,
            error TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS jobs_waiting ON jobs(state, seq)",
        """CREATE TABLE IF NOT EXISTS job_items (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            document TEXT,
            status INTEGER,
            document_id TEXT,
            relations TEXT,
            problem TEXT,
            PRIMARY KEY (job_id, position)
        )""",
    ],
    # Jobs are copied by crossfact migrate; PostgreSQL gives job items a seq to copy them in
    # order, which SQLite's rowid already is. Nothing to change here but the version the
    # two stores share.
    5: [],
}

# The column whose order a table is exported in, where it is not ``seq``: keys keep their
# ids; job items have no seq of their own here, and are appended in order, as rowids grow.
_EXPORT_ORDER = {"api_keys": "id", "job_items": "rowid"}

# Seconds since the epoch on the database's clock: leases are measured on one clock.
_EPOCH_NOW = "((julianday('now') - 2440587.5) * 86400.0)"
_JOB_COLUMNS = (
    "id, state, total, attempts, worker, lease_until, error, created_at, started_at, finished_at, "
    "(SELECT COUNT(*) FROM job_items i WHERE i.job_id = jobs.id AND i.status IS NOT NULL) AS done, "
    "(SELECT COUNT(*) FROM job_items i WHERE i.job_id = jobs.id AND i.status >= 400) AS failed"
)
_JOB_ITEM_COLUMNS = "position, document, status, document_id, relations, problem"

_CLAIM_COLUMNS = (
    "c.id, c.document_id, c.source, c.published_at, c.text, c.span_start, c.span_end, "
    "c.kind, c.checkworthiness, c.facts, c.event_date, c.context, "
    "(SELECT sd.story_id FROM documents sd WHERE sd.id = c.document_id) AS story_id"
)
_DOCUMENT_COLUMNS = (
    "seq, id, url, title, source, published_at, text, content_hash, metadata, claims_count, created_at, story_id"
)
_STORY_STATE_COLUMNS = "id, first_seen, last_seen, documents_count, vector_sum, names"


class SQLiteStore:
    """Store implementation over one SQLite file (see ``service.store.base.Store``)."""

    schema_version = SCHEMA_VERSION

    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._local = threading.local()
        self._migrate()
        self._store_id = self.db.conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
        self._lexical = LexicalIndex(None if path == ":memory:" else path + ".lexical")

    # -- connections and transactions ------------------------------------------------

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.row_factory = sqlite3.Row  # rows are read by column name
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    @contextmanager
    def _write(self):
        """One IMMEDIATE transaction: all of it commits, or none of it does.

        Inside a transaction this thread already holds (``exclusive_ingest``) it is a
        savepoint instead: it still succeeds or fails whole, and commits with the
        enclosing transaction."""
        conn = self.db.conn
        if conn.in_transaction:
            conn.execute("SAVEPOINT nested_write")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO nested_write")
                conn.execute("RELEASE nested_write")
                raise
            conn.execute("RELEASE nested_write")
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def exclusive_ingest(self):
        """The caller's turn to match, relate and store, alone among every thread of
        every process on this database (see ``Store.exclusive_ingest``).

        SQLite has one writer at a time, so the turn is a ``BEGIN IMMEDIATE``
        transaction held for the whole block: it takes the write lock at once (waiting
        up to the busy timeout for it), this thread's reads inside see every commit
        made before, and this thread's writes inside commit together at the end, or
        not at all. Readers (in WAL mode) are never blocked; other writers wait."""
        with self._write():
            yield

    def _migrate(self) -> None:
        conn = self.db.conn
        conn.execute("PRAGMA journal_mode = WAL")
        # Every statement is idempotent, so two processes starting together both succeed.
        conn.executescript(_SCHEMA)
        with self._write():
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')")
            # Names this database, so a persisted vector index can tell it from a replaced one.
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))
            # Read inside the write lock: of two processes starting together, one migrates.
            stored = self.stored_schema_version()
            if stored > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {stored}; this crossfact knows up to {SCHEMA_VERSION}")
            for version in range(stored + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))

    def close(self) -> None:
        """Close this thread's connection (others close with their threads)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def nearest_claims(self, settings) -> CorpusIndex:
        """An index in this process's memory (beside the file once it is approximate),
        kept in step with the file through its vector log."""
        return CorpusIndex(settings)

    def ping(self) -> bool:
        return self.db.conn.execute("SELECT 1").fetchone()[0] == 1

    def stored_schema_version(self) -> int:
        return int(self.db.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    # -- API keys ------------------------------------------------------------------------

    def create_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey:
        created = now_iso()
        with self._write() as conn:
            key_id = conn.execute(
                "INSERT INTO api_keys (key_hash, scope, name, created_at) VALUES (?,?,?,?)",
                (key_hash, scope, name, created),
            ).lastrowid
        return ApiKey(id=key_id, key_hash=key_hash, scope=scope, name=name, created_at=created)

    def create_first_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey | None:
        # The check reads inside the write lock: no other process can add a key in between.
        with self._write():
            return None if self.has_api_keys() else self.create_api_key(key_hash, scope, name)

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, unless it was revoked."""
        row = self.db.conn.execute(
            "SELECT id, key_hash, scope, name, created_at, revoked_at FROM api_keys "
            "WHERE key_hash = ? AND revoked_at IS NULL", (key_hash,)
        ).fetchone()
        return ApiKey(**row) if row else None

    def list_api_keys(self) -> list[ApiKey]:
        rows = self.db.conn.execute(
            "SELECT id, key_hash, scope, name, created_at, revoked_at FROM api_keys ORDER BY id"
        ).fetchall()
        return [ApiKey(**row) for row in rows]

    def revoke_api_key(self, key_id: int) -> bool:
        with self._write() as conn:
            return conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now_iso(), key_id)
            ).rowcount > 0

    def has_api_keys(self) -> bool:
        """Whether auth is on: a key was ever created. Revoked keys count, so revoking
        the last key locks the API instead of opening it. Cheap enough for every
        request, so keys made by the CLI count at once."""
        return self.db.conn.execute("SELECT EXISTS (SELECT 1 FROM api_keys)").fetchone()[0] == 1

    # -- ingest jobs -------------------------------------------------------------------

    def create_job(self, job: Job) -> Job:
        now = now_iso()
        items = job.items or []
        waiting = any(item.status is None for item in items)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO jobs (id, state, total, created_at, finished_at, updated_at) VALUES (?,?,?,?,?,?)",
                (job.id, "queued" if waiting else "done", len(items), now, None if waiting else now, now),
            )
            conn.executemany(
                f"INSERT INTO job_items ({_JOB_ITEM_COLUMNS}, job_id) VALUES (?,?,?,?,?,?,?)",
                [(*_job_item_row(item), job.id) for item in items],
            )
        stored = self.get_job(job.id)
        assert stored is not None
        return stored

    def get_job(self, job_id: str, with_items: bool = True) -> Job | None:
        by_name = self.db.conn.cursor()
        by_name.row_factory = sqlite3.Row
        row = by_name.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        job = Job(**dict(row))
        if with_items:
            rows = self.db.conn.execute(
                f"SELECT {_JOB_ITEM_COLUMNS} FROM job_items WHERE job_id = ? ORDER BY position", (job_id,)
            ).fetchall()
            job.items = [_job_item(r) for r in rows]
        return job

    def claim_job(self, worker: str, lease_s: float, max_attempts: int) -> Job | None:
        with self._write() as conn:
            now = now_iso()
            conn.execute(
                "UPDATE jobs SET state = 'failed', worker = NULL, lease_until = NULL, finished_at = ?, updated_at = ?, "
                "error = 'its worker stopped before finishing it ' || attempts || ' times' "
                f"WHERE state = 'running' AND lease_until < {_EPOCH_NOW} AND attempts >= ?",
                (now, now, max_attempts),
            )
            row = conn.execute(
                "SELECT id FROM jobs WHERE state = 'queued' "
                f"OR (state = 'running' AND lease_until < {_EPOCH_NOW}) ORDER BY seq LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                f"UPDATE jobs SET state = 'running', worker = ?, lease_until = {_EPOCH_NOW} + ?, "
                "attempts = attempts + 1, started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?",
                (worker, lease_s, now, now, row[0]),
            )
        return self.get_job(row[0], with_items=False)

    def renew_job_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        with self._write() as conn:
            return conn.execute(
                f"UPDATE jobs SET lease_until = {_EPOCH_NOW} + ?, updated_at = ? "
                "WHERE id = ? AND worker = ? AND state = 'running'",
                (lease_s, now_iso(), job_id, worker),
            ).rowcount > 0

    def release_job(self, job_id: str, worker: str) -> bool:
        with self._write() as conn:
            return conn.execute(
                "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = attempts - 1, "
                "updated_at = ? WHERE id = ? AND worker = ? AND state = 'running'",
                (now_iso(), job_id, worker),
            ).rowcount > 0

    def pending_job_items(self, job_id: str, limit: int) -> list[JobItem]:
        rows = self.db.conn.execute(
            f"SELECT {_JOB_ITEM_COLUMNS} FROM job_items WHERE job_id = ? AND status IS NULL ORDER BY position LIMIT ?",
            (job_id, limit),
        ).fetchall()
        return [_job_item(r) for r in rows]

    def record_job_items(self, job_id: str, worker: str, items: list[JobItem]) -> None:
        with self._write() as conn:
            holder = conn.execute("SELECT worker FROM jobs WHERE id = ? AND state = 'running'", (job_id,)).fetchone()
            if holder is None or holder[0] != worker:
                raise JobLost(job_id)
            conn.executemany(
                "UPDATE job_items SET status = ?, document_id = ?, relations = ?, problem = ? "
                "WHERE job_id = ? AND position = ? AND status IS NULL",
                [(row[2], row[3], row[4], row[5], job_id, row[0]) for row in map(_job_item_row, items)],
            )
            conn.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now_iso(), job_id))

    def finish_job(self, job_id: str, worker: str) -> bool:
        now = now_iso()
        with self._write() as conn:
            return conn.execute(
                "UPDATE jobs SET state = 'done', worker = NULL, lease_until = NULL, finished_at = ?, updated_at = ? "
                "WHERE id = ? AND worker = ? AND state = 'running' "
                "AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = ? AND status IS NULL)",
                (now, now, job_id, worker, job_id),
            ).rowcount > 0

    # -- documents ---------------------------------------------------------------------

    def find_duplicate(self, url: str | None, content_hash: str) -> Document | None:
        row = self.db.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE content_hash = ? OR (url IS NOT NULL AND url = ?) LIMIT 1",
            (content_hash, url),
        ).fetchone()
        return self._document(row) if row else None

    def add_document(self, document, claims, vectors, relations, member: StoryMember | None = None) -> Document:
        """Store a document, its claims and relations, and (given ``member``) join it to
        its story, all in one transaction."""
        vectors = np.asarray(vectors, dtype=np.float32)
        created = now_iso()
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO documents (id, url, title, source, published_at, text, content_hash, "
                    "metadata, claims_count, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        document.id, document.url, document.title, document.source, document.published_at,
                        document.text, document.content_hash, json.dumps(document.metadata or {}),
                        len(claims), created,
                    ),
                )
                conn.executemany(
                    "INSERT INTO claims (id, document_id, position, source, published_at, text, span_start, "
                    "span_end, kind, checkworthiness, facts, event_date, context, vector) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            c.id, document.id, i, document.source, document.published_at, c.text, c.span[0],
                            c.span[1], c.kind, float(c.checkworthiness), json.dumps(c.facts.to_dict()),
                            c.event_date, c.context, vectors[i].tobytes(),
                        )
                        for i, c in enumerate(claims)
                    ],
                )
                _insert_relations(conn, document.id, relations, created)
                if member is not None:
                    self._join_story(conn, document.id, member, created)
        except sqlite3.IntegrityError:
            existing = self.find_duplicate(document.url, document.content_hash)
            if existing is None:
                raise
            raise DuplicateDocument(existing) from None
        stored = self.get_document(document.id)
        assert stored is not None
        return stored

    def get_document(self, document_id: str) -> Document | None:
        row = self.db.conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?",
                                   (document_id,)).fetchone()
        return self._document(row) if row else None

    def list_documents(self, *, source=None, since=None, until=None, story=None, limit=50, cursor=None) -> Page:
        where, params = ["seq < ?"], [decode_cursor(cursor, default=NO_CURSOR)]
        if story is not None:
            where.append("story_id = ?")
            params.append(story)
        if source is not None:
            where.append("source = ?")
            params.append(source)
        if since is not None:
            where.append("published_at >= ?")
            params.append(since)
        if until is not None:
            where.append("published_at <= ?")
            params.append(until)
        rows = self.db.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        return page([self._document(r) for r in rows[:limit]], rows, limit, key=lambda r: r["seq"])

    def delete_document(self, document_id: str) -> bool:
        with self._write() as conn:
            member = self._story_member(conn, document_id)
            # The removal log is kept by the claims' delete trigger.
            deleted = conn.execute("DELETE FROM documents WHERE id = ?", (document_id,)).rowcount > 0
            if deleted and member is not None:
                self._leave_story(conn, member)
            return deleted

    def _document(self, row) -> Document:
        data = {name: row[name] for name in row.keys() if name != "seq"}
        data["metadata"] = json.loads(data["metadata"] or "{}")
        return Document(**data)

    # -- stories -----------------------------------------------------------------------

    def candidate_stories(self, reach: tuple[str, str] | None, limit: int) -> list[StoryState]:
        """Stories a document may join: those whose dates reach ``reach`` (a first and a
        last day; None: any), or that have no dates; the most recently active first."""
        where, params = "", []
        if reach is not None:
            where = "WHERE first_seen IS NULL OR (first_seen <= ? AND last_seen >= ?)"
            params = [reach[1], reach[0]]
        rows = self.db.conn.execute(
            f"SELECT {_STORY_STATE_COLUMNS} FROM stories {where} ORDER BY updated_at DESC, seq DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [_story_state(r) for r in rows]

    def _join_story(self, conn, document_id: str, member: StoryMember, now: str) -> None:
        """Join ``member``'s document to its story, creating the story if it is new (or
        was emptied meanwhile); called inside the document's write transaction."""
        conn.execute(
            "UPDATE documents SET story_id = ?, story_vector = ?, story_names = ?, story_date = ?, "
            "story_headline = ? WHERE id = ?",
            (member.story_id, _blob(member.vector), json.dumps(member.names), member.date, member.headline,
             document_id),
        )
        row = conn.execute(f"SELECT {_STORY_STATE_COLUMNS} FROM stories WHERE id = ?", (member.story_id,)).fetchone()
        state = joined(_story_state(row) if row else None, member)
        if row is None:
            conn.execute(
                "INSERT INTO stories (id, title, first_seen, last_seen, documents_count, vector_sum, names, "
                "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (state.id, member.headline, state.first_seen, state.last_seen, state.documents_count,
                 _blob(state.vector_sum), json.dumps(state.names), now, now),
            )
        else:
            self._save_story(conn, state, now)

    def _leave_story(self, conn, member: StoryMember) -> None:
        """Take a deleted document's part back out of its story; an emptied story goes."""
        row = conn.execute(f"SELECT {_STORY_STATE_COLUMNS} FROM stories WHERE id = ?", (member.story_id,)).fetchone()
        if row is None:
            return
        state = left(_story_state(row), member)
        if state.documents_count <= 0:
            conn.execute("DELETE FROM stories WHERE id = ?", (state.id,))
            return
        state.first_seen, state.last_seen, title = conn.execute(
            "SELECT MIN(story_date), MAX(story_date), "
            "(SELECT story_headline FROM documents WHERE story_id = ?1 ORDER BY seq LIMIT 1) "
            "FROM documents WHERE story_id = ?1", (state.id,),
        ).fetchone()
        self._save_story(conn, state, now_iso())
        # The title is the headline of its first document, which may just have gone.
        conn.execute("UPDATE stories SET title = ? WHERE id = ?", (title, state.id))

    def _save_story(self, conn, state: StoryState, now: str) -> None:
        conn.execute(
            "UPDATE stories SET first_seen = ?, last_seen = ?, documents_count = ?, vector_sum = ?, names = ?, "
            "updated_at = ? WHERE id = ?",
            (state.first_seen, state.last_seen, state.documents_count, _blob(state.vector_sum),
             json.dumps(state.names), now, state.id),
        )

    def _story_member(self, conn, document_id: str) -> StoryMember | None:
        row = conn.execute(
            "SELECT story_id, story_vector, story_names, story_date, story_headline FROM documents "
            "WHERE id = ? AND story_id IS NOT NULL", (document_id,),
        ).fetchone()
        if row is None:
            return None
        return StoryMember(story_id=row["story_id"], vector=_vector(row["story_vector"]),
                           names=json.loads(row["story_names"]), date=row["story_date"],
                           headline=row["story_headline"] or "")

    def list_stories(self, *, source=None, since=None, until=None, min_documents=None, limit=50,
                     cursor=None) -> Page:
        """Stories, newest first; ``since``/``until`` keep those whose dates overlap the range."""
        where, params = ["seq < ?"], [decode_cursor(cursor, default=NO_CURSOR)]
        if source is not None:
            where.append("id IN (SELECT story_id FROM documents WHERE source = ?)")
            params.append(source)
        if since is not None:
            where.append("last_seen >= ?")
            params.append(since[:10])
        if until is not None:
            where.append("first_seen <= ?")
            params.append(until[:10])
        if min_documents is not None:
            where.append("documents_count >= ?")
            params.append(min_documents)
        rows = self.db.conn.execute(
            "SELECT seq, id, title, first_seen, last_seen, documents_count, created_at, updated_at FROM stories "
            f"WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        return page(self._stories(rows[:limit]), rows, limit, key=lambda r: r["seq"])

    def get_story(self, story_id: str) -> Story | None:
        rows = self.db.conn.execute(
            "SELECT seq, id, title, first_seen, last_seen, documents_count, created_at, updated_at FROM stories "
            "WHERE id = ?", (story_id,),
        ).fetchall()
        stories = self._stories(rows)
        return stories[0] if stories else None

    def _stories(self, rows) -> list[Story]:
        """Stories with their sources and their relation counts (relations between two
        of their documents), in two queries per page."""
        stories = [Story(**{name: r[name] for name in r.keys() if name != "seq"}) for r in rows]
        if not stories:
            return stories
        by_id = {s.id: s for s in stories}
        marks = ",".join("?" * len(by_id))
        conn = self.db.conn
        for story_id, source in conn.execute(
            f"SELECT DISTINCT story_id, source FROM documents WHERE story_id IN ({marks}) AND source IS NOT NULL "
            "ORDER BY story_id, source", list(by_id),
        ):
            by_id[story_id].sources.append(source)
        for story_id, kind, n in conn.execute(
            "SELECT da.story_id, r.kind, COUNT(*) FROM relations r "
            "JOIN documents da ON da.id = r.document_a JOIN documents db ON db.id = r.document_b "
            f"WHERE da.story_id IN ({marks}) AND db.story_id = da.story_id "
            "GROUP BY da.story_id, r.kind", list(by_id),
        ):
            by_id[story_id].relations[kind] = n
        return stories

    # -- re-analysis: the corpus replayed in storage order (service/reanalysis.py) ----------

    def reanalysis_state(self) -> dict | None:
        """The unfinished re-analysis, if any: ``until`` (the last document seq it covers),
        ``done`` (the seq it has reached), ``total`` and ``finished`` (documents)."""
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = 'reanalysis'").fetchone()
        return json.loads(row[0]) if row else None

    def begin_reanalysis(self) -> dict:
        """Start a re-analysis of every document stored now: stories are rebuilt from
        nothing as documents are replayed, so they all leave their stories here."""
        with self._write() as conn:
            until, total = conn.execute("SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM documents").fetchone()
            state = {"until": until, "done": 0, "total": total, "finished": 0, "started_at": now_iso()}
            conn.execute("UPDATE documents SET story_id = NULL, story_vector = NULL, story_names = '[]', "
                         "story_date = NULL, story_headline = NULL")
            conn.execute("DELETE FROM stories")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('reanalysis', ?)", (json.dumps(state),))
        return state

    def end_reanalysis(self) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'reanalysis'")

    def documents_to_reanalyze(self, after: int, until: int, limit: int) -> list[tuple[int, Document]]:
        """Documents with ``after < seq <= until``, in storage order, with their seq."""
        rows = self.db.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            (after, until, limit),
        ).fetchall()
        return [(r["seq"], self._document(r)) for r in rows]

    def vectors_through(self, document_seq: int, after: int, limit: int) -> VectorBatch:
        """Vectors of the claims of documents up to ``document_seq``, claim seq after
        ``after``, oldest first: what a replay that reached that document has seen."""
        rows = self.db.conn.execute(
            "SELECT c.seq, c.id, c.document_id, c.vector FROM claims c JOIN documents d ON d.id = c.document_id "
            "WHERE d.seq <= ? AND c.seq > ? ORDER BY c.seq LIMIT ?",
            (document_seq, after, limit),
        ).fetchall()
        if not rows:
            return VectorBatch([], [], np.zeros((0, 0), dtype=np.float32), after)
        return _vector_batch(rows)

    def save_reanalysis(self, seq: int, document: Document, claims: list[Claim], member: StoryMember | None,
                        relations: list[Relation]) -> bool:
        """One replayed document, in one transaction with the watermark: its claims' new
        facts, its story, and its relations to earlier documents. A pair judged again
        keeps its relation's id, review status, note and reviewed kind; a pair no longer
        judged goes unless a person reviewed it. False, and nothing saved, when the run
        is over or already past ``seq`` (another process replaying at the same time)."""
        now = now_iso()
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'reanalysis'").fetchone()
            state = json.loads(row[0]) if row else None
            if state is None or seq <= state["done"]:
                return False
            conn.executemany(
                "UPDATE claims SET kind = ?, checkworthiness = ?, facts = ?, event_date = ? WHERE id = ?",
                [(c.kind, float(c.checkworthiness), json.dumps(c.facts.to_dict()), c.event_date, c.id)
                 for c in claims],
            )
            if member is not None:
                self._join_story(conn, document.id, member, now)
            existing = {(a, b): id_ for id_, a, b in conn.execute(
                "SELECT id, claim_a, claim_b FROM relations WHERE document_a = ?", (document.id,))}
            judged = {(r.claim_a_id, r.claim_b_id) for r in relations}
            conn.executemany(
                "UPDATE relations SET kind = ?, confidence = ?, similarity = ?, conflicts = ?, conflict_types = ?, "
                "explanation = ?, evidence = ?, updated_at = ? WHERE id = ?",
                [
                    (r.kind, float(r.confidence), float(r.similarity), json.dumps([c.to_dict() for c in r.conflicts]),
                     ",".join(sorted({c.type for c in r.conflicts})), r.explanation, json.dumps(r.evidence or {}),
                     now, existing[(r.claim_a_id, r.claim_b_id)])
                    for r in relations if (r.claim_a_id, r.claim_b_id) in existing
                ],
            )
            _insert_relations(conn, document.id,
                              [r for r in relations if (r.claim_a_id, r.claim_b_id) not in existing], now)
            conn.executemany(
                "DELETE FROM relations WHERE id = ? AND status = 'suggested'",
                [(id_,) for pair, id_ in existing.items() if pair not in judged],
            )
            state.update(done=seq, finished=state["finished"] + 1)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'reanalysis'", (json.dumps(state),))
        return True

    def story_claims(self, story_id: str, limit: int) -> list[Claim]:
        """The claims of a story's documents, newest first, at most ``limit``."""
        rows = self.db.conn.execute(
            f"SELECT {_CLAIM_COLUMNS} FROM claims c JOIN documents d ON d.id = c.document_id "
            "WHERE d.story_id = ? ORDER BY c.seq DESC LIMIT ?",
            (story_id, limit),
        ).fetchall()
        return [_claim(r) for r in rows]

    def story_timeline(self, story_id: str, limit: int) -> list[Claim]:
        """The dated claims of a story's documents, in the order of what they report."""
        rows = self.db.conn.execute(
            f"SELECT {_CLAIM_COLUMNS} FROM claims c JOIN documents d ON d.id = c.document_id "
            "WHERE d.story_id = ? AND c.event_date IS NOT NULL "
            "ORDER BY c.event_date, c.published_at, d.seq, c.position LIMIT ?",
            (story_id, limit),
        ).fetchall()
        return [_claim(r) for r in rows]

    # -- claims --------------------------------------------------------------------------

    def document_claims(self, document_id: str, *, limit=50, cursor=None) -> Page:
        rows = self.db.conn.execute(
            f"SELECT {_CLAIM_COLUMNS}, c.position FROM claims c WHERE c.document_id = ? AND c.position > ? "
            "ORDER BY c.position LIMIT ?",
            (document_id, decode_cursor(cursor, default=-1), limit + 1),
        ).fetchall()
        return page([_claim(r) for r in rows[:limit]], rows, limit, key=lambda r: r["position"])

    def get_claim(self, claim_id: str) -> Claim | None:
        return self.get_claims([claim_id]).get(claim_id)

    def get_claims(self, claim_ids: list[str]) -> dict[str, Claim]:
        rows = self._rows_in(f"SELECT {_CLAIM_COLUMNS} FROM claims c WHERE c.id IN", claim_ids)
        return {r["id"]: _claim(r) for r in rows}

    def _rows_in(self, select: str, keys: list):
        """Rows of ``select ... IN (keys)``, in chunks: SQLite caps a statement's parameters."""
        ids = list(dict.fromkeys(keys))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield from self.db.conn.execute(f"{select} ({','.join('?' * len(chunk))})", chunk).fetchall()

    # -- relations -----------------------------------------------------------------------

    def claim_relations(self, claim_id: str, *, limit=50, cursor=None) -> Page:
        return self._relations(["(r.claim_a = ? OR r.claim_b = ?)"], [claim_id, claim_id], limit, cursor)

    def list_relations(self, filters: RelationFilter, *, limit=50, cursor=None) -> Page:
        where, params = relation_conditions(filters, "(ca.source = ? OR cb.source = ?)")
        return self._relations(where, params, limit, cursor)

    def get_relation(self, relation_id: str) -> Relation | None:
        found = self._relations(["r.id = ?"], [relation_id], 1, None)
        return found.items[0] if found.items else None

    def review_relation(self, relation_id: str, status: str, note: str | None) -> Relation | None:
        # A review is of the verdict it was given to: remember its kind (none once back to suggested).
        reviewed = "CASE WHEN ? = 'suggested' THEN NULL ELSE kind END"
        with self._write() as conn:
            if note is None:
                changed = conn.execute(
                    f"UPDATE relations SET status = ?, reviewed_kind = {reviewed}, updated_at = ? WHERE id = ?",
                    (status, status, now_iso(), relation_id),
                ).rowcount
            else:
                changed = conn.execute(
                    f"UPDATE relations SET status = ?, reviewed_kind = {reviewed}, note = ?, updated_at = ? "
                    "WHERE id = ?",
                    (status, status, note, now_iso(), relation_id),
                ).rowcount
        return self.get_relation(relation_id) if changed else None

    def _relations(self, where: list[str], params: list, limit: int, cursor: str | None) -> Page:
        """A page of relations (the joins serve the source filter), then both claims of
        each in one more query."""
        where = ["r.seq < ?", *where]
        params = [decode_cursor(cursor, default=NO_CURSOR), *params]
        rows = self.db.conn.execute(
            "SELECT r.seq, r.id, r.claim_a, r.claim_b, r.kind, r.confidence, r.similarity, r.explanation, "
            "r.conflicts, r.evidence, r.status, r.note, r.created_at, r.updated_at, r.reviewed_kind "
            "FROM relations r JOIN claims ca ON ca.id = r.claim_a JOIN claims cb ON cb.id = r.claim_b "
            f"WHERE {' AND '.join(where)} ORDER BY r.seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
        claims = self.get_claims([r[side] for r in rows[:limit] for side in ("claim_a", "claim_b")])
        return page([_relation(r, claims) for r in rows[:limit]], rows, limit, key=lambda r: r["seq"])

    # -- vectors and search --------------------------------------------------------------

    def get_vectors(self, claim_ids: list[str]) -> dict[str, np.ndarray]:
        rows = self._rows_in("SELECT id, vector FROM claims WHERE id IN", claim_ids)
        return {r["id"]: np.frombuffer(r["vector"], dtype=np.float32) for r in rows}

    def vectors_since(self, watermark: int, limit: int | None = None) -> VectorBatch:
        """Vectors after ``watermark``, oldest first; at most ``limit`` of them, so a
        large corpus can be read in bounded chunks."""
        rows = self.db.conn.execute(
            "SELECT seq, id, document_id, vector FROM claims WHERE seq > ? ORDER BY seq LIMIT ?",
            (watermark, -1 if limit is None else limit),
        ).fetchall()
        if not rows:
            return VectorBatch([], [], np.zeros((0, 0), dtype=np.float32), watermark)
        return _vector_batch(rows)

    def vector_state(self) -> VectorState:
        """Where the claims and the removal log stand now: what an index must have seen."""
        marks = self._marks()
        (count,) = self.db.conn.execute("SELECT COUNT(*) FROM claims").fetchone()
        return VectorState(marks.store_id, marks.added, marks.removed, count)

    def _marks(self) -> Marks:
        """The last claim added and the last removal logged, by AUTOINCREMENT's high-water
        marks: they never go back, even when the newest rows are deleted."""
        found = dict(self.db.conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        return Marks(self._store_id, found.get("claims", 0), found.get("removed_claims", 0))

    def removed_since(self, watermark: int) -> tuple[list[str], int]:
        rows = self.db.conn.execute(
            "SELECT seq, claim_id FROM removed_claims WHERE seq > ? ORDER BY seq", (watermark,)
        ).fetchall()
        return [r["claim_id"] for r in rows], (rows[-1]["seq"] if rows else watermark)

    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """BM25 over claim texts; higher is better. Any query string is safe here."""
        words = " ".join(re.findall(r"\w+", query))
        if not words:
            return []
        self._lexical.refresh(self._lexical_source(), wait=False)
        hits = self._lexical.search(words, limit)
        ids = dict(self._rows_in("SELECT seq, id FROM claims WHERE seq IN", [seq for seq, _ in hits]))
        # A claim deleted since the index last caught up is no answer.
        return [(ids[seq], score) for seq, score in hits if seq in ids]

    def warm_up(self) -> None:
        """Bring the lexical index up to date now, and wait for it (a search does not)."""
        self._lexical.refresh(self._lexical_source())

    def _lexical_source(self) -> Source:
        def claims_since(seq: int, limit: int) -> list[tuple[int, str, str]]:
            return self.db.conn.execute(
                "SELECT seq, id, text FROM claims WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
            ).fetchall()

        return Source(self._marks, claims_since, self.removed_since)

    # -- copying a whole store (crossfact migrate) ----------------------------------------

    def count_rows(self, table: str) -> int:
        portable_columns(table)
        return self.db.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def export_rows(self, table: str, after: int, limit: int) -> tuple[list[dict], int]:
        position = _EXPORT_ORDER.get(table, "seq")
        columns = portable_columns(table)
        cursor = self.db.conn.execute(
            f"SELECT {position} AS position_, {', '.join(columns)} FROM {table} WHERE {position} > ? "
            f"ORDER BY {position} LIMIT ?", (after, limit))
        rows = [dict(row) for row in cursor.fetchall()]
        last = rows[-1]["position_"] if rows else after
        return [_portable_row(row, columns) for row in rows], last

    def bulk_loading(self):
        """Nothing to defer: the indexes beside the file catch up on their next use."""
        return nullcontext()

    def import_rows(self, table: str, rows: list[dict]) -> None:
        columns = portable_columns(table)
        stored = [
            {name: json.dumps(row[name]) if name in JSON_COLUMNS else _blob(row[name]) if name == "vector"
             else row[name] for name in columns}
            for row in rows
        ]
        with self._write():
            self.db[table].insert_all(stored, batch_size=1000)

    def source_stats(self) -> list[SourceStats]:
        conn = self.db.conn
        sources = conn.execute(
            "SELECT source, COUNT(*), COALESCE(SUM(claims_count), 0) FROM documents GROUP BY source ORDER BY source"
        ).fetchall()
        pairs = conn.execute(
            "SELECT ca.source, cb.source, r.kind, COUNT(*) FROM relations r "
            "JOIN claims ca ON ca.id = r.claim_a JOIN claims cb ON cb.id = r.claim_b "
            "WHERE r.kind IN ('agreement', 'contradiction') GROUP BY ca.source, cb.source, r.kind"
        ).fetchall()
        return source_stats(sources, pairs)

def _claim(row) -> Claim:
    return Claim(
        id=row["id"], document_id=row["document_id"], source=row["source"], published_at=row["published_at"],
        text=row["text"], span=(row["span_start"], row["span_end"]), kind=row["kind"],
        checkworthiness=row["checkworthiness"], facts=Facts.from_dict(json.loads(row["facts"])),
        event_date=row["event_date"], context=row["context"], story_id=row["story_id"],
    )


def _relation(row, claims: dict[str, Claim]) -> Relation:
    return Relation(
        id=row["id"], claim_a_id=row["claim_a"], claim_b_id=row["claim_b"], kind=row["kind"],
        confidence=row["confidence"], similarity=row["similarity"], explanation=row["explanation"],
        conflicts=[Conflict.from_dict(c) for c in json.loads(row["conflicts"])],
        evidence=json.loads(row["evidence"] or "{}"), status=row["status"], note=row["note"],
        created_at=row["created_at"], updated_at=row["updated_at"], reviewed_kind=row["reviewed_kind"],
        claim_a=claims[row["claim_a"]], claim_b=claims[row["claim_b"]],
    )


def _vector_batch(rows) -> VectorBatch:
    """A batch of rows of seq, id, document_id and vector, oldest first (at least one)."""
    vectors = np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows])
    return VectorBatch([r["id"] for r in rows], [r["document_id"] for r in rows], vectors, rows[-1]["seq"])


def _insert_relations(conn, document_id: str, relations: list[Relation], created: str) -> None:
    """New relations from ``document_id``'s claims (claim_a) to earlier ones (claim_b)."""
    conn.executemany(
        "INSERT OR IGNORE INTO relations (id, claim_a, claim_b, document_a, document_b, kind, "
        "confidence, similarity, conflicts, conflict_types, explanation, evidence, status, created_at) "
        "SELECT ?,?,?,?, document_id, ?,?,?,?,?,?,?, 'suggested', ? FROM claims WHERE id = ?",
        [
            (
                r.id, r.claim_a_id, r.claim_b_id, document_id, r.kind, float(r.confidence), float(r.similarity),
                json.dumps([c.to_dict() for c in r.conflicts]), ",".join(sorted({c.type for c in r.conflicts})),
                r.explanation, json.dumps(r.evidence or {}), created, r.claim_b_id,
            )
            for r in relations
        ],
    )



def _portable_row(row: dict, columns: tuple[str, ...]) -> dict:
    out = {}
    for name in columns:
        value = row[name]
        if name in JSON_COLUMNS:
            value = json.loads(value) if value is not None else None
        elif name == "vector":
            value = np.frombuffer(value, dtype=np.float32)
        out[name] = value
    return out


def _job_item_row(item: JobItem) -> tuple:
    """A JobItem as the columns of _JOB_ITEM_COLUMNS, in order."""
    return (
        item.position, None if item.document is None else json.dumps(item.document), item.status, item.document_id,
        None if item.relations is None else json.dumps(item.relations),
        None if item.problem is None else json.dumps(item.problem),
    )


def _job_item(row) -> JobItem:
    return JobItem(**{name: json.loads(row[name]) if name in _JOB_JSON and row[name] else row[name]
                      for name in row.keys()})


_JOB_JSON = frozenset({"document", "relations", "problem"})


def _story_state(row) -> StoryState:
    return StoryState(id=row["id"], first_seen=row["first_seen"], last_seen=row["last_seen"],
                      documents_count=row["documents_count"], vector_sum=_vector(row["vector_sum"]),
                      names=json.loads(row["names"] or "{}"))


def _blob(vector) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def _vector(blob) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()

