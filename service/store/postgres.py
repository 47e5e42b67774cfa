"""The shared store: one PostgreSQL database with pgvector, for many processes and hosts.

Every process (API replicas, workers, the CLI) reads and writes the same database:
claims' vectors sit under one HNSW index that every process searches in the
database (``nearest_claims``), so no process keeps a copy that could fall behind;
claim texts are searched with full-text search over a GIN index.

Connections come from a psycopg pool. Each method is one transaction: an ingest
commits its document, claims, relations and story together or not at all, so a
process killed half-way leaves nothing behind. A database that cannot be reached
(restarting, cut off) raises ``StoreUnavailable``, which the API answers with 503;
the pool checks each connection before handing it out and opens new ones once the
database is back, so the service recovers without a restart.

Rows are read as dicts and decoded by column name.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg.adapt import Dumper
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb, set_json_dumps
from psycopg_pool import ConnectionPool, PoolTimeout

from service.models import (
    Claim, Conflict, Document, Facts, Relation, SourceStats, Story, StoryMember, StoryState, finite,
)
from service.story import joined, left
from service.store.base import (
    JSON_COLUMNS, PORTABLE_TABLES, portable_columns, ApiKey, Job, JobItem, JobLost, DuplicateDocument, Page, RelationFilter, StoreUnavailable, VectorBatch, VectorState,
)
from service.store.common import NO_CURSOR, decode_cursor, now_iso, page, relation_conditions, source_stats
from service.store.lexical import terms
from service.store.postgres_schema import (
    DIMENSION, FIRST_KEY_LOCK, INGEST_LOCK, META, MIGRATION_LOCK, MIGRATIONS, SCHEMA_VERSION, TEXT_SEARCH_CONFIG, VECTOR_INDEX,
)

_DOCUMENT_COLUMNS = (
    "d.seq, d.id, d.url, d.title, d.source, d.published_at, d.text, d.content_hash, d.metadata, d.claims_count, "
    "d.created_at, d.story_id"
)
_CLAIM_SELECT = (
    "SELECT c.seq, c.id, c.document_id, c.position, c.source, c.published_at, c.text, c.span_start, c.span_end, "
    "c.kind, c.checkworthiness, c.facts, c.event_date, c.context, d.story_id "
    "FROM claims c JOIN documents d ON d.id = c.document_id"
)
_RELATION_COLUMNS = (
    "r.seq, r.id, r.claim_a, r.claim_b, r.kind, r.confidence, r.similarity, r.explanation, r.conflicts, "
    "r.evidence, r.status, r.note, r.created_at, r.updated_at, r.reviewed_kind"
)
_WORDS = f"to_tsvector('{TEXT_SEARCH_CONFIG}', %s)"  # a claim's analysed terms, as full-text search keeps them
_STORY_STATE_COLUMNS = "id, first_seen, last_seen, documents_count, vector_sum, names"
_EPOCH_NOW = "extract(epoch FROM clock_timestamp())"  # seconds, on the database's clock
_JOB_COLUMNS = (
    "id, state, total, attempts, worker, lease_until, error, created_at, started_at, finished_at, "
    "(SELECT COUNT(*) FROM job_items i WHERE i.job_id = jobs.id AND i.status IS NOT NULL) AS done, "
    "(SELECT COUNT(*) FROM job_items i WHERE i.job_id = jobs.id AND i.status >= 400) AS failed"
)
_JOB_ITEM_COLUMNS = "position, document, status, document_id, relations, problem"
_STORY_COLUMNS = "seq, id, title, first_seen, last_seen, documents_count, created_at, updated_at"


class PostgresStore:
    """Store implementation over one PostgreSQL database (see ``service.store.base.Store``)."""

    schema_version = SCHEMA_VERSION

    def __init__(self, url: str, *, pool_size: int = 10, timeout_s: float = 5.0):
        self.url = url
        self._local = threading.local()  # this thread's ingest turn, if one is open
        self.pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, timeout=timeout_s, open=False, name="crossfact",
            configure=_configure, check=ConnectionPool.check_connection,
            kwargs={"row_factory": dict_row, "connect_timeout": max(1, int(timeout_s))},
        )
        try:
            self.pool.open(wait=True, timeout=timeout_s)
        except PoolTimeout as exc:
            self.pool.close()
            raise StoreUnavailable(f"cannot connect to the database: {exc}") from exc
        self._migrate()
        self._store_id = self._meta("store_id")

    # -- connections and transactions ------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in one transaction: it commits when the block ends, or
        rolls back on any error. Inside this thread's ingest turn it is the turn's
        connection, and the block a savepoint: it fails whole, and commits with the turn.
        A lost database becomes StoreUnavailable."""
        turn = getattr(self._local, "turn", None)
        try:
            if turn is not None:
                with turn.transaction():
                    yield turn
                return
            with self.pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreUnavailable("no database connection within the pool's timeout") from exc
        except psycopg.OperationalError as exc:
            # Class 08 (connection exception), 57P (shutdown, crash, cannot connect now),
            # or no code at all: the connection itself was lost.
            if exc.sqlstate is None or exc.sqlstate.startswith(("08", "57P")):
                raise StoreUnavailable(f"the database connection was lost: {exc}") from exc
            raise

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def exclusive_ingest(self):
        """The caller's turn to match, relate and store (see ``Store.exclusive_ingest``):
        one transaction that first takes a transaction-level advisory lock, which its
        commit or rollback releases, and so does the death of its process (the server
        ends the session). This thread's store calls inside run in that transaction."""
        if getattr(self._local, "turn", None) is not None:
            raise RuntimeError("an ingest turn is already open on this thread")
        with self._connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (INGEST_LOCK,))
            self._local.turn = conn
            try:
                yield
            finally:
                self._local.turn = None

    def _migrate(self) -> None:
        with self._connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(META)
            conn.execute("INSERT INTO meta VALUES ('schema_version', '0') ON CONFLICT DO NOTHING")
            # Names this database, as SQLite's store_id does.
            conn.execute("INSERT INTO meta VALUES ('store_id', %s) ON CONFLICT DO NOTHING", (uuid.uuid4().hex,))
            stored = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()["value"])
            if stored > SCHEMA_VERSION:
                raise RuntimeError(f"the database has schema version {stored}; this crossfact knows up to "
                                   f"{SCHEMA_VERSION}")
            for version in sorted(v for v in MIGRATIONS if v > stored):
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(version),))
            # pgvector's types exist from the first migration on, made by this process or by
            # another that held the lock first while this connection was being opened: adapt
            # them on this connection now (the pool's later connections find them at once).
            register_vector(conn)

    def _meta(self, key: str) -> str | None:
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return row["value"] if row else None

    def stored_schema_version(self) -> int:
        return int(self._meta("schema_version"))

    def ping(self) -> bool:
        try:
            with self._connection() as conn:
                return conn.execute("SELECT 1 AS one").fetchone()["one"] == 1
        except StoreUnavailable:
            return False

    # -- API keys ------------------------------------------------------------------------

    def create_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey:
        created = now_iso()
        with self._connection() as conn:
            row = conn.execute(
                "INSERT INTO api_keys (key_hash, scope, name, created_at) VALUES (%s, %s, %s, %s) RETURNING *",
                (key_hash, scope, name, created),
            ).fetchone()
        return ApiKey(**row)

    def create_first_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey | None:
        # The check runs under a lock that every process creating a first key takes.
        with self._connection() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (FIRST_KEY_LOCK,))
            if conn.execute("SELECT EXISTS (SELECT 1 FROM api_keys) AS any").fetchone()["any"]:
                return None
            row = conn.execute(
                "INSERT INTO api_keys (key_hash, scope, name, created_at) VALUES (%s, %s, %s, %s) RETURNING *",
                (key_hash, scope, name, now_iso()),
            ).fetchone()
        return ApiKey(**row)

    def find_api_key(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, unless it was revoked."""
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL",
                               (key_hash,)).fetchone()
        return ApiKey(**row) if row else None

    def list_api_keys(self) -> list[ApiKey]:
        with self._connection() as conn:
            return [ApiKey(**row) for row in conn.execute("SELECT * FROM api_keys ORDER BY id")]

    def revoke_api_key(self, key_id: int) -> bool:
        with self._connection() as conn:
            return conn.execute("UPDATE api_keys SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL",
                                (now_iso(), key_id)).rowcount > 0

    def has_api_keys(self) -> bool:
        """Whether auth is on: a key was ever created (revoked ones count too)."""
        with self._connection() as conn:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM api_keys) AS any").fetchone()["any"]

    # -- ingest jobs: a queue every worker shares (see ``JobStore``) ---------------------

    def create_job(self, job: Job) -> Job:
        now = now_iso()
        items = job.items or []
        waiting = any(item.status is None for item in items)
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO jobs (id, state, total, created_at, finished_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (job.id, "queued" if waiting else "done", len(items), now, None if waiting else now, now),
            )
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO job_items (job_id, {_JOB_ITEM_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(job.id, *_job_item_row(item)) for item in items],
                )
        stored = self.get_job(job.id)
        assert stored is not None
        return stored

    def get_job(self, job_id: str, with_items: bool = True) -> Job | None:
        with self._connection() as conn:
            row = conn.execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = %s", (job_id,)).fetchone()
            if row is None:
                return None
            job = Job(**row)
            if with_items:
                job.items = [JobItem(**r) for r in conn.execute(
                    f"SELECT {_JOB_ITEM_COLUMNS} FROM job_items WHERE job_id = %s ORDER BY position", (job_id,))]
        return job

    def claim_job(self, worker: str, lease_s: float, max_attempts: int) -> Job | None:
        """The oldest waiting job, taken with ``FOR UPDATE SKIP LOCKED``: workers claiming
        at once each lock a different row instead of queuing on one."""
        now = now_iso()
        with self._connection() as conn:
            conn.execute(
                "UPDATE jobs SET state = 'failed', worker = NULL, lease_until = NULL, finished_at = %s, "
                "updated_at = %s, error = 'its worker stopped before finishing it ' || attempts || ' times' "
                f"WHERE state = 'running' AND lease_until < {_EPOCH_NOW} AND attempts >= %s",
                (now, now, max_attempts),
            )
            row = conn.execute(
                "SELECT id FROM jobs WHERE state = 'queued' "
                f"OR (state = 'running' AND lease_until < {_EPOCH_NOW}) ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED"
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                f"UPDATE jobs SET state = 'running', worker = %s, lease_until = {_EPOCH_NOW} + %s, "
                "attempts = attempts + 1, started_at = COALESCE(started_at, %s), updated_at = %s WHERE id = %s",
                (worker, lease_s, now, now, row["id"]),
            )
        return self.get_job(row["id"], with_items=False)

    def renew_job_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        with self._connection() as conn:
            return conn.execute(
                f"UPDATE jobs SET lease_until = {_EPOCH_NOW} + %s, updated_at = %s "
                "WHERE id = %s AND worker = %s AND state = 'running'",
                (lease_s, now_iso(), job_id, worker),
            ).rowcount > 0

    def release_job(self, job_id: str, worker: str) -> bool:
        with self._connection() as conn:
            return conn.execute(
                "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = attempts - 1, "
                "updated_at = %s WHERE id = %s AND worker = %s AND state = 'running'",
                (now_iso(), job_id, worker),
            ).rowcount > 0

    def pending_job_items(self, job_id: str, limit: int) -> list[JobItem]:
        with self._connection() as conn:
            return [JobItem(**r) for r in conn.execute(
                f"SELECT {_JOB_ITEM_COLUMNS} FROM job_items WHERE job_id = %s AND status IS NULL "
                "ORDER BY position LIMIT %s", (job_id, limit))]

    def record_job_items(self, job_id: str, worker: str, items: list[JobItem]) -> None:
        with self._connection() as conn:
            # Locked: a worker taking the job up meanwhile waits for this to commit.
            holder = conn.execute("SELECT worker FROM jobs WHERE id = %s AND state = 'running' FOR UPDATE",
                                  (job_id,)).fetchone()
            if holder is None or holder["worker"] != worker:
                raise JobLost(job_id)
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE job_items SET status = %s, document_id = %s, relations = %s, problem = %s "
                    "WHERE job_id = %s AND position = %s AND status IS NULL",
                    [(row[2], row[3], row[4], row[5], job_id, row[0]) for row in map(_job_item_row, items)],
                )
            conn.execute("UPDATE jobs SET updated_at = %s WHERE id = %s", (now_iso(), job_id))

    def finish_job(self, job_id: str, worker: str) -> bool:
        now = now_iso()
        with self._connection() as conn:
            return conn.execute(
                "UPDATE jobs SET state = 'done', worker = NULL, lease_until = NULL, finished_at = %s, "
                "updated_at = %s WHERE id = %s AND worker = %s AND state = 'running' "
                "AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = %s AND status IS NULL)",
                (now, now, job_id, worker, job_id),
            ).rowcount > 0

    # -- documents ---------------------------------------------------------------------

    def find_duplicate(self, url: str | None, content_hash: str) -> Document | None:
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.content_hash = %s "
                "OR (%s::text IS NOT NULL AND d.url = %s) LIMIT 1",
                (content_hash, url, url),
            ).fetchone()
        return _document(row) if row else None

    def add_document(self, document, claims, vectors, relations, member: StoryMember | None = None) -> Document:
        """Store a document, its claims and relations, and (given ``member``) join it to
        its story, all in one transaction."""
        vectors = np.asarray(vectors, dtype=np.float32)
        created = now_iso()
        try:
            with self._connection() as conn:
                conn.execute(
                    "INSERT INTO documents (id, url, title, source, published_at, text, content_hash, metadata, "
                    "claims_count, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (document.id, document.url, document.title, document.source, document.published_at,
                     document.text, document.content_hash, Jsonb(document.metadata or {}), len(claims), created),
                )
                with conn.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO claims (id, document_id, position, source, published_at, text, span_start, "
                        "span_end, kind, checkworthiness, facts, event_date, context, vector, words) "
                        f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {_WORDS})",
                        [
                            (c.id, document.id, i, document.source, document.published_at, c.text, c.span[0],
                             c.span[1], c.kind, float(c.checkworthiness), Jsonb(c.facts.to_dict()), c.event_date,
                             c.context, _checked(vectors[i]), analysed(c.text))
                            for i, c in enumerate(claims)
                        ],
                    )
                _insert_relations(conn, document.id, relations, created)
                if member is not None:
                    self._join_story(conn, document.id, member, created)
        except psycopg.errors.UniqueViolation:
            existing = self.find_duplicate(document.url, document.content_hash)
            if existing is None:
                raise
            raise DuplicateDocument(existing) from None
        stored = self.get_document(document.id)
        assert stored is not None
        return stored

    def get_document(self, document_id: str) -> Document | None:
        with self._connection() as conn:
            row = conn.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.id = %s",
                               (document_id,)).fetchone()
        return _document(row) if row else None

    def list_documents(self, *, source=None, since=None, until=None, story=None, limit=50, cursor=None) -> Page:
        where, params = ["d.seq < %s"], [decode_cursor(cursor, default=NO_CURSOR)]
        for clause, value in (("d.story_id = %s", story), ("d.source = %s", source),
                              ("d.published_at >= %s", since), ("d.published_at <= %s", until)):
            if value is not None:
                where.append(clause)
                params.append(value)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE {' AND '.join(where)} "
                "ORDER BY d.seq DESC LIMIT %s",
                (*params, limit + 1),
            ).fetchall()
        return page([_document(r) for r in rows[:limit]], rows, limit, key=lambda r: r["seq"])

    def delete_document(self, document_id: str) -> bool:
        with self._connection() as conn:
            member = _story_member(conn, document_id)
            # The removal log is kept by the claims' delete trigger.
            deleted = conn.execute("DELETE FROM documents WHERE id = %s", (document_id,)).rowcount > 0
            if deleted and member is not None:
                self._leave_story(conn, member)
            return deleted

    # -- stories -----------------------------------------------------------------------

    def candidate_stories(self, reach: tuple[str, str] | None, limit: int) -> list[StoryState]:
        """Stories a document may join: those whose dates reach ``reach`` (a first and a
        last day; None: any), or that have no dates; the most recently active first."""
        where, params = "", []
        if reach is not None:
            where = "WHERE first_seen IS NULL OR (first_seen <= %s AND last_seen >= %s)"
            params = [reach[1], reach[0]]
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_STORY_STATE_COLUMNS} FROM stories {where} ORDER BY updated_at DESC, seq DESC LIMIT %s",
                (*params, limit),
            ).fetchall()
        return [_story_state(r) for r in rows]

    def _join_story(self, conn, document_id: str, member: StoryMember, now: str) -> None:
        """Join ``member``'s document to its story, creating the story if it is new (or
        was emptied meanwhile). The story's row is locked: concurrent joins queue."""
        conn.execute(
            "UPDATE documents SET story_id = %s, story_vector = %s, story_names = %s, story_date = %s, "
            "story_headline = %s WHERE id = %s",
            (member.story_id, _blob(member.vector), Jsonb(member.names), member.date, member.headline, document_id),
        )
        while True:
            row = conn.execute(f"SELECT {_STORY_STATE_COLUMNS} FROM stories WHERE id = %s FOR UPDATE",
                               (member.story_id,)).fetchone()
            state = joined(_story_state(row) if row else None, member)
            if row is not None:
                self._save_story(conn, state, now)
                return
            inserted = conn.execute(
                "INSERT INTO stories (id, title, first_seen, last_seen, documents_count, vector_sum, names, "
                "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (state.id, member.headline, state.first_seen, state.last_seen, state.documents_count,
                 _blob(state.vector_sum), Jsonb(state.names), now, now),
            ).rowcount
            if inserted:
                return
            # Another transaction created it at the same moment: join that one.

    def _leave_story(self, conn, member: StoryMember) -> None:
        """Take a deleted document's part back out of its story; an emptied story goes."""
        row = conn.execute(f"SELECT {_STORY_STATE_COLUMNS} FROM stories WHERE id = %s FOR UPDATE",
                           (member.story_id,)).fetchone()
        if row is None:
            return
        state = left(_story_state(row), member)
        if state.documents_count <= 0:
            conn.execute("DELETE FROM stories WHERE id = %s", (state.id,))
            return
        bounds = conn.execute(
            "SELECT MIN(story_date) AS first, MAX(story_date) AS last, "
            "(SELECT story_headline FROM documents WHERE story_id = %(id)s ORDER BY seq LIMIT 1) AS title "
            "FROM documents WHERE story_id = %(id)s", {"id": state.id},
        ).fetchone()
        state.first_seen, state.last_seen = bounds["first"], bounds["last"]
        self._save_story(conn, state, now_iso())
        # The title is the headline of its first document, which may just have gone.
        conn.execute("UPDATE stories SET title = %s WHERE id = %s", (bounds["title"], state.id))

    def _save_story(self, conn, state: StoryState, now: str) -> None:
        conn.execute(
            "UPDATE stories SET first_seen = %s, last_seen = %s, documents_count = %s, vector_sum = %s, "
            "names = %s, updated_at = %s WHERE id = %s",
            (state.first_seen, state.last_seen, state.documents_count, _blob(state.vector_sum), Jsonb(state.names),
             now, state.id),
        )

    def list_stories(self, *, source=None, since=None, until=None, min_documents=None, limit=50,
                     cursor=None) -> Page:
        """Stories, newest first; ``since``/``until`` keep those whose dates overlap the range."""
        where, params = ["seq < %s"], [decode_cursor(cursor, default=NO_CURSOR)]
        for clause, value in (("id IN (SELECT story_id FROM documents WHERE source = %s)", source),
                              ("last_seen >= %s", since and since[:10]), ("first_seen <= %s", until and until[:10]),
                              ("documents_count >= %s", min_documents)):
            if value is not None:
                where.append(clause)
                params.append(value)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_STORY_COLUMNS} FROM stories WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT %s",
                (*params, limit + 1),
            ).fetchall()
            stories = self._stories(conn, rows[:limit])
        return page(stories, rows, limit, key=lambda r: r["seq"])

    def get_story(self, story_id: str) -> Story | None:
        with self._connection() as conn:
            rows = conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = %s", (story_id,)).fetchall()
            stories = self._stories(conn, rows)
        return stories[0] if stories else None

    def _stories(self, conn, rows) -> list[Story]:
        """Stories with their sources and their relation counts (relations between two
        of their documents), in two queries per page."""
        stories = [Story(**{k: v for k, v in r.items() if k != "seq"}) for r in rows]
        if not stories:
            return stories
        by_id = {s.id: s for s in stories}
        for row in conn.execute(
            "SELECT DISTINCT story_id, source FROM documents WHERE story_id = ANY(%s) AND source IS NOT NULL "
            "ORDER BY story_id, source", (list(by_id),),
        ):
            by_id[row["story_id"]].sources.append(row["source"])
        for row in conn.execute(
            "SELECT da.story_id, r.kind, COUNT(*) AS n FROM relations r "
            "JOIN documents da ON da.id = r.document_a JOIN documents db ON db.id = r.document_b "
            "WHERE da.story_id = ANY(%s) AND db.story_id = da.story_id GROUP BY da.story_id, r.kind",
            (list(by_id),),
        ):
            by_id[row["story_id"]].relations[row["kind"]] = row["n"]
        return stories

    def story_claims(self, story_id: str, limit: int) -> list[Claim]:
        """The claims of a story's documents, newest first, at most ``limit``."""
        with self._connection() as conn:
            rows = conn.execute(f"{_CLAIM_SELECT} WHERE d.story_id = %s ORDER BY c.seq DESC LIMIT %s",
                                (story_id, limit)).fetchall()
        return [_claim(r) for r in rows]

    def story_timeline(self, story_id: str, limit: int) -> list[Claim]:
        """The dated claims of a story's documents, in the order of what they report."""
        with self._connection() as conn:
            rows = conn.execute(
                f"{_CLAIM_SELECT} WHERE d.story_id = %s AND c.event_date IS NOT NULL "
                "ORDER BY c.event_date, c.published_at, d.seq, c.position LIMIT %s",
                (story_id, limit),
            ).fetchall()
        return [_claim(r) for r in rows]

    # -- re-analysis (service/reanalysis.py) ----------------------------------------------

    def reanalysis_state(self) -> dict | None:
        value = self._meta("reanalysis")
        return json.loads(value) if value else None

    def begin_reanalysis(self) -> dict:
        with self._connection() as conn:
            conn.execute("LOCK TABLE stories IN EXCLUSIVE MODE")
            row = conn.execute("SELECT COALESCE(MAX(seq), 0) AS until, COUNT(*) AS total FROM documents").fetchone()
            state = {"until": row["until"], "done": 0, "total": row["total"], "finished": 0, "started_at": now_iso()}
            conn.execute("UPDATE documents SET story_id = NULL, story_vector = NULL, story_names = '[]', "
                         "story_date = NULL, story_headline = NULL")
            conn.execute("DELETE FROM stories")
            conn.execute("INSERT INTO meta VALUES ('reanalysis', %s) ON CONFLICT (key) DO UPDATE SET value = "
                         "EXCLUDED.value", (json.dumps(state),))
        return state

    def end_reanalysis(self) -> None:
        with self._connection() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'reanalysis'")

    def documents_to_reanalyze(self, after: int, until: int, limit: int) -> list[tuple[int, Document]]:
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.seq > %s AND d.seq <= %s ORDER BY d.seq "
                "LIMIT %s", (after, until, limit),
            ).fetchall()
        return [(r["seq"], _document(r)) for r in rows]

    def vectors_through(self, document_seq: int, after: int, limit: int) -> VectorBatch:
        """Vectors of the claims of documents up to ``document_seq``, claim seq after ``after``."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT c.seq, c.id, c.document_id, c.vector FROM claims c JOIN documents d ON d.id = c.document_id "
                "WHERE d.seq <= %s AND c.seq > %s ORDER BY c.seq LIMIT %s",
                (document_seq, after, limit),
            ).fetchall()
        return _vector_batch(rows, after)

    def save_reanalysis(self, seq: int, document: Document, claims: list[Claim], member: StoryMember | None,
                        relations: list[Relation]) -> bool:
        """One replayed document, in one transaction with the watermark (see SQLiteStore)."""
        now = now_iso()
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'reanalysis' FOR UPDATE").fetchone()
            state = json.loads(row["value"]) if row else None
            if state is None or seq <= state["done"]:
                return False
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE claims SET kind = %s, checkworthiness = %s, facts = %s, event_date = %s WHERE id = %s",
                    [(c.kind, float(c.checkworthiness), Jsonb(c.facts.to_dict()), c.event_date, c.id)
                     for c in claims],
                )
            if member is not None:
                self._join_story(conn, document.id, member, now)
            existing = {(r["claim_a"], r["claim_b"]): r["id"] for r in conn.execute(
                "SELECT id, claim_a, claim_b FROM relations WHERE document_a = %s", (document.id,))}
            judged = {(r.claim_a_id, r.claim_b_id) for r in relations}
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE relations SET kind = %s, confidence = %s, similarity = %s, conflicts = %s, "
                    "conflict_types = %s, explanation = %s, evidence = %s, updated_at = %s WHERE id = %s",
                    [(r.kind, float(r.confidence), float(r.similarity), *_conflicts(r), r.explanation,
                      Jsonb(r.evidence or {}), now, existing[(r.claim_a_id, r.claim_b_id)])
                     for r in relations if (r.claim_a_id, r.claim_b_id) in existing],
                )
            _insert_relations(conn, document.id,
                              [r for r in relations if (r.claim_a_id, r.claim_b_id) not in existing], now)
            gone = [id_ for pair, id_ in existing.items() if pair not in judged]
            conn.execute("DELETE FROM relations WHERE id = ANY(%s) AND status = 'suggested'", (gone,))
            state.update(done=seq, finished=state["finished"] + 1)
            conn.execute("UPDATE meta SET value = %s WHERE key = 'reanalysis'", (json.dumps(state),))
        return True

    # -- claims --------------------------------------------------------------------------

    def document_claims(self, document_id: str, *, limit=50, cursor=None) -> Page:
        with self._connection() as conn:
            rows = conn.execute(
                f"{_CLAIM_SELECT} WHERE c.document_id = %s AND c.position > %s ORDER BY c.position LIMIT %s",
                (document_id, decode_cursor(cursor, default=-1), limit + 1),
            ).fetchall()
        return page([_claim(r) for r in rows[:limit]], rows, limit, key=lambda r: r["position"])

    def get_claim(self, claim_id: str) -> Claim | None:
        return self.get_claims([claim_id]).get(claim_id)

    def get_claims(self, claim_ids: list[str]) -> dict[str, Claim]:
        if not claim_ids:
            return {}
        with self._connection() as conn:
            return self._claims(conn, claim_ids)

    def _claims(self, conn, claim_ids: list[str]) -> dict[str, Claim]:
        rows = conn.execute(f"{_CLAIM_SELECT} WHERE c.id = ANY(%s)", (list(dict.fromkeys(claim_ids)),))
        return {r["id"]: _claim(r) for r in rows}

    # -- relations -----------------------------------------------------------------------

    def claim_relations(self, claim_id: str, *, limit=50, cursor=None) -> Page:
        return self._relations(["(r.claim_a = %s OR r.claim_b = %s)"], [claim_id, claim_id], limit, cursor)

    def list_relations(self, filters: RelationFilter, *, limit=50, cursor=None) -> Page:
        where, params = relation_conditions(filters, _RELATION_SOURCE)
        return self._relations([condition.replace("?", "%s") for condition in where], params, limit, cursor)

    def get_relation(self, relation_id: str) -> Relation | None:
        found = self._relations(["r.id = %s"], [relation_id], 1, None)
        return found.items[0] if found.items else None

    def review_relation(self, relation_id: str, status: str, note: str | None) -> Relation | None:
        # A review is of the verdict it was given to: remember its kind (none once back to suggested).
        with self._connection() as conn:
            changed = conn.execute(
                "UPDATE relations SET status = %(status)s, "
                "reviewed_kind = CASE WHEN %(status)s = 'suggested' THEN NULL ELSE kind END, "
                "note = CASE WHEN %(keep)s THEN note ELSE %(note)s END, updated_at = %(now)s WHERE id = %(id)s",
                {"status": status, "keep": note is None, "note": note, "now": now_iso(), "id": relation_id},
            ).rowcount
        return self.get_relation(relation_id) if changed else None

    def _relations(self, where: list[str], params: list, limit: int, cursor: str | None) -> Page:
        where = ["r.seq < %s", *where]
        params = [decode_cursor(cursor, default=NO_CURSOR), *params]
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {_RELATION_COLUMNS} FROM relations r WHERE {' AND '.join(where)} "
                "ORDER BY r.seq DESC LIMIT %s",
                (*params, limit + 1),
            ).fetchall()
            claims = self._claims(conn, [r[side] for r in rows[:limit] for side in ("claim_a", "claim_b")])
        return page([_relation(r, claims) for r in rows[:limit]], rows, limit, key=lambda r: r["seq"])

    def source_stats(self) -> list[SourceStats]:
        with self._connection() as conn, conn.cursor(row_factory=tuple_row) as cursor:
            sources = cursor.execute(
                "SELECT source, COUNT(*), COALESCE(SUM(claims_count), 0) FROM documents GROUP BY source "
                "ORDER BY source"
            ).fetchall()
            pairs = cursor.execute(
                "SELECT ca.source, cb.source, r.kind, COUNT(*) FROM relations r "
                "JOIN claims ca ON ca.id = r.claim_a JOIN claims cb ON cb.id = r.claim_b "
                "WHERE r.kind IN ('agreement', 'contradiction') GROUP BY ca.source, cb.source, r.kind"
            ).fetchall()
        return source_stats(sources, [(a, b, kind, int(n)) for a, b, kind, n in pairs])

    # -- copying a whole store (crossfact migrate) ----------------------------------------

    def count_rows(self, table: str) -> int:
        portable_columns(table)
        with self._connection() as conn:
            return conn.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()["n"]

    def export_rows(self, table: str, after: int, limit: int) -> tuple[list[dict], int]:
        position = "id" if table == "api_keys" else "seq"  # keys keep their ids
        columns = portable_columns(table)
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {position} AS position_, {', '.join(columns)} FROM {table} WHERE {position} > %s "
                f"ORDER BY {position} LIMIT %s", (after, limit)).fetchall()
        last = rows[-1]["position_"] if rows else after
        for row in rows:
            del row["position_"]
            if "vector" in row:
                row["vector"] = row["vector"].to_numpy()
        return rows, last

    @contextmanager
    def bulk_loading(self, build_memory: str = "1GB"):
        """Claims loaded inside go in without the HNSW index, which is built once at the
        end (with ``build_memory`` for the build): much faster than growing the graph row
        by row. A graph that outgrows that memory is finished on disk, many times slower
        (a million claims need about 3 GB). Searches meanwhile scan every vector; if the
        block fails, the index is still rebuilt."""
        with self._connection() as conn:
            conn.execute("DROP INDEX IF EXISTS claims_vector")
        try:
            yield
        finally:
            with self._connection() as conn:
                conn.execute(f"SET LOCAL maintenance_work_mem = '{build_memory}'")
                conn.execute(VECTOR_INDEX)

    def import_rows(self, table: str, rows: list[dict]) -> None:
        """Claims go in by binary COPY through a staging table (their ``words`` are
        analysed on the way); other tables by a pipelined executemany."""
        columns = portable_columns(table)
        if not rows:
            return
        with self._connection() as conn:
            if table == "claims":
                _copy_claims(conn, rows)
                return
            # Keys keep their ids (the CLI revokes by id); the identity then continues after them.
            overriding = "OVERRIDING SYSTEM VALUE " if "id" in columns and table == "api_keys" else ""
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) {overriding}"
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    [[Jsonb(row[name]) if name in JSON_COLUMNS else row[name] for name in columns] for row in rows],
                )
            if overriding:
                conn.execute("SELECT setval(pg_get_serial_sequence('api_keys', 'id'), "
                             "(SELECT MAX(id) FROM api_keys))")

    # -- vectors and search --------------------------------------------------------------

    def nearest_claims(self, settings) -> PgVectorIndex:
        """The HNSW index inside the database: shared by every process, always current."""
        return PgVectorIndex(self)

    def nearest(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """For each query vector, up to ``k`` ``(claim_id, cosine)`` pairs, best first,
        from the HNSW index: one round trip for all of them (pipeline mode)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if k <= 0 or not len(vectors):
            return [[] for _ in range(len(vectors))]
        with self._connection() as conn:
            # The candidates the graph search keeps: it returns at most this many rows.
            conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(min(1000, max(100, 2 * k))),))
            with conn.pipeline():
                cursors = [
                    conn.execute("SELECT id, 1 - (vector <=> %(q)s) AS similarity FROM claims "
                                 "ORDER BY vector <=> %(q)s LIMIT %(k)s", {"q": _checked(v), "k": k})
                    for v in vectors
                ]
            return [[(r["id"], float(r["similarity"])) for r in cursor.fetchall()] for cursor in cursors]

    def get_vectors(self, claim_ids: list[str]) -> dict[str, np.ndarray]:
        if not claim_ids:
            return {}
        with self._connection() as conn:
            rows = conn.execute("SELECT id, vector FROM claims WHERE id = ANY(%s)", (list(dict.fromkeys(claim_ids)),))
            return {r["id"]: r["vector"].to_numpy() for r in rows}

    def vectors_since(self, watermark: int, limit: int | None = None) -> VectorBatch:
        """Vectors after ``watermark``, oldest first (see ``VectorLog``: not for following
        a database that others write to at the same time)."""
        with self._connection() as conn:
            rows = conn.execute("SELECT seq, id, document_id, vector FROM claims WHERE seq > %s ORDER BY seq "
                                "LIMIT %s", (watermark, limit)).fetchall()
        return _vector_batch(rows, watermark)

    def vector_state(self) -> VectorState:
        with self._connection() as conn:
            row = conn.execute(
                "SELECT (SELECT COALESCE(MAX(seq), 0) FROM claims) AS added, "
                "(SELECT COALESCE(MAX(seq), 0) FROM removed_claims) AS removed, "
                "(SELECT COUNT(*) FROM claims) AS count").fetchone()
        return VectorState(self._store_id, row["added"], row["removed"], row["count"])

    def removed_since(self, watermark: int) -> tuple[list[str], int]:
        with self._connection() as conn:
            rows = conn.execute("SELECT seq, claim_id FROM removed_claims WHERE seq > %s ORDER BY seq",
                                (watermark,)).fetchall()
        return [r["claim_id"] for r in rows], (rows[-1]["seq"] if rows else watermark)

    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """Full-text search over claim texts, any of the query's words, best ``ts_rank``
        first; higher is better. Any query string is safe here: only its words are used."""
        unique = list(dict.fromkeys(terms(query)))
        if not unique or limit <= 0:
            return []
        with self._connection() as conn:
            rows = conn.execute(
                f"WITH q AS (SELECT to_tsquery('{TEXT_SEARCH_CONFIG}', %(terms)s) AS query) "
                "SELECT c.id, ts_rank(c.words, q.query) AS score FROM claims c, q WHERE c.words @@ q.query "
                "ORDER BY score DESC, c.seq LIMIT %(limit)s",
                {"terms": " | ".join(unique), "limit": limit},
            ).fetchall()
        return [(r["id"], float(r["score"])) for r in rows]

    def warm_up(self) -> None:
        """Nothing to bring up to date: the database keeps its indexes current at each commit."""
        self.ping()


