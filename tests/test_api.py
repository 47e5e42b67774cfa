"""Every endpoint of the v1 API through Flask's test client, errors included."""

from __future__ import annotations

import pytest

BLINKEN_A = (
    "U.S. Secretary of State Antony Blinken met Prime Minister Benjamin Netanyahu in Jerusalem on Tuesday. "
    "The health ministry said 44 Palestinians were killed in Gaza."
)
BLINKEN_B = (
    "Antony Blinken held talks with Israeli Prime Minister Benjamin Netanyahu in Jerusalem on Tuesday. "
    "Officials said 50 Palestinians were killed in Gaza."
)


def post(client, text, **fields):
    return client.post("/v1/documents", json={"text": text, **fields})


@pytest.fixture
def two_docs(client):
    a = post(client, BLINKEN_A, source="wire", url="https://example.org/a", published_at="2024-01-10")
    b = post(client, BLINKEN_B, source="daily", url="https://example.org/b", published_at="2024-01-10")
    assert a.status_code == 201 and b.status_code == 201
    return a.get_json(), b.get_json()


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"] and "type" in body
    return body


def test_ingest_returns_document_with_counts(two_docs):
    a, b = two_docs
    assert a["id"].startswith("doc_") and a["claims"] == a["claims_count"] >= 2
    assert a["duplicate"] is False and a["source"] == "wire" and a["published_at"] == "2024-01-10"
    assert set(b["relations"]) == {"agreement", "contradiction", "related"}
    assert sum(b["relations"].values()) >= 1
    assert len(a["content_hash"]) == 64 and a["created_at"]


def test_reposting_same_url_or_content_is_a_duplicate(client, two_docs):
    a, _ = two_docs
    again = post(client, BLINKEN_A + "\n\n", source="wire")
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert again.get_json()["id"] == a["id"]
    same_url = post(client, "A different text about something else entirely.", url="https://example.org/a")
    assert same_url.status_code == 200 and same_url.get_json()["id"] == a["id"]
    assert len(client.get("/v1/documents").get_json()["data"]) == 2


def test_html_ingest(client):
    r = client.post("/v1/documents", json={"html": "<html><body><p>Blinken met Netanyahu in Jerusalem on "
                                                   "Tuesday.</p></body></html>"})
    assert r.status_code == 201
    doc = client.get(f"/v1/documents/{r.get_json()['id']}").get_json()
    assert "<p>" not in doc["text"] and "Blinken" in doc["text"]


def test_document_list_filters_and_pagination(client, two_docs):
    page = client.get("/v1/documents?limit=1").get_json()
    assert len(page["data"]) == 1 and page["next_cursor"]
    assert "text" not in page["data"][0]
    rest = client.get(f"/v1/documents?limit=1&cursor={page['next_cursor']}").get_json()
    assert len(rest["data"]) == 1 and rest["next_cursor"] is None
    assert rest["data"][0]["id"] != page["data"][0]["id"]
    assert [d["source"] for d in client.get("/v1/documents?source=daily").get_json()["data"]] == ["daily"]
    assert client.get("/v1/documents?since=2025-01-01").get_json()["data"] == []
    assert len(client.get("/v1/documents?until=2024-01-10").get_json()["data"]) == 2


def test_get_document_and_claims(client, two_docs):
    a, _ = two_docs
    doc = client.get(f"/v1/documents/{a['id']}").get_json()
    assert doc["text"].startswith("U.S. Secretary of State")
    claims = client.get(f"/v1/documents/{a['id']}/claims").get_json()["data"]
    assert len(claims) == a["claims"]
    for claim in claims:
        start, end = claim["span"]
        assert claim["text"] in doc["text"][start:end] or doc["text"][start:end] in claim["text"]
        assert claim["document_id"] == a["id"] and claim["source"] == "wire"
        assert 0 <= claim["checkworthiness"] <= 1 and isinstance(claim["facts"], dict)
    assert [c["span"][0] for c in claims] == sorted(c["span"][0] for c in claims)
    one = client.get(f"/v1/claims/{claims[0]['id']}").get_json()
    assert one == claims[0]


