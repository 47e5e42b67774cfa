"""Shared fixtures: the models load once per test session; each test gets a fresh store."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embeddings.encoder import Encoder  # noqa: E402
from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402
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


@pytest.fixture
def database(tmp_path) -> str:
    """What ``--db`` and ``CROSSFACT_DB_PATH`` take for a fresh, empty database: tests
    that start real processes on one database take it from here, so they can run
    against every store this fixture gives."""
    return str(tmp_path / "crossfact.db")


@pytest.fixture
def settings(tmp_path):
    return Settings(db_path=str(tmp_path / "crossfact.db"))


@pytest.fixture
def store(settings):
    return SQLiteStore(settings.db_path)


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
