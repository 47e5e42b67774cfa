"""Shared fixtures: the models load once per test session; each test gets a fresh store.

Every test that takes ``settings`` (and so ``store``, ``pipeline``, ``app``, ``client``)
runs twice: on a SQLite file and on a PostgreSQL database of its own. A test about
SQLite alone (its file, its in-process indexes) says so with ``@pytest.mark.sqlite_only``.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embeddings.encoder import Encoder  # noqa: E402
from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import open_store  # noqa: E402
from service.text.nlp import load_nlp  # noqa: E402

SEEDS_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture(scope="session")
def encoder():
    enc = Encoder()
    enc.model  # load now, once
    return enc


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ["sqlite"] if sqlite_only else ["sqlite", "postgres"])


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the session (started on first use, about a second)."""
    from pg_server import PostgresForTests

    server = PostgresForTests()
    yield server
    server.stop()


@pytest.fixture
def database(backend, tmp_path, request) -> str:
    """What ``--db`` takes for this test's empty database: a new SQLite file, or the URL
    of an emptied PostgreSQL database. Tests that start real processes take it from here."""
    if backend == "sqlite":
        return str(tmp_path / "crossfact.db")
    return request.getfixturevalue("postgres").empty_database()


@pytest.fixture
def settings(database):
    return Settings(db_path=database)


@pytest.fixture
def store(settings):
    store = open_store(settings)
    yield store
    store.close()


@pytest.fixture
def pipeline(settings, store, encoder, nlp):
    return Pipeline(settings, store, encoder=encoder)


@pytest.fixture(scope="session")
def seed_texts():
    """The three seed articles, by file name, in order."""
    names = sorted(n for n in os.listdir(SEEDS_DIR) if n.endswith(".txt"))
    return {n: open(os.path.join(SEEDS_DIR, n), encoding="utf-8").read() for n in names}


@pytest.fixture
def app(pipeline):
    from service.api import create_app

    return create_app(pipeline=pipeline)


@pytest.fixture
def client(app):
    return app.test_client()
