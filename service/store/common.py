"""What every store does the same way, whatever its database: timestamps, cursors and
pages, and the per-source tallies built from two grouped counts."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from service.models import SourceStats, SourceVersus
from service.store.base import CURSOR_PATTERN, BadCursor, Page

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