def test_relations_listing_filters_and_review(client, two_docs):
    _, b = two_docs
    relations = client.get("/v1/relations").get_json()["data"]
    assert relations, "the two Blinken texts must be related"
    rel = relations[0]
    assert rel["status"] == "suggested" and 0 <= rel["confidence"] <= 1 and rel["explanation"]
    assert rel["claim_a"]["document_id"] != rel["claim_b"]["document_id"]
    for kind in ("agreement", "contradiction", "related"):
        assert all(r["kind"] == kind for r in client.get(f"/v1/relations?kind={kind}").get_json()["data"])
    assert client.get(f"/v1/relations?document={b['id']}").get_json()["data"]
    assert client.get("/v1/relations?document=doc_missing").get_json()["data"] == []
    assert client.get("/v1/relations?source=wire").get_json()["data"]
    assert client.get("/v1/relations?min_confidence=1.0").status_code == 200

    reviewed = client.patch(f"/v1/relations/{rel['id']}", json={"status": "confirmed", "note": "checked"})
    assert reviewed.status_code == 200
    assert reviewed.get_json()["status"] == "confirmed" and reviewed.get_json()["note"] == "checked"
    assert [r["id"] for r in client.get("/v1/relations?status=confirmed").get_json()["data"]] == [rel["id"]]
    via_claim = client.get(f"/v1/claims/{rel['claim_a']['id']}/relations").get_json()["data"]
    assert rel["id"] in [r["id"] for r in via_claim]


def test_conflict_filter(client, two_docs):
    for r in client.get("/v1/relations?conflict=number").get_json()["data"]:
        assert "number" in [c["type"] for c in r["conflicts"]]


def test_delete_document_removes_claims_and_relations(client, two_docs):
    a, b = two_docs
    claim_ids = [c["id"] for c in client.get(f"/v1/documents/{a['id']}/claims").get_json()["data"]]
    assert client.delete(f"/v1/documents/{a['id']}").status_code == 204
    assert_problem(client.get(f"/v1/documents/{a['id']}"), 404)
    assert_problem(client.get(f"/v1/claims/{claim_ids[0]}"), 404)
    assert client.get(f"/v1/relations?document={b['id']}").get_json()["data"] == []
    assert_problem(client.delete(f"/v1/documents/{a['id']}"), 404)
    hits = client.get("/v1/search?q=Blinken Netanyahu").get_json()["data"]
    assert all(h["document"]["id"] == b["id"] for h in hits)


def test_batch_reports_each_item_in_order(client):
    r = client.post("/v1/documents/batch", json={"documents": [
        {"text": BLINKEN_A, "source": "wire"},
        {"text": 42},
        {"text": BLINKEN_A, "source": "wire"},
    ]})
    assert r.status_code == 200
    items = r.get_json()["data"]
    assert [i["status"] for i in items] == [201, 422, 200]
    assert items[1]["problem"]["errors"][0]["field"] == "documents.1.text"
    assert items[2]["result"]["duplicate"] is True


def test_check_matches_without_storing(client, two_docs):
    before = client.get("/v1/documents").get_json()["data"]
    r = client.post("/v1/check", json={"text": "Blinken met Netanyahu in Jerusalem.", "published_at": "2024-01-10"})
    assert r.status_code == 200
    (claim,) = r.get_json()["claims"]
    assert claim["span"] == [0, len("Blinken met Netanyahu in Jerusalem.")]
    assert claim["matches"] and {"claim", "relation"} <= set(claim["matches"][0])
    assert claim["matches"][0]["relation"]["kind"] in ("agreement", "contradiction", "related")
    assert client.get("/v1/documents").get_json()["data"] == before


def test_compare(client):
    r = client.post("/v1/compare", json={"a": "Blinken met Netanyahu.", "b": "Blinken met Netanyahu."})
    body = r.get_json()
    assert r.status_code == 200 and body["kind"] == "agreement" and body["similarity"] > 0.99
    assert body["a"]["text"] == "Blinken met Netanyahu." and "facts" in body["b"]


def test_search_ranks_by_meaning_and_wording(client, two_docs):
    hits = client.get("/v1/search?q=Palestinians killed in Gaza&limit=2").get_json()
    assert len(hits["data"]) == 2 and hits["next_cursor"] is None
    assert all("killed" in h["claim"]["text"] for h in hits["data"])
    assert "text" not in hits["data"][0]["document"] and hits["data"][0]["score"] > 0


def test_sources(client, two_docs):
    data = {s["source"]: s for s in client.get("/v1/sources").get_json()["data"]}
    assert data["wire"]["documents"] == 1 and data["daily"]["claims"] >= 2
    versus = {w["source"]: w for w in data["wire"]["with"]}
    assert set(versus) <= {"daily"}


