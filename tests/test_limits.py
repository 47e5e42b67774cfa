"""Limits on what one request may ask: each gets a clear problem+json, and nothing is stored."""

from __future__ import annotations

import json

import pytest
import requests

from live_server import LiveServer
from service.api import create_app
from service.pipeline import Pipeline


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field]
    return body


@pytest.fixture
def limited(settings, store, encoder, nlp):
    """An app with small limits, so tests stay small."""
    small = settings.with_(max_body_bytes=2_000, max_text_chars=300, max_batch_documents=3, max_check_chars=200)
    return create_app(pipeline=Pipeline(small, store, encoder=encoder)).test_client()


def nothing_stored(client) -> bool:
    return client.get("/v1/documents").get_json()["data"] == []


def test_body_over_the_limit_is_413(limited):
    assert_problem(limited.post("/v1/documents", json={"html": "<p>word</p>" * 300}), 413)
    assert nothing_stored(limited)


def test_text_over_the_limit_is_422(limited):
    assert_problem(limited.post("/v1/documents", json={"text": "word " * 61}), 422, "text")
    assert limited.post("/v1/documents", json={"text": "The vote passed. " * 17}).status_code == 201


def test_batch_over_the_limit_is_422_and_stores_none_of_it(limited):
    docs = [{"text": f"Report {i}: the vote passed."} for i in range(4)]
    assert_problem(limited.post("/v1/documents/batch", json={"documents": docs}), 422, "documents")
    assert nothing_stored(limited)


def test_a_batch_item_over_the_text_limit_fails_alone(limited):
    r = limited.post("/v1/documents/batch", json={"documents": [{"text": "The vote passed."},
                                                                  {"text": "word " * 61}]})
    items = r.get_json()["data"]
    assert [i["status"] for i in items] == [201, 422]
    assert items[1]["problem"]["errors"][0]["field"] == "documents.1.text"


def test_check_and_compare_text_limits(limited):
    long = "word " * 41
    assert_problem(limited.post("/v1/check", json={"text": long}), 422, "text")
    assert_problem(limited.post("/v1/compare", json={"a": "short", "b": long}), 422, "b")


@pytest.mark.parametrize("path", ["/v1/documents", "/v1/relations", "/v1/search?q=vote",
                                  "/v1/documents/doc_x/claims", "/v1/claims/clm_x/relations"])
@pytest.mark.parametrize("value", ["0", "-1", "501", "abc", "1.5", "", "99999999999999999999999"])
def test_limit_out_of_bounds_is_422(client, path, value):
    sep = "&" if "?" in path else "?"
    assert_problem(client.get(f"{path}{sep}limit={value}"), 422, "limit")


@pytest.mark.parametrize("value", ["1", "500"])
def test_limit_bounds_are_inclusive(client, value):
    assert client.get(f"/v1/documents?limit={value}").status_code == 200
    assert client.get(f"/v1/search?q=vote&limit={value}").status_code == 200


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("limits") / "crossfact.db", threads=2,
                      env={"CROSSFACT_MAX_BODY_BYTES": "2000"})
    # The refusals below need no model: health is enough, so this does not wait for them to load.
    live.start(wait_for="/v1/health")
    yield live
    live.stop()


def test_real_server_refuses_a_large_body_as_problem_json(small_server):
    url = small_server.url + "/v1/documents"
    declared = requests.post(url, json={"html": "<p>word</p>" * 1000}, timeout=30)
    assert declared.status_code == 413 and declared.headers["Content-Type"] == "application/problem+json"
    assert declared.json()["status"] == 413 and declared.headers["X-Request-ID"]

    chunks = (b'{"html": "' + b"<p>word</p>" * 100 for _ in range(10))  # no Content-Length: chunked
    chunked = requests.post(url, data=chunks, headers={"Content-Type": "application/json"}, timeout=30)
    assert chunked.status_code == 413 and chunked.headers["Content-Type"] == "application/problem+json"

    headers = requests.get(small_server.url + "/v1/health", headers={"X-Padding": "x" * 300_000}, timeout=30)
    assert headers.status_code == 431 and headers.headers["Content-Type"] == "application/problem+json"

    assert requests.get(small_server.url + "/v1/documents", timeout=30).json()["data"] == []
    logged = [json.loads(line) for line in small_server.log().splitlines() if line.startswith("{")]
    assert [line["path"] for line in logged if line.get("status") == 413] == ["/v1/documents"] * 2
    assert [line["status"] for line in logged if "status" in line][-2:] == [431, 200]  # the refusal, then the listing
