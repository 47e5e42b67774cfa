"""Hand-written hostile input in every field and query parameter.

Wrong types, huge strings, invalid UTF-8, NUL bytes, deep nesting: a 4xx
problem+json and nothing stored, never a 5xx. SQL and HTML injection strings are
plain data: stored and returned as given, with every table intact.
"""

from __future__ import annotations

import json

import pytest

SQL = "'; DROP TABLE documents; --"
SQL_TEXT = f"The council member typed {SQL} into the form, officials said on Monday."
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'

BODIES = {
    "/v1/documents": {"text": "The vote passed on Monday.", "url": "https://example.org/a", "title": "t",
                      "source": "s", "published_at": "2024-01-01", "metadata": {"k": "v"}},
    "/v1/check": {"text": "The vote passed on Monday.", "published_at": "2024-01-01"},
    "/v1/compare": {"a": "The vote passed.", "b": "The vote failed.", "a_published_at": "2024-01-01",
                    "b_published_at": "2024-01-02"},
}
WRONG_TYPES = [123, 1.5, True, ["a"], {"a": "b"}]
QUERIES = {  # each endpoint with valid values for all of its query parameters
    "/v1/documents": {"limit": "5", "cursor": None, "source": "s", "since": "2024-01-01", "until": "2024-12-31"},
    "/v1/relations": {"limit": "5", "cursor": None, "kind": "agreement", "conflict": "number", "document": "d",
                      "source": "s", "status": "suggested", "min_confidence": "0.5"},
    "/v1/search": {"q": "vote", "limit": "5"},
}


def assert_refused(response, *statuses):
    assert response.status_code in statuses, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"


@pytest.fixture
def untouched(client):
    """Fails the test if anything was stored."""
    yield
    assert client.get("/v1/documents").get_json()["data"] == []


def body_cases():
    for path, body in BODIES.items():
        for field in body:
            for wrong in WRONG_TYPES:
                if field == "metadata" and isinstance(wrong, dict):
                    continue  # a dict is the right type
                yield pytest.param(path, {**body, field: wrong}, id=f"{path}:{field}={type(wrong).__name__}")
            if field != "metadata":
                yield pytest.param(path, {**body, field: "x\x00y"}, id=f"{path}:{field}=NUL")
                yield pytest.param(path, {**body, field: "x\ud800y"}, id=f"{path}:{field}=lone-surrogate")


@pytest.mark.parametrize("path,body", list(body_cases()))
def test_wrong_values_in_body_fields_are_422(client, untouched, path, body):
    assert_refused(client.post(path, json=body), 422)


@pytest.mark.parametrize("field,size", [("url", 2049), ("title", 1001), ("source", 201)])
def test_huge_strings_are_422(client, untouched, field, size):
    body = {**BODIES["/v1/documents"], field: "x" * size}
    problem = client.post("/v1/documents", json=body).get_json()
    assert problem["status"] == 422 and problem["errors"][0]["field"] == field


def test_huge_strings_in_query_and_path_are_refused(client):
    assert_refused(client.get("/v1/search?q=" + "x" * 2001), 422)
    assert_refused(client.get("/v1/documents?cursor=" + "x" * 201), 422)
    assert_refused(client.get("/v1/documents/" + "x" * 10_000), 404)
    assert_refused(client.get("/v1/claims/" + "%00" * 100), 404)


@pytest.mark.parametrize("path", list(QUERIES))
@pytest.mark.parametrize("value", ["%00", "x%00y", "%FF%FE", "%C0%AF"])
def test_nul_and_invalid_utf8_in_every_query_parameter(client, path, value):
    valid = {name: v for name, v in QUERIES[path].items() if v is not None}
    for name in QUERIES[path]:
        query = "&".join(f"{k}={v}" for k, v in {**valid, name: value}.items())
        r = client.get(f"{path}?{query}")
        # Invalid UTF-8 decodes to U+FFFD, which may be a fine filter value; NUL never is.
        assert r.status_code in (200, 422), (name, r.status_code)
        if "%00" in value:
            assert_refused(r, 422)


@pytest.mark.parametrize("raw", [
    b'{"text": "caf\xe9"}',                       # Latin-1, not UTF-8
    b'{"text": "\xed\xa0\x80"}',                  # an encoded surrogate
    b'\xef\xbb\xbf{"text": "BOM first"}',         # a byte order mark is not JSON
    b'{"text": "a"} trailing',
    b'{"text": NaN}',
    b'{"text": "a", "text": 5}',                  # duplicate keys: the last one wins, and it is wrong
])
def test_malformed_bodies_are_400_or_422(client, untouched, raw):
    assert_refused(client.post("/v1/documents", data=raw, content_type="application/json"), 400, 422)


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_json_is_refused(client, untouched, depth):
    nested = '{"text": "x", "metadata": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    assert_refused(client.post("/v1/documents", data=nested, content_type="application/json"), 400)


def test_moderately_nested_metadata_round_trips(client):
    metadata = {"a": 1}
    for _ in range(50):
        metadata = {"a": metadata}
    r = client.post("/v1/documents", json={"text": "The vote passed on Monday.", "metadata": metadata})
    assert r.status_code == 201
    assert client.get(f"/v1/documents/{r.get_json()['id']}").get_json()["metadata"] == metadata


def test_sql_and_html_are_stored_and_returned_as_plain_data(client):
    r = client.post("/v1/documents", json={
        "text": SQL_TEXT, "title": HTML, "source": SQL, "url": f"https://example.org/?q={SQL}",
        "metadata": {"note": HTML, SQL: SQL},
    })
    assert r.status_code == 201
    doc = client.get(f"/v1/documents/{r.get_json()['id']}").get_json()
    assert (doc["title"], doc["source"]) == (HTML, SQL)
    assert doc["metadata"] == {"note": HTML, SQL: SQL}
    assert SQL in doc["text"]
    claims = client.get(f"/v1/documents/{doc['id']}/claims").get_json()["data"]
    # Segmentation may split at the semicolon; the pieces are still the text as given.
    dropped = [c for c in claims if "DROP TABLE documents; --" in c["text"]]
    assert dropped and all(doc["text"][c["span"][0]:c["span"][1]] == c["text"] for c in dropped)
    # Injection strings as filters and queries are values, not SQL.
    assert [d["id"] for d in client.get("/v1/documents", query_string={"source": SQL}).get_json()["data"]] == [
        doc["id"]]
    for q in (SQL, '" OR 1=1 --', "claims_fts MATCH *", HTML, "NEAR(a b)"):
        assert client.get("/v1/search", query_string={"q": q}).status_code == 200
    assert client.get("/v1/relations", query_string={"source": SQL, "document": SQL}).status_code == 200
    assert client.get(f"/v1/documents/{SQL}").status_code == 404
    assert len(client.get("/v1/documents").get_json()["data"]) == 1


def test_markup_in_text_is_cleaned_not_executed(client):
    """Text may carry stray markup, which cleaning removes; it never comes back as live HTML."""
    r = client.post("/v1/documents", json={"text": f"The mayor said {HTML} that the bridge opened on Friday."})
    assert r.status_code == 201
    doc = client.get(f"/v1/documents/{r.get_json()['id']}").get_json()
    assert "<script>" not in doc["text"] and "bridge opened" in doc["text"]
    assert r.headers["Content-Type"].startswith("application/json")


def test_wrong_content_types_are_415(client, untouched):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = client.post("/v1/documents", data=json.dumps(BODIES["/v1/documents"]), content_type=content_type)
        assert_refused(r, 415)