class PgVectorIndex:
    """``NearestClaims`` over the database's HNSW index: nothing to load or refresh."""

    def __init__(self, store: PostgresStore):
        self.store = store

    def refresh(self, store) -> None:
        """The index in the database is current at every commit."""

    def search(self, vectors, k: int) -> list[list[tuple[str, float]]]:
        return self.store.nearest(vectors, k)


def _configure(conn: psycopg.Connection) -> None:
    """Each new pooled connection adapts numpy vectors to pgvector's type (once the
    extension exists: the first connection of a new database is made before it), and
    Python text and JSON to what PostgreSQL can keep."""
    conn.adapters.register_dumper(str, _NulFreeText)
    set_json_dumps(_json_dumps, context=conn)
    if conn.execute("SELECT 1 FROM pg_type WHERE typname = 'vector'").fetchone():
        register_vector(conn)
    conn.commit()


class _NulFreeText(Dumper):
    """PostgreSQL text cannot hold NUL, which SQLite can: it becomes U+FFFD, as an
    undecodable byte does. The API refuses NUL in what it stores, so this reaches only
    lookups (an id with NUL in a path finds nothing, as on SQLite) and files given to
    the CLI. The type is left for the server to infer, as psycopg's own text dumper does."""

    oid = 0

    def dump(self, obj: str) -> bytes:
        return obj.replace("\x00", "\ufffd").encode()


