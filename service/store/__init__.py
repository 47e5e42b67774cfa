"""Storage edge: the Store interface, its SQLite and PostgreSQL implementations, and
the one place that opens a store from the database setting."""

import re

from service.store.base import (
    CURSOR_PATTERN, JOB_STATES, BadCursor, DuplicateDocument, Job, JobItem, JobLost, Page, RelationFilter, Store,
    StoreUnavailable, VectorBatch,
)
from service.store.sqlite import SQLiteStore

URL_PREFIXES = ("postgresql://", "postgres://")


def is_database_url(database: str) -> bool:
    """A ``postgresql://`` URL names a PostgreSQL database; anything else is a SQLite file."""
    return database.startswith(URL_PREFIXES)


def open_store(settings) -> Store:
    """The store ``settings.db_path`` names: a PostgreSQL URL or a SQLite file."""
    if is_database_url(settings.db_path):
        from service.store.postgres import PostgresStore  # psycopg loads only when it is used

        return PostgresStore(settings.db_path, pool_size=settings.db_pool_size, timeout_s=settings.db_timeout_s)
    return SQLiteStore(settings.db_path)


def describe_database(database: str) -> str:
    """The database setting as it may be logged: a URL's password masked."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", database)


__all__ = ["CURSOR_PATTERN", "JOB_STATES", "BadCursor", "DuplicateDocument", "Job", "JobItem", "JobLost", "Page",
           "RelationFilter", "SQLiteStore", "Store", "StoreUnavailable", "VectorBatch", "describe_database",
           "is_database_url", "open_store"]
