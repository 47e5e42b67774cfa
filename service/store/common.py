"""What every store does the same way, whatever its database: timestamps, cursors and
pages, and the per-source tallies built from two grouped counts."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from service.models import SourceStats, SourceVersus
from service.store.base import CURSOR_PATTERN, BadCursor, Page, RelationFilter

NO_CURSOR = 2**62  # above every seq: the first page of a newest-first listing


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def page(items: list, rows: list, limit: int, key) -> Page:
    """The first ``limit`` of ``rows`` (one more was read to know whether more follow)."""
    more = len(rows) > limit
    return Page(items, str(key(rows[limit - 1])) if more and limit > 0 else None)


def decode_cursor(cursor: str | None, default: int) -> int:
    if cursor is None:
        return default
    if not re.search(CURSOR_PATTERN, cursor):
        raise BadCursor("cursor is not one this service handed out")
    return int(cursor)


def source_stats(sources, pairs) -> list[SourceStats]:
    """``sources``: (source, documents, claims) rows; ``pairs``: (source of claim a,
    source of claim b, kind, count) rows of agreements and contradictions. Each pair
    counts for both its sources, once when they are the same."""
    versus: dict = {}
    for a, b, kind, n in pairs:
        for this, that in ((a, b), (b, a)) if a != b else ((a, b),):
            entry = versus.setdefault(this, {}).setdefault(that, SourceVersus(that))
            if kind == "agreement":
                entry.agreements += n
            else:
                entry.contradictions += n
    return [
        SourceStats(source=source, documents=documents, claims=claims,
                    versus=sorted(versus.get(source, {}).values(), key=lambda v: str(v.source)))
        for source, documents, claims in sources
    ]


def relation_conditions(filters: RelationFilter, source_condition: str) -> tuple[list[str], list]:
    """The WHERE conditions on relations ``r`` that ``filters`` asks for, with ``?``
    placeholders, and their parameters. ``source_condition`` is each store's test that
    either claim comes from a source (two placeholders, for claim a and claim b)."""
    where, params = [], []
    if filters.kind:
        where.append("r.kind = ?")
        params.append(filters.kind)
    if filters.conflict:
        where.append("(',' || r.conflict_types || ',') LIKE ?")
        params.append(f"%,{filters.conflict},%")
    if filters.story:
        where.append("r.document_a IN (SELECT id FROM documents WHERE story_id = ?) "
                     "AND r.document_b IN (SELECT id FROM documents WHERE story_id = ?)")
        params += [filters.story, filters.story]
    if filters.document:
        where.append("(r.document_a = ? OR r.document_b = ?)")
        params += [filters.document, filters.document]
    if filters.source:
        where.append(source_condition)
        params += [filters.source, filters.source]
    if filters.status:
        where.append("r.status = ?")
        params.append(filters.status)
    if filters.min_confidence is not None:
        where.append("r.confidence >= ?")
        params.append(filters.min_confidence)
    return where, params
