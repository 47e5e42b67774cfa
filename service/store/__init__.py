"""Storage edge: the Store interface and its SQLite implementation."""

from service.store.base import (
    CURSOR_PATTERN, JOB_STATES, BadCursor, DuplicateDocument, Job, JobItem, JobLost, Page, RelationFilter, Store,
    VectorBatch,
)
from service.store.sqlite import SQLiteStore


def open_store(settings) -> Store:
    return SQLiteStore(settings.db_path)


__all__ = ["CURSOR_PATTERN", "JOB_STATES", "BadCursor", "DuplicateDocument", "Job", "JobItem", "JobLost", "Page",
           "RelationFilter", "SQLiteStore", "Store", "VectorBatch", "open_store"]
