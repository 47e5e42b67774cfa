"""Several real server processes on one database: no relation depends on which process
stored what (issue 11).

Before the store's ingest turn (``Store.exclusive_ingest``), each process matched
against its own view of the corpus, and two related articles stored at the same
moment by two processes were not related: 9 or 10 of these 20 pairs were.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from live_server import LiveServer
from public_data import conflicting_pairs

PAIRS = 20


@pytest.mark.slow
def test_two_processes_relate_what_they_store_at_the_same_moment(database, tmp_path):
    """Each pair's two reports go to the two processes at the same moment (one client
    per process, meeting at a barrier before every post), so their ingests overlap."""
    pairs = conflicting_pairs(PAIRS)
    servers = [LiveServer(database, threads=2, log_dir=tmp_path) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        together = threading.Barrier(2)

        def post_all(server: LiveServer, documents: list[dict]) -> list[str]:
            ids = []
            with requests.Session() as http:
                for document in documents:
                    together.wait(timeout=300)
                    r = http.post(server.url + "/v1/documents", json=document, timeout=300)
                    assert r.status_code == 201, r.text
                    ids.append(r.json()["id"])
            return ids

        with ThreadPoolExecutor(2) as pool:
            firsts = pool.submit(post_all, servers[0], [a for a, _ in pairs])
            seconds = pool.submit(post_all, servers[1], [b for _, b in pairs])
            stored = list(zip(firsts.result(), seconds.result()))

        related = set()
        for first, _ in stored:
            relations = requests.get(f"{servers[0].url}/v1/relations", params={"document": first, "limit": 500},
                                     timeout=30).json()["data"]
            related |= {frozenset((r["claim_a"]["document_id"], r["claim_b"]["document_id"])) for r in relations}
        unrelated = [i for i, pair in enumerate(stored) if frozenset(pair) not in related]
        assert unrelated == [], f"{len(unrelated)} of {PAIRS} pairs have no relation: {unrelated}"
    finally:
        for server in servers:
            server.stop()
