"""Several processes starting on one new PostgreSQL database at once: whichever creates
pgvector's types, every store adapts vectors on every connection."""

from __future__ import annotations

import threading

import numpy as np

from service.store.postgres import PostgresStore


def test_stores_that_start_together_on_a_new_database_all_read_vectors(postgres):
    name = "bare_start"
    postgres._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    postgres._admin.execute(f"CREATE DATABASE {name}")  # no schema, no extension yet
    url, barrier, stores, errors = postgres.url(name), threading.Barrier(4), [], []

    def start():
        barrier.wait()
        try:
            stores.append(PostgresStore(url))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        query = np.zeros((1, 384), dtype=np.float32)
        query[0, 0] = 1.0
        for store in stores:
            assert store.nearest(query, 1) == [[]]  # no claims yet, and no "cannot adapt ndarray"
    finally:
        for store in stores:
            store.close()
        postgres.drop(url)
