"""The Store interface: everything crossfact keeps, behind methods with no SQL in sight.

Two implementations: SQLite (one file, the embedded default) and PostgreSQL (one
database for many processes and hosts). The interface is split by concern; ``Store``
is all of them. Callers speak in models (Document, Claim, Relation) and opaque cursors.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from service.models import Claim, Document, Relation, SourceStats, Story, StoryMember, StoryState


class DuplicateDocument(Exception):
    """Raised by ``add_document`` when the url or content is already stored."""

    def __init__(self, existing: Document):
        super().__init__(existing.id)
        self.existing = existing


class BadCursor(ValueError):
    """A pagination cursor that this store did not hand out."""


# Every cursor a store hands out, and nothing else: a position in a listing's order,
# in decimal, below 10**18 so that it fits any database's 64-bit integer.
CURSOR_PATTERN = r"^(?:0|[1-9][0-9]{0,17})$"


@dataclass
class Page:
    items: list
    next_cursor: str | None


@dataclass
class RelationFilter:
    kind: str | None = None
    conflict: str | None = None
    document: str | None = None
    story: str | None = None  # both claims' documents in this story
    source: str | None = None
    status: str | None = None
    min_confidence: float | None = None


@dataclass
class VectorBatch:
    """Vectors added to the store after some watermark, for keeping an index current."""

    ids: list[str]
    document_ids: list[str]
    vectors: np.ndarray
    watermark: int


@dataclass
class VectorState:
    """The store's vector watermarks now: an index that has seen up to ``added`` and
    ``removed`` of this ``store_id`` is current; ``count`` is how many claims there are."""

    store_id: str
    added: int
    removed: int
    count: int


@dataclass
class ApiKey:
    """A stored API key: only the sha256 of the key itself is kept."""

    id: int
    key_hash: str
    scope: str  # "read" or "write"; write keys may read too
    name: str | None
    created_at: str
    revoked_at: str | None = None


class StoreUnavailable(Exception):
    """The database cannot be reached now (a restart, a network cut, a full pool): the
    request may succeed if tried again; nothing was stored."""


JOB_STATES = ("queued", "running", "done", "failed")


class JobLost(Exception):
    """The job is no longer this worker's: its hold lapsed and another worker took it
    up, or it ended. What the worker was writing with it must not commit."""


@dataclass
class JobItem:
    """One document of an ingest job, and its result once it has one.

    ``document`` is the item as posted and validated (the fields of an Article), None
    when it failed validation. ``status`` is None while the item waits; then 201
    (stored, ``document_id`` and ``relations`` set), 200 (a duplicate of
    ``document_id``) or an error status with ``problem`` (``title``, ``detail`` and
    ``errors``, as a problem+json body has them)."""

    position: int
    document: dict | None = None
    status: int | None = None
    document_id: str | None = None
    relations: dict[str, int] | None = None
    problem: dict | None = None


@dataclass
class Job:
    """An ingest job: documents queued for ``crossfact worker``.

    ``state`` is one of JOB_STATES: queued (no worker holds it), running (a worker
    holds it until ``lease_until``, seconds since the epoch on the database's clock),
    done (every item has its result) or failed (``error`` says why). ``attempts``
    counts the workers that took it up. ``items`` is filled only when asked for."""

    id: str
    state: str
    total: int
    done: int = 0  # items with a result
    failed: int = 0  # items whose result is an error
    attempts: int = 0
    worker: str | None = None
    lease_until: float | None = None
    error: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    items: list[JobItem] | None = None


class NearestClaims(Protocol):
    """The vector index the pipeline matches against: the stored claims nearest to each
    query vector, as ``(claim_id, cosine)`` best first. ``refresh`` brings an index that
    lives in this process up to what the store holds; an index inside the database
    is always current."""

    def refresh(self, store) -> None: ...
    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]: ...


class KeyStore(Protocol):
    def create_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey: ...
    def create_first_api_key(self, key_hash: str, scope: str, name: str | None = None) -> ApiKey | None:
        """Create this key only if the store holds no key at all (revoked ones count);
        None if it holds one. Atomic: of processes doing this at once, at most one
        creates a key. SQLite: check and insert in one ``BEGIN IMMEDIATE``; PostgreSQL:
        take ``pg_advisory_xact_lock`` (or lock the table) before the check."""
        ...
    def find_api_key(self, key_hash: str) -> ApiKey | None: ...
    def list_api_keys(self) -> list[ApiKey]: ...
    def revoke_api_key(self, key_id: int) -> bool: ...
    def has_api_keys(self) -> bool: ...


class DocumentStore(Protocol):
    def find_duplicate(self, url: str | None, content_hash: str) -> Document | None: ...
    def add_document(
        self, document: Document, claims: list[Claim], vectors: np.ndarray, relations: list[Relation],
        member: StoryMember | None = None,
    ) -> Document: ...
    def get_document(self, document_id: str) -> Document | None: ...
    def list_documents(
        self, *, source: str | None, since: str | None, until: str | None, story: str | None, limit: int,
        cursor: str | None,
    ) -> Page: ...
    def delete_document(self, document_id: str) -> bool: ...
    def document_claims(self, document_id: str, *, limit: int, cursor: str | None) -> Page: ...
    def get_claim(self, claim_id: str) -> Claim | None: ...
    def get_claims(self, claim_ids: list[str]) -> dict[str, Claim]: ...


class StoryStore(Protocol):
    def candidate_stories(self, reach: tuple[str, str] | None, limit: int) -> list[StoryState]: ...
    def list_stories(
        self, *, source: str | None, since: str | None, until: str | None, min_documents: int | None, limit: int,
        cursor: str | None,
    ) -> Page: ...
    def get_story(self, story_id: str) -> Story | None: ...
    def story_timeline(self, story_id: str, limit: int) -> list[Claim]: ...
    def story_claims(self, story_id: str, limit: int) -> list[Claim]: ...


class ReanalysisStore(Protocol):
    def reanalysis_state(self) -> dict | None: ...
    def begin_reanalysis(self) -> dict: ...
    def end_reanalysis(self) -> None: ...
    def documents_to_reanalyze(self, after: int, until: int, limit: int) -> list[tuple[int, Document]]: ...
    def vectors_through(self, document_seq: int, after: int, limit: int) -> VectorBatch: ...
    def save_reanalysis(self, seq: int, document: Document, claims: list[Claim], member: StoryMember | None,
                        relations: list[Relation]) -> bool: ...


class RelationStore(Protocol):
    def claim_relations(self, claim_id: str, *, limit: int, cursor: str | None) -> Page: ...
    def list_relations(self, filters: RelationFilter, *, limit: int, cursor: str | None) -> Page: ...
    def get_relation(self, relation_id: str) -> Relation | None: ...
    def review_relation(self, relation_id: str, status: str, note: str | None) -> Relation | None: ...
    def source_stats(self) -> list[SourceStats]: ...


class JobStore(Protocol):
    """Ingest jobs: a queue in the database that any number of workers share."""

    def create_job(self, job: Job) -> Job:
        """Store a new job with its items (``job.items``; those with a status already,
        e.g. invalid ones, count as done); queued, or done at once if none waits."""
        ...

    def get_job(self, job_id: str, with_items: bool = True) -> Job | None: ...

    def claim_job(self, worker: str, lease_s: float, max_attempts: int) -> Job | None:
        """Take up the oldest job that is queued or whose holder's lease lapsed, for
        ``worker`` until ``lease_s`` seconds from now (the database's clock, so hosts'
        clocks need not agree); None when none waits. Atomic: of workers claiming at
        once, each job goes to one. A lapsed job already taken up ``max_attempts`` times
        fails instead. SQLite: one ``BEGIN IMMEDIATE``; PostgreSQL:
        ``SELECT ... FOR UPDATE SKIP LOCKED`` then the update, in one transaction."""
        ...

    def renew_job_lease(self, job_id: str, worker: str, lease_s: float) -> bool:
        """Extend ``worker``'s hold by ``lease_s`` from now; False when it is not the
        worker's any more (taken up by another, or ended)."""
        ...

    def release_job(self, job_id: str, worker: str) -> bool:
        """A worker stopping cleanly hands its job back to the queue at once (this
        take-up not counted as an attempt); False if it was not the worker's."""
        ...

    def pending_job_items(self, job_id: str, limit: int) -> list[JobItem]:
        """Items without a result yet, in order, at most ``limit``."""
        ...

    def record_job_items(self, job_id: str, worker: str, items: list[JobItem]) -> None:
        """Record items' results, only for items that have none yet; raises JobLost
        (and records nothing) if ``worker`` no longer holds the job. Called inside an
        ``exclusive_ingest`` turn, it commits with the document that turn stores, so an
        item is stored and recorded together or not at all. PostgreSQL: the job row is
        read ``FOR UPDATE``, so a claim by another worker waits for this to commit."""
        ...

    def finish_job(self, job_id: str, worker: str) -> bool:
        """Mark the job done if ``worker`` holds it and every item has its result."""
        ...


class SearchStore(Protocol):
    def nearest_claims(self, settings) -> NearestClaims: ...  # the vector index to match against
    def get_vectors(self, claim_ids: list[str]) -> dict[str, np.ndarray]: ...
    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]: ...
    def warm_up(self) -> None: ...  # bring what lexical_search reads up to date now, and wait for it


