"""/v1/openapi.json describes exactly the routes the app serves."""

from __future__ import annotations

import re


def served_operations(app) -> set[tuple[str, str]]:
    ops = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        ops |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return ops


def test_every_route_is_documented(app, client):
    spec = client.get("/v1/openapi.json").get_json()
    documented = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert documented == served_operations(app)


def test_every_api_md_endpoint_is_served(app):
    contract = {
        ("post", "/v1/documents"), ("post", "/v1/documents/batch"), ("get", "/v1/documents"),
        ("get", "/v1/documents/{document_id}"), ("delete", "/v1/documents/{document_id}"),
        ("get", "/v1/documents/{document_id}/claims"), ("get", "/v1/claims/{claim_id}"),
        ("get", "/v1/claims/{claim_id}/relations"), ("get", "/v1/relations"),
        ("patch", "/v1/relations/{relation_id}"), ("post", "/v1/check"), ("post", "/v1/compare"),
        ("get", "/v1/search"), ("get", "/v1/sources"), ("get", "/v1/health"), ("get", "/v1/ready"),
        ("get", "/v1/openapi.json"),
    }
    assert contract <= served_operations(app)


def test_spec_references_resolve(client):
    spec = client.get("/v1/openapi.json").get_json()
    refs = set(re.findall(r'"\$ref":\s*"#/components/schemas/([^"]+)"', client.get("/v1/openapi.json").text))
    assert refs and refs <= set(spec["components"]["schemas"])
    for ops in spec["paths"].values():
        for op in ops.values():
            assert op["summary"] and {"200", "201", "202", "204"} & set(op["responses"])
            assert "422" in op["responses"]
