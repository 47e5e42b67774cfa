"""The same url or the same content makes one document, also when clients post it at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from live_server import LiveServer

TEXT = "The regional parliament voted 61 to 40 on Thursday to extend the fishing ban by two years."
CLIENTS = 6


def race(post_one, bodies: list[dict]) -> list[tuple[int, dict]]:
    """Post every body at once (a barrier lines the threads up); (status, json) per body."""
    barrier = threading.Barrier(len(bodies))

    def go(body):
        barrier.wait(timeout=60)
        return post_one(body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(go, bodies))


def assert_one_document(results: list[tuple[int, dict]]) -> str:
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * (len(results) - 1) + [201]
    ids = {body["id"] for _, body in results}
    assert len(ids) == 1
    assert sum(body["duplicate"] for _, body in results) == len(results) - 1
    return ids.pop()


def test_flask_same_content_at_once(app):
    def post_one(body):
        r = app.test_client().post("/v1/documents", json=body)
        return r.status_code, r.get_json()

    doc_id = assert_one_document(race(post_one, [{"text": TEXT}] * CLIENTS))
    # Case and whitespace do not make a new document.
    status, body = post_one({"text": "  " + TEXT.upper() + "\n"})
    assert status == 200 and body["id"] == doc_id
    assert len(app.test_client().get("/v1/documents").get_json()["data"]) == 1


def test_flask_same_url_at_once(app):
    def post_one(body):
        r = app.test_client().post("/v1/documents", json=body)
        return r.status_code, r.get_json()

    bodies = [{"text": f"{TEXT} Version {i} of the story.", "url": "https://example.org/vote"} for i in range(CLIENTS)]
    assert_one_document(race(post_one, bodies))
    assert len(app.test_client().get("/v1/documents").get_json()["data"]) == 1


def test_batch_with_repeats_makes_one_document(client):
    r = client.post("/v1/documents/batch", json={"documents": [{"text": TEXT}, {"text": TEXT.lower()},
                                                               {"text": "Other words.", "url": "u:1"},
                                                               {"text": "Yet other words.", "url": "u:1"}]})
    assert [item["status"] for item in r.get_json()["data"]] == [201, 200, 201, 200]
    assert len(client.get("/v1/documents").get_json()["data"]) == 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("idempotency") / "crossfact.db", threads=CLIENTS).start()
    yield live
    live.stop()


def test_real_server_same_content_and_same_url_at_once(server):
    def post_one(body):
        with requests.Session() as http:
            r = http.post(server.url + "/v1/documents", json=body, timeout=120)
        return r.status_code, r.json()

    by_content = assert_one_document(race(post_one, [{"text": TEXT, "source": "wire"}] * CLIENTS))
    by_url = assert_one_document(race(post_one, [
        {"text": f"Report number {i} says the ban was extended.", "url": "https://example.org/ban"}
        for i in range(CLIENTS)
    ]))
    listed = requests.get(server.url + "/v1/documents", timeout=30).json()["data"]
    assert sorted(d["id"] for d in listed) == sorted({by_content, by_url})


@pytest.mark.slow
def test_two_server_processes_on_one_database(server):
    """Two processes share no lock; the database's unique indexes decide, and the loser answers with the winner."""
    other = LiveServer(server.db_path, threads=CLIENTS).start()
    try:
        urls = [server.url, other.url] * (CLIENTS // 2)
        text = "The harbour authority said on Sunday that 12 ships were waiting to unload at the port."

        def post_one(body):
            with requests.Session() as http:
                r = http.post(urls.pop() + "/v1/documents", json=body, timeout=120)
            return r.status_code, r.json()

        doc_id = assert_one_document(race(post_one, [{"text": text}] * CLIENTS))
        assert requests.get(f"{other.url}/v1/documents/{doc_id}", timeout=30).status_code == 200
    finally:
        other.stop()