# What ``crossfact migrate`` copies, table by table in this order, and the columns of
# each, named alike in both schemas; a row travels as a dict of plain values: JSON
# columns as Python objects, ``vector`` as a float32 array, other vectors as float32 bytes.
PORTABLE_TABLES: dict[str, tuple[str, ...]] = {
    "api_keys": ("id", "key_hash", "scope", "name", "created_at", "revoked_at"),
    "stories": ("id", "title", "first_seen", "last_seen", "documents_count", "vector_sum", "names", "created_at",
                "updated_at"),
    "documents": ("id", "url", "title", "source", "published_at", "text", "content_hash", "metadata",
                  "claims_count", "created_at", "story_id", "story_vector", "story_names", "story_date",
                  "story_headline"),
    "claims": ("id", "document_id", "position", "source", "published_at", "text", "span_start", "span_end", "kind",
               "checkworthiness", "facts", "event_date", "context", "vector"),
    "relations": ("id", "claim_a", "claim_b", "document_a", "document_b", "kind", "confidence", "similarity",
                  "conflicts", "conflict_types", "explanation", "evidence", "status", "reviewed_kind", "note",
                  "created_at", "updated_at"),
    # Finished jobs and their items' results, so that what a client was told stays readable.
    "jobs": ("id", "state", "total", "attempts", "worker", "lease_until", "error", "created_at", "started_at",
             "finished_at", "updated_at"),
    "job_items": ("job_id", "position", "document", "status", "document_id", "relations", "problem"),
}
JSON_COLUMNS = frozenset({"metadata", "story_names", "facts", "conflicts", "evidence", "names", "document",
                          "relations", "problem"})


