"""A document, its claims, vectors and relations commit together, or not at all.

In process, a failure injected at the last statement of the ingest transaction
must leave no trace. Against the real server, a SIGKILL while ingests are in
flight must leave a database where every document has exactly its claims, no
relation points at a missing claim, and which a restarted server serves.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from db_checks import check_consistent, failing_inserts
from live_server import LiveServer
from public_data import synthetic_documents

A = "The city council approved a budget of 40 million dollars on Monday, officials said."
B = "Officials said the city council passed a 40 million dollar budget on Monday."


def test_a_failure_inside_the_transaction_leaves_nothing(client, settings):
    assert client.post("/v1/documents", json={"text": A, "source": "wire"}).status_code == 201
    before = check_consistent(settings.db_path)
    # The last statement of an ingest writes relations; make it fail.
    with failing_inserts(settings.db_path, "relations"):
        failed = client.post("/v1/documents", json={"text": B, "source": "daily"})
        assert failed.status_code == 500 and failed.mimetype == "application/problem+json"
        assert check_consistent(settings.db_path) == before
    again = client.post("/v1/documents", json={"text": B, "source": "daily"})
    assert again.status_code == 201 and sum(again.get_json()["relations"].values()) >= 1
    after = check_consistent(settings.db_path)
    assert after["documents"] == before["documents"] + 1 and after["relations"] > before["relations"]


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_a_consistent_database(database, tmp_path):
    documents = synthetic_documents(160, prefix="sigkill")
    server = LiveServer(database, threads=4, log_dir=tmp_path).start()
    accepted: set[str] = set()
    cut_off = []  # requests the kill interrupted: proof that it came mid-ingest

    def post_all(mine: list[dict]) -> None:
        with requests.Session() as http:
            for doc in mine:
                try:
                    r = http.post(server.url + "/v1/documents", json=doc, timeout=120)
                except requests.RequestException:
                    cut_off.append(doc["url"])
                    return
                if r.status_code == 201:
                    accepted.add(doc["url"])

    clients = [threading.Thread(target=post_all, args=(documents[i::4],)) for i in range(4)]
    try:
        for t in clients:
            t.start()
        # Each client posts its next document as soon as the last one is answered, so
        # once a few are in, four are always on their way when the kill comes.
        deadline = time.monotonic() + 300
        while len(accepted) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()
        for t in clients:
            t.join(timeout=150)
    finally:
        server.stop()

    stored = check_consistent(server.db_path)
    print(f"SIGKILL: {len(accepted)} accepted, {len(cut_off)} in flight, {stored['documents']} documents, "
          f"{stored['claims']} claims, {stored['relations']} relations after the kill")
    assert len(accepted) >= 8, "the server accepted too few documents before the kill to test anything"
    assert len(cut_off) == 4, "every client must have had a request in flight when the server died"
    # Committed means durable: every 201 a client saw survived the kill.
    assert accepted <= stored["urls"]

    restarted = LiveServer(database, threads=2, log_dir=tmp_path).start()
    try:
        with requests.Session() as http:
            listed = http.get(restarted.url + "/v1/documents?limit=500", timeout=30).json()["data"]
            assert {d["url"] for d in listed} == stored["urls"]
            again = http.post(restarted.url + "/v1/documents", json=documents[0], timeout=60)
            assert again.status_code == (200 if documents[0]["url"] in stored["urls"] else 201)
            fresh = http.post(restarted.url + "/v1/documents", json=documents[-1], timeout=60)
            assert fresh.status_code in (200, 201) and fresh.json()["claims"] >= 1
            hits = http.get(restarted.url + "/v1/search", params={"q": "council budget"}, timeout=30)
            assert hits.status_code == 200
    finally:
        restarted.stop()
    check_consistent(server.db_path)