def _json_dumps(value) -> str:
    """JSON as jsonb takes it: NaN and infinities (which SQLite rows of older versions
    hold, and JSON has no word for) become null, as the API answers them anyway."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False)




def analysed(text: str) -> str:
    """A claim's terms as ``words`` keeps them (see ``postgres_schema``)."""
    return " ".join(terms(text))


def _checked(vector: np.ndarray) -> np.ndarray:
    if vector.shape != (DIMENSION,):
        raise ValueError(f"a vector of {vector.shape} where the schema holds {DIMENSION} dimensions")
    return vector



# Either claim of a relation from a source: without the joins SQLite's listing makes.
_RELATION_SOURCE = ("(EXISTS (SELECT 1 FROM claims ca WHERE ca.id = r.claim_a AND ca.source = ?) "
                    "OR EXISTS (SELECT 1 FROM claims cb WHERE cb.id = r.claim_b AND cb.source = ?))")

_CLAIM_COPY = PORTABLE_TABLES["claims"][:-1]  # all but the vector, which is copied on its own


def _copy_claims(conn, rows: list[dict]) -> None:
    """Append claims in their order: binary COPY into a staging table, then one INSERT
    that analyses their terms into ``words`` (COPY itself cannot call a function)."""
    conn.execute(
        "CREATE TEMP TABLE claims_staging (ord BIGINT, id TEXT, document_id TEXT, position INTEGER, source TEXT, "
        "published_at TEXT, text TEXT, span_start INTEGER, span_end INTEGER, kind TEXT, "
        f"checkworthiness DOUBLE PRECISION, facts JSONB, event_date TEXT, context TEXT, vector vector({DIMENSION}), "
        "terms TEXT) ON COMMIT DROP"
    )
    types = ["bigint", "text", "text", "integer", "text", "text", "text", "integer", "integer", "text",
             "double precision", "jsonb", "text", "text", "vector", "text"]
    with conn.cursor() as cursor:
        with cursor.copy(f"COPY claims_staging (ord, {', '.join(_CLAIM_COPY)}, vector, terms) FROM STDIN "
                         "WITH (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for i, row in enumerate(rows):
                copy.write_row([i, *(Jsonb(row[n]) if n in JSON_COLUMNS else row[n] for n in _CLAIM_COPY),
                                _checked(np.asarray(row["vector"], dtype=np.float32)), analysed(row["text"])])
    conn.execute(
        f"INSERT INTO claims ({', '.join(_CLAIM_COPY)}, vector, words) "
        f"SELECT {', '.join(_CLAIM_COPY)}, vector, to_tsvector('{TEXT_SEARCH_CONFIG}', terms) FROM claims_staging "
        "ORDER BY ord"
    )
    conn.execute("DROP TABLE claims_staging")


def _document(row) -> Document:
    return Document(
        id=row["id"], url=row["url"], title=row["title"], source=row["source"], published_at=row["published_at"],
        text=row["text"], content_hash=row["content_hash"], metadata=row["metadata"] or {},
        claims_count=row["claims_count"], created_at=row["created_at"], story_id=row["story_id"],
    )


def _claim(row) -> Claim:
    return Claim(
        id=row["id"], document_id=row["document_id"], source=row["source"], published_at=row["published_at"],
        text=row["text"], span=(row["span_start"], row["span_end"]), kind=row["kind"],
        checkworthiness=row["checkworthiness"], facts=Facts.from_dict(row["facts"]), event_date=row["event_date"],
        context=row["context"], story_id=row["story_id"],
    )


def _relation(row, claims: dict[str, Claim]) -> Relation:
    return Relation(
        id=row["id"], claim_a_id=row["claim_a"], claim_b_id=row["claim_b"], kind=row["kind"],
        confidence=row["confidence"], similarity=row["similarity"], explanation=row["explanation"],
        conflicts=[Conflict.from_dict(c) for c in row["conflicts"]], evidence=row["evidence"] or {},
        status=row["status"], note=row["note"], created_at=row["created_at"], updated_at=row["updated_at"],
        reviewed_kind=row["reviewed_kind"], claim_a=claims[row["claim_a"]], claim_b=claims[row["claim_b"]],
    )


def _job_item_row(item: JobItem) -> tuple:
    """A JobItem as the columns of _JOB_ITEM_COLUMNS, in order."""
    return (item.position, _jsonb(item.document), item.status, item.document_id, _jsonb(item.relations),
            _jsonb(item.problem))


def _jsonb(value) -> Jsonb | None:
    return None if value is None else Jsonb(value)


def _conflicts(r: Relation) -> tuple[Jsonb, str]:
    return Jsonb([c.to_dict() for c in r.conflicts]), ",".join(sorted({c.type for c in r.conflicts}))


def _insert_relations(conn, document_id: str, relations: list[Relation], created: str) -> None:
    """New relations from ``document_id``'s claims (claim_a) to earlier ones (claim_b)."""
    if not relations:
        return
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO relations (id, claim_a, claim_b, document_a, document_b, kind, confidence, similarity, "
            "conflicts, conflict_types, explanation, evidence, status, created_at) "
            "SELECT %s, %s, %s, %s, document_id, %s, %s, %s, %s, %s, %s, %s, 'suggested', %s FROM claims "
            "WHERE id = %s ON CONFLICT DO NOTHING",
            [(r.id, r.claim_a_id, r.claim_b_id, document_id, r.kind, float(r.confidence), float(r.similarity),
              *_conflicts(r), r.explanation, Jsonb(r.evidence or {}), created, r.claim_b_id)
             for r in relations],
        )


def _story_member(conn, document_id: str) -> StoryMember | None:
    row = conn.execute(
        "SELECT story_id, story_vector, story_names, story_date, story_headline FROM documents "
        "WHERE id = %s AND story_id IS NOT NULL", (document_id,),
    ).fetchone()
    if row is None:
        return None
    return StoryMember(story_id=row["story_id"], vector=_vector(row["story_vector"]), names=row["story_names"],
                       date=row["story_date"], headline=row["story_headline"] or "")


def _story_state(row) -> StoryState:
    return StoryState(id=row["id"], first_seen=row["first_seen"], last_seen=row["last_seen"],
                      documents_count=row["documents_count"], vector_sum=_vector(row["vector_sum"]),
                      names=row["names"] or {})


def _vector_batch(rows, watermark: int) -> VectorBatch:
    if not rows:
        return VectorBatch([], [], np.zeros((0, 0), dtype=np.float32), watermark)
    vectors = np.stack([r["vector"].to_numpy() for r in rows])
    return VectorBatch([r["id"] for r in rows], [r["document_id"] for r in rows], vectors, rows[-1]["seq"])


def _blob(vector) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def _vector(blob) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype=np.float32).copy()