def portable_columns(table: str) -> tuple[str, ...]:
    """The columns of a table ``crossfact migrate`` copies (any other name is refused:
    table names go into SQL)."""
    if table not in PORTABLE_TABLES:
        raise ValueError(f"not a table crossfact migrates: {table!r}")
    return PORTABLE_TABLES[table]


class PortableStore(Protocol):
    """Rows of ``PORTABLE_TABLES`` in and out, for copying a whole store to another."""

    def count_rows(self, table: str) -> int: ...
    def export_rows(self, table: str, after: int, limit: int) -> tuple[list[dict], int]:
        """Up to ``limit`` rows after position ``after``, in storage order, and the
        position of the last (``after`` when there are none)."""
        ...
    def import_rows(self, table: str, rows: list[dict]) -> None:
        """Append rows (as ``export_rows`` gives them) in one transaction, in their order."""
        ...
    def bulk_loading(self) -> AbstractContextManager[None]:
        """A context for many ``import_rows``: a store may defer index upkeep to its end."""
        ...


class VectorLog(Protocol):
    """Vectors added and claims removed after a watermark: what an index kept in another
    process's memory (service.corpus) reads to stay current. SQLite only: its
    AUTOINCREMENT seqs commit in order, which a PostgreSQL sequence does not promise."""

    def vectors_since(self, watermark: int, limit: int | None = None) -> VectorBatch: ...
    def vector_state(self) -> VectorState: ...
    def removed_since(self, watermark: int) -> tuple[list[str], int]: ...


class Store(KeyStore, DocumentStore, StoryStore, ReanalysisStore, RelationStore, JobStore, SearchStore,
            PortableStore, Protocol):
    """Everything crossfact keeps. Implemented by ``SQLiteStore`` (one file, the embedded
    default) and ``PostgresStore`` (one database shared by many processes and hosts)."""

    schema_version: int

    def ping(self) -> bool: ...
    def close(self) -> None: ...

    def exclusive_ingest(self) -> AbstractContextManager[None]:
        """A context manager: the caller's turn to match, relate and store a document.

        Guarantees, across every thread of every process and host on this database:
        - one turn at a time: a turn begins only once the one before has ended
          (committed or rolled back);
        - reads made by this thread inside the turn see every commit made before it
          began, so claims added by other processes are there to be matched;
        - writes made by this thread inside the turn (``add_document`` and any other
          write method) commit together when the block ends, or not at all if it raises;
          a write method that fails inside the turn undoes its own part only;
        - claims get their ``vectors_since`` watermark in the order their turns
          commit, so a reader that caught up to a watermark never misses an earlier one.

        SQLite: one ``BEGIN IMMEDIATE`` transaction for the block. PostgreSQL: one
        transaction that first takes ``pg_advisory_xact_lock`` on a fixed key (released
        by its commit or rollback, also when the client dies), with the thread's store
        calls inside it running on that transaction's connection.
        """
        ...

