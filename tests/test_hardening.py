"""Regressions of issue 10: inputs that once got a 500 or a non-JSON answer, and a schema
looser than the service. Each gets a clear problem+json or a correct answer now.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.api.schemas import CURSOR_PATTERN, HAS_WORD, ISO_8601, NO_NUL, iso_timestamp
from service.models import Document
from service.store import BadCursor

A = "Officials said 3 died on Monday."
B = "Officials said 4 died on Monday."
EDGE_DATES = ["0001-01-01", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-23:59", "9999-12-31"]


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps([value]).encode()).decode().rstrip("=")


def strict_json(response):
    """The body parsed as RFC 8259 JSON, which has no NaN or Infinity."""
    def refuse(name):
        raise AssertionError(f"{name} in a response")
    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = strict_json(response)
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


# -- cursors -------------------------------------------------------------------------


PAGED = ["/v1/documents", "/v1/relations", "/v1/documents/doc_0/claims", "/v1/claims/clm_0/relations", "/v1/stories"]
OVERSIZED = [b64(10**30), b64(2**63), b64(-2**63 - 1), "1" * 19, str(2**63), "-1", "01", "1.5", "", "not-a-cursor"]


@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize("cursor", OVERSIZED)
def test_a_cursor_the_service_did_not_hand_out_is_422_on_every_paged_route(client, path, cursor):
    assert_problem(client.get(path, query_string={"cursor": cursor}), 422, "cursor")


def test_store_refuses_cursors_beyond_a_64_bit_integer(store):
    for cursor in ("9" * 19, str(2**63), b64(10**30)):
        with pytest.raises(BadCursor):
            store.list_documents(limit=3, cursor=cursor)
    assert store.list_documents(limit=3, cursor="9" * 18).items == []


def test_min_documents_beyond_a_64_bit_integer_is_422(client):
    assert_problem(client.get("/v1/stories", query_string={"min_documents": str(2**63)}), 422, "min_documents")
    assert client.get("/v1/stories", query_string={"min_documents": str(2**63 - 1)}).status_code == 200


# -- dates at the edge of the calendar -----------------------------------------------


@pytest.mark.parametrize("published_at", EDGE_DATES)
def test_dates_at_the_edge_of_the_calendar_are_answered(client, published_at):
    compared = client.post("/v1/compare", json={"a": A, "b": B, "a_published_at": published_at,
                                                "b_published_at": published_at})
    assert compared.status_code == 200 and strict_json(compared)["kind"] == "contradiction"
    checked = client.post("/v1/check", json={"text": f"{A} Yesterday and next year it rained.",
                                             "published_at": published_at})
    assert checked.status_code == 200
    stored = client.post("/v1/documents", json={"text": f"{A} Last week it rained.", "published_at": published_at})
    assert stored.status_code == 201, stored.get_data(as_text=True)[:300]


def test_a_batch_item_that_fails_for_any_reason_fails_alone(client, pipeline, monkeypatch):
    prepare = pipeline._prepare

    def broken_for_one(article):
        if article.source == "broken":
            raise RuntimeError("a bug in one stage")
        return prepare(article)

    monkeypatch.setattr(pipeline, "_prepare", broken_for_one)
    documents = [{"text": A, "published_at": EDGE_DATES[0]}, {"text": "The river rose.", "source": "broken"},
                 {"text": B, "published_at": EDGE_DATES[1]}]
    items = strict_json(client.post("/v1/documents/batch", json={"documents": documents}))["data"]
    assert [item["status"] for item in items] == [201, 500, 201]
    assert items[1]["problem"]["status"] == 500 and items[1].get("result") is None
    stored = {d["id"] for d in client.get("/v1/documents").get_json()["data"]}
    assert stored == {items[0]["result"]["id"], items[2]["result"]["id"]}


# -- strict JSON in and out ----------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b'{"text": "The vote passed.", "metadata": {"a": NaN}}',
    b'{"text": "The vote passed.", "metadata": {"a": Infinity, "b": -Infinity}}',
    b'{"text": "The vote passed.", "metadata": {"a": 1e400}}',
    b'{"text": "The vote passed.", "metadata": {"a": [1, {"b": -1e999}]}}',
])
def test_non_finite_numbers_are_refused_with_422(client, raw):
    assert_problem(client.post("/v1/documents", data=raw, content_type="application/json"), 422, "body")
    assert client.get("/v1/documents").get_json()["data"] == []


def test_min_confidence_must_be_a_finite_number(client):
    for value in ("nan", "inf", "-inf"):
        assert_problem(client.get("/v1/relations", query_string={"min_confidence": value}), 422, "min_confidence")


def test_a_non_finite_number_already_stored_goes_out_as_null(client, store):
    """Rows written before non-finite input was refused are still answered as strict JSON."""
    store.add_document(Document(id="doc_old", text="The vote passed.", content_hash="0" * 64,
                                metadata={"a": float("nan"), "b": float("inf"), "c": [1.5]}),
                       [], np.zeros((0, 4), dtype=np.float32), [])
    listed = strict_json(client.get("/v1/documents"))
    assert listed["data"][0]["metadata"] == {"a": None, "b": None, "c": [1.5]}
    assert strict_json(client.get("/v1/documents/doc_old"))["metadata"]["a"] is None


# -- the schema says exactly what the service takes ----------------------------------


@pytest.fixture
def spec(client):
    return client.get("/v1/openapi.json").get_json()


def test_exactly_one_of_text_and_html_is_in_the_schema(client, spec):
    schema = spec["components"]["schemas"]["DocumentIn"]
    assert sorted(branch["required"] for branch in schema["oneOf"]) == [["html"], ["text"]]
    assert all(branch["properties"][name]["type"] == "string"
               for branch in schema["oneOf"] for name in branch["required"])
    for body in ({"text": None, "html": None}, {}, {"text": "The vote.", "html": "<p>The vote.</p>"}):
        assert_problem(client.post("/v1/documents", json=body), 422)


@pytest.mark.parametrize("value, valid", [
    ("2024-07-27", True), ("2024-02-29", True), ("2000-02-29", True), ("0001-01-01", True),
    ("9999-12-31T23:59:59+14:00", True), ("2024-07-27T10:00", True), ("2024-07-27 10:00:00.123456789Z", True),
    ("2024-07-27T10:00+0530", True), ("2024-07-27T10:00:00-05", True),
    ("", False), ("2023-02-29", False), ("1900-02-29", False), ("2024-02-30", False), ("0000-01-01", False),
    ("2024-13-01", False), ("2024-07-27T24:00", False), ("2024-07-27T10:00+24:00", False), (" 2024-07-27", False),
    ("2024-07-27T10:00:00.1234567890", False), ("٢٠٢٤-٠٧-٢٧", False), ("20240727", False),
])
def test_published_at_pattern_and_service_agree(client, spec, value, valid):
    documented = spec["components"]["schemas"]["CheckIn"]["properties"]["published_at"]["pattern"]
    assert documented == ISO_8601 and bool(re.search(documented, value)) is valid
    response = client.post("/v1/check", json={"text": "The vote passed.", "published_at": value})
    if valid:
        assert response.status_code == 200
    else:
        assert_problem(response, 422, "published_at")


def test_nul_characters_are_excluded_by_the_schema(spec):
    search = next(p for p in spec["paths"]["/v1/search"]["get"]["parameters"] if p["name"] == "q")
    assert search["schema"]["pattern"] == NO_NUL and not re.search(NO_NUL, "a\x00b")
    assert spec["components"]["schemas"]["ReviewIn"]["properties"]["note"]["pattern"] == NO_NUL
    text = spec["components"]["schemas"]["DocumentIn"]["properties"]["text"]["pattern"]
    assert text == HAS_WORD and not re.search(text, "x\x00y") and not re.search(text, " !? ")


def test_the_cursor_format_is_in_the_schema(client, spec):
    cursor = next(p for p in spec["paths"]["/v1/documents"]["get"]["parameters"] if p["name"] == "cursor")
    assert cursor["schema"]["pattern"] == CURSOR_PATTERN
    for text in ("first", "second", "third"):
        assert client.post("/v1/documents", json={"text": f"The {text} vote passed on Monday."}).status_code == 201
    handed_out = client.get("/v1/documents?limit=1").get_json()["next_cursor"]
    assert re.search(CURSOR_PATTERN, handed_out)
    assert client.get(f"/v1/documents?limit=1&cursor={handed_out}").status_code == 200


def test_options_on_the_batch_route_offers_only_post(client, spec):
    assert set(client.options("/v1/documents/batch").headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert set(spec["paths"]["/v1/documents/batch"]) == {"post"}
    for method in ("get", "delete"):
        assert_problem(getattr(client, method)("/v1/documents/batch"), 405)
    parameter = spec["paths"]["/v1/documents/{document_id}"]["get"]["parameters"][0]
    assert not re.search(parameter["schema"]["pattern"], "batch") and re.search(parameter["schema"]["pattern"], "doc_1")


def test_links_lead_to_claims_and_relations_by_real_ids(spec):
    """The stateful fuzzing in tests/test_schemathesis_run.py follows these."""
    linked = {link["operationId"] for ops in spec["paths"].values() for op in ops.values()
              for response in op["responses"].values() for link in response.get("links", {}).values()}
    assert {"claims_get_claim", "claims_get_relation", "claims_review_relation", "documents_get_document",
            "documents_document_claims", "claims_claim_relations"} <= linked


@hypothesis_settings(max_examples=500, deadline=None, derandomize=True)
@given(st.from_regex(ISO_8601))
def test_every_timestamp_the_pattern_admits_is_read(value):
    """The documented pattern and Python's ISO parser agree on every string the pattern admits."""
    assert date.fromisoformat(iso_timestamp(value)[:10])