def test_health_ready_openapi(client, pipeline):
    assert client.get("/v1/health").get_json()["status"] == "ok"
    pipeline.warm_up()
    ready = client.get("/v1/ready")
    assert ready.status_code == 200 and all(ready.get_json()["checks"].values())
    assert client.get("/v1/openapi.json").get_json()["openapi"].startswith("3.")


@pytest.mark.parametrize("method,path,kwargs,status", [
    ("post", "/v1/documents", {"data": "text", "content_type": "text/plain"}, 415),
    ("post", "/v1/documents", {"data": "{nope", "content_type": "application/json"}, 400),
    ("post", "/v1/documents", {"data": b"\xff\xfe{}", "content_type": "application/json"}, 400),
    ("post", "/v1/documents", {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"}, 400),
    ("post", "/v1/documents", {"json": []}, 422),
    ("post", "/v1/documents", {"json": {}}, 422),
    ("post", "/v1/documents", {"json": {"text": "a", "html": "<p>a</p>"}}, 422),
    ("post", "/v1/documents", {"json": {"text": "   "}}, 422),
    ("post", "/v1/documents", {"json": {"text": "<br><br>"}}, 422),
    ("post", "/v1/documents", {"json": {"text": "ok text", "published_at": "yesterday"}}, 422),
    ("post", "/v1/documents", {"json": {"text": "ok \x00 text"}}, 422),
    ("post", "/v1/documents", {"json": {"text": "ok \ud800 text"}}, 422),
    ("post", "/v1/documents/batch", {"json": {"documents": []}}, 422),
    ("post", "/v1/documents/batch", {"json": {"documents": "x"}}, 422),
    ("get", "/v1/documents?limit=0", {}, 422),
    ("get", "/v1/documents?limit=501", {}, 422),
    ("get", "/v1/documents?limit=abc", {}, 422),
    ("get", "/v1/documents?cursor=not-a-cursor", {}, 422),
    ("get", "/v1/documents?since=soon", {}, 422),
    ("get", "/v1/documents/doc_missing", {}, 404),
    ("get", "/v1/documents/doc_missing/claims", {}, 404),
    ("get", "/v1/claims/clm_missing", {}, 404),
    ("get", "/v1/claims/clm_missing/relations", {}, 404),
    ("get", "/v1/relations?kind=maybe", {}, 422),
    ("get", "/v1/relations?conflict=vibes", {}, 422),
    ("get", "/v1/relations?min_confidence=2", {}, 422),
    ("patch", "/v1/relations/rel_missing", {"json": {"status": "confirmed"}}, 404),
    ("patch", "/v1/relations/rel_missing", {"json": {"status": "done"}}, 422),
    ("post", "/v1/check", {"json": {"text": ""}}, 422),
    ("post", "/v1/check", {"json": {"text": ["a"]}}, 422),
    ("post", "/v1/compare", {"json": {"a": "x"}}, 422),
    ("get", "/v1/search", {}, 422),
    ("get", "/v1/search?q=x&limit=-1", {}, 422),
    ("get", "/v1/nowhere", {}, 404),
    ("put", "/v1/documents", {}, 405),
])
def test_bad_input_gets_a_problem_and_changes_nothing(client, method, path, kwargs, status):
    before = client.get("/v1/documents").get_json()["data"]
    assert_problem(getattr(client, method)(path, **kwargs), status)
    assert client.get("/v1/documents").get_json()["data"] == before


def test_validation_problems_name_the_field(client):
    body = assert_problem(client.post("/v1/documents", json={"text": "fine", "published_at": "nope"}), 422)
    assert body["errors"] == [{"field": "published_at", "message": body["errors"][0]["message"]}]


def test_body_too_large(pipeline):
    from service.api import create_app

    small = create_app(pipeline=pipeline)
    small.config["MAX_CONTENT_LENGTH"] = 100
    assert_problem(small.test_client().post("/v1/documents", json={"text": "x" * 500}), 413)


def test_text_too_long(client, pipeline):
    limit = pipeline.settings.max_text_chars
    body = assert_problem(client.post("/v1/documents", json={"text": "word " * (limit // 5 + 1)}), 422)
    assert body["errors"][0]["field"] == "text"
