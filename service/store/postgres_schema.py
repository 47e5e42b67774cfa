"""The PostgreSQL schema, as numbered migrations.

Numbers follow the SQLite schema's (``service/store/sqlite.py``): a schema version
means the same tables on both stores, so ``crossfact migrate`` can tell whether two
databases hold the same things. PostgreSQL starts at version 3, the content of
SQLite's version 3; later versions are added to both stores under one number.

Vectors live in pgvector columns under an HNSW index (cosine), so every process on
every host searches one shared index; claim texts carry a generated ``tsvector``
under a GIN index for full-text search. JSON goes in ``jsonb``; timestamps and dates
stay ISO 8601 text, compared as text, exactly as on SQLite.

PostgreSQL's text search configurations neither fold accents (without the unaccent
extension, which not every server has) nor stem as the SQLite path does; so the store
writes each claim's analysed terms (``service.store.lexical.terms``) into ``words``,
and a query is analysed the same way: both stores match the same words.
"""

from __future__ import annotations

DIMENSION = 384  # the embedding model's (all-MiniLM-L6-v2); another model needs a migration
# Full-text search indexes the terms of service.store.lexical (folded, Porter-stemmed:
# the analysis the search fusion was tuned with), so the parser only splits them.
TEXT_SEARCH_CONFIG = "simple"

# Every process takes this advisory lock (within its migration transaction) before it
# reads the schema version: of two processes starting together, one migrates.
MIGRATION_LOCK = 0x63726F73_7366_01  # "crossf", 1
# Held for each ingest turn (PostgresStore.exclusive_ingest) and while the first API
# key is created: one at a time across every process and host on the database.
INGEST_LOCK = 0x63726F73_7366_02
FIRST_KEY_LOCK = 0x63726F73_7366_03

# Built with the table, and again after a bulk load (PostgresStore.bulk_loading).
VECTOR_INDEX = "CREATE INDEX IF NOT EXISTS claims_vector ON claims USING hnsw (vector vector_cosine_ops)"

META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"

MIGRATIONS: dict[int, list[str]] = {
    3: [
        "CREATE EXTENSION IF NOT EXISTS vector",
        """CREATE TABLE documents (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            url TEXT UNIQUE,
            title TEXT,
            source TEXT,
            published_at TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            metadata JSONB NOT NULL DEFAULT '{}',
            claims_count INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            story_id TEXT,
            story_vector BYTEA,
            story_names JSONB NOT NULL DEFAULT '[]',
            story_date TEXT,
            story_headline TEXT
        )""",
        "CREATE INDEX documents_source ON documents(source)",
        "CREATE INDEX documents_published ON documents(published_at)",
        "CREATE INDEX documents_story ON documents(story_id)",
        f"""CREATE TABLE claims (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            source TEXT,
            published_at TEXT,
            text TEXT NOT NULL,
            span_start INTEGER NOT NULL,
            span_end INTEGER NOT NULL,
            kind TEXT NOT NULL,
            checkworthiness DOUBLE PRECISION NOT NULL,
            facts JSONB NOT NULL,
            event_date TEXT,
            context TEXT NOT NULL DEFAULT '',
            vector vector({DIMENSION}) NOT NULL,
            words tsvector NOT NULL
        )""",
        "CREATE INDEX claims_document ON claims(document_id, position)",
        VECTOR_INDEX,
        "CREATE INDEX claims_words ON claims USING gin (words)",
        """CREATE TABLE removed_claims (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            claim_id TEXT NOT NULL
        )""",
        """CREATE FUNCTION log_removed_claim() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO removed_claims (claim_id) VALUES (OLD.id);
            RETURN OLD;
        END $$""",
        "CREATE TRIGGER claims_removed AFTER DELETE ON claims FOR EACH ROW EXECUTE FUNCTION log_removed_claim()",
        """CREATE TABLE relations (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            claim_a TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            claim_b TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            document_a TEXT NOT NULL,
            document_b TEXT NOT NULL,
            kind TEXT NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            similarity DOUBLE PRECISION NOT NULL,
            conflicts JSONB NOT NULL DEFAULT '[]',
            conflict_types TEXT NOT NULL DEFAULT '',
            explanation TEXT NOT NULL,
            evidence JSONB NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'suggested',
            reviewed_kind TEXT,
            note TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT,
            UNIQUE (claim_a, claim_b)
        )""",
        "CREATE INDEX relations_claim_b ON relations(claim_b)",
        "CREATE INDEX relations_kind ON relations(kind)",
        "CREATE INDEX relations_docs ON relations(document_a, document_b)",
        "CREATE INDEX relations_document_b ON relations(document_b)",
        """CREATE TABLE stories (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            documents_count INTEGER NOT NULL,
            vector_sum BYTEA,
            names JSONB NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX stories_seen ON stories(last_seen)",
        "CREATE INDEX stories_updated ON stories(updated_at)",
        """CREATE TABLE api_keys (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
            name TEXT,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )""",
    ],
    # Ingest jobs (POST /v1/jobs): a queue any number of workers share.
    4: [
        """CREATE TABLE jobs (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            total INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            worker TEXT,
            lease_until DOUBLE PRECISION,
            error TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX jobs_waiting ON jobs(state, seq)",
        """CREATE TABLE job_items (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            document JSONB,
            status INTEGER,
            document_id TEXT,
            relations JSONB,
            problem JSONB,
            PRIMARY KEY (job_id, position)
        )""",
    ],
    # crossfact migrate copies jobs, job items in the order they were written.
    5: [
        "ALTER TABLE job_items ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY",
        "CREATE UNIQUE INDEX job_items_seq ON job_items(seq)",
    ],
}

SCHEMA_VERSION = max(MIGRATIONS)
