"""``crossfact migrate``: a whole store copied into another, SQLite to PostgreSQL or back.

What a team keeps moves: documents, claims with their vectors, relations with their
review status, reviewed kind and notes, stories, API keys (as hashes), and finished
ingest jobs with each item's result, so a job id a client holds still answers. A job
that is queued or running is refused: a worker may be storing its items meanwhile. Rows go in
storage order, in batches, each batch one transaction on the target; listing order and
cursors' order stay the same. The target must be empty: a copy into a store that
already holds documents would mix two corpora whose relations were never judged
against each other. At the end every table's count is compared with the source's.

Derived data is not copied but rebuilt by the target: its vector and lexical indexes
(SQLite's beside its file, PostgreSQL's in the database) and the removal log.
"""

from __future__ import annotations

from collections.abc import Callable

from service.store.base import PORTABLE_TABLES, Store

BATCH = 2_000  # rows read and written at a time


class MigrationError(Exception):
    """The copy cannot start, or its counts did not come out equal."""


def migrate(source: Store, target: Store, *, batch: int = BATCH,
            progress: Callable[[str, int], None] = lambda table, rows: None) -> dict[str, int]:
    """Copy every portable table from ``source`` to ``target``; the count of each."""
    if source.schema_version != target.schema_version:
        raise MigrationError(f"schema versions differ: {source.schema_version} and {target.schema_version}")
    if source.reanalysis_state() is not None:
        raise MigrationError("the source has an unfinished re-analysis: finish it first (crossfact reanalyze)")
    unfinished = [job["id"] for job in _rows(source, "jobs", batch) if job["state"] in ("queued", "running")]
    if unfinished:
        raise MigrationError(f"{len(unfinished)} ingest job(s) are queued or running ({', '.join(unfinished[:3])}"
                             f"{', ...' if len(unfinished) > 3 else ''}): let the workers finish them first")
    occupied = [table for table in PORTABLE_TABLES if target.count_rows(table)]
    if occupied:
        raise MigrationError(f"the target is not empty (it holds {', '.join(occupied)})")
    with target.bulk_loading():
        for table in PORTABLE_TABLES:
            for rows in _batches(source, table, batch):
                target.import_rows(table, rows)
                progress(table, len(rows))
    counts = {table: source.count_rows(table) for table in PORTABLE_TABLES}
    copied = {table: target.count_rows(table) for table in PORTABLE_TABLES}
    if copied != counts:
        raise MigrationError(f"counts differ after the copy: source {counts}, target {copied}")
    return counts


def _batches(store: Store, table: str, batch: int):
    after = 0
    while True:
        rows, after = store.export_rows(table, after, batch)
        if not rows:
            return
        yield rows


def _rows(store: Store, table: str, batch: int):
    for rows in _batches(store, table, batch):
        yield from rows


def total_rows(store: Store) -> int:
    return sum(store.count_rows(table) for table in PORTABLE_TABLES)
