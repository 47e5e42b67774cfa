"""What an interrupted or concurrent ingest could break, checked on the database itself
(a SQLite file or a PostgreSQL URL), behind the store's back."""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager

import psycopg

from service.store import is_database_url


def connect(database: str):
    """A DB-API connection to the database itself, in autocommit."""
    if is_database_url(str(database)):
        return psycopg.connect(str(database), autocommit=True)
    return sqlite3.connect(database, isolation_level=None)


def rows(database, sql: str) -> list[tuple]:
    with closing(connect(database)) as conn:
        return conn.execute(sql).fetchall()


@contextmanager
def failing_inserts(database, table: str):
    """Every INSERT into ``table`` fails, from any connection, while the block runs."""
    with closing(connect(database)) as conn:
        if is_database_url(str(database)):
            conn.execute("CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS "
                         "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$")
            conn.execute(f"CREATE TRIGGER injected_failure BEFORE INSERT ON {table} "
                         "FOR EACH ROW EXECUTE FUNCTION injected_failure()")
        else:
            conn.execute(f"CREATE TRIGGER injected_failure BEFORE INSERT ON {table} "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
        try:
            yield
        finally:
            conn.execute(f"DROP TRIGGER injected_failure{' ON ' + table if is_database_url(str(database)) else ''}")


def check_consistent(database) -> dict:
    """Every invariant an interrupted ingest could break; returns counts for the caller."""
    with closing(connect(database)) as conn:
        if not is_database_url(str(database)):
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        mismatched = conn.execute(
            "SELECT d.id, d.claims_count, COUNT(c.id) FROM documents d LEFT JOIN claims c ON c.document_id = d.id "
            "GROUP BY d.id, d.claims_count HAVING d.claims_count != COUNT(c.id)"
        ).fetchall()
        assert mismatched == []
        dangling = conn.execute(
            "SELECT COUNT(*) FROM relations r WHERE NOT EXISTS (SELECT 1 FROM claims WHERE id = r.claim_a) "
            "OR NOT EXISTS (SELECT 1 FROM claims WHERE id = r.claim_b)"
        ).fetchone()[0]
        assert dangling == 0
        orphans = conn.execute(
            "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = c.document_id)"
        ).fetchone()[0]
        assert orphans == 0
        # Every story counts exactly the documents that name it, and none is empty or missing.
        miscounted = conn.execute(
            "SELECT s.id FROM stories s LEFT JOIN documents d ON d.story_id = s.id "
            "GROUP BY s.id, s.documents_count HAVING s.documents_count != COUNT(d.id) OR COUNT(d.id) = 0"
        ).fetchall()
        assert miscounted == []
        storyless = conn.execute(
            "SELECT COUNT(*) FROM documents d WHERE d.story_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM stories WHERE id = d.story_id)"
        ).fetchone()[0]
        assert storyless == 0
        return {
            "documents": conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
            "claims": conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0],
            "relations": conn.execute("SELECT COUNT(*) FROM relations").fetchone()[0],
            "stories": conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0],
            "urls": {row[0] for row in conn.execute("SELECT url FROM documents")},
            "ids_by_url": dict(conn.execute("SELECT url, id FROM documents").fetchall()),
        }
