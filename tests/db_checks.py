"""What an interrupted or concurrent ingest could break, checked on the SQLite file itself."""

from __future__ import annotations

import sqlite3


def check_consistent(db_path) -> dict:
    """Every invariant an interrupted ingest could break; returns counts for the caller."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        mismatched = conn.execute(
            "SELECT d.id, d.claims_count, COUNT(c.id) FROM documents d LEFT JOIN claims c ON c.document_id = d.id "
            "GROUP BY d.id HAVING d.claims_count != COUNT(c.id)"
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
            "GROUP BY s.id HAVING s.documents_count != COUNT(d.id) OR COUNT(d.id) = 0"
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
            "ids_by_url": dict(conn.execute("SELECT url, id FROM documents")),
        }
    finally:
        conn.close()
