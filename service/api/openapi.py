"""/v1/openapi.json, generated from the routes themselves.

Each view carries its documentation (``@documented``): a summary, its body and query
models, its responses. ``build_spec`` walks Flask's URL map, so a route without
documentation is visible (and a test fails) instead of silently missing.
"""

from __future__ import annotations

import re

from flask import Flask
from pydantic import BaseModel

from service import __version__
from service.api.auth import required_scope
from service.api.schemas import Problem

REF = "#/components/schemas/{model}"
ERROR_STATUSES = {
    "400": "Malformed JSON",
    "401": "No valid API key",
    "403": "The key may not do this",
    "404": "Unknown id",
    "413": "Body too large",
    "415": "Body is not JSON",
    "422": "Invalid values",
}


def documented(summary: str, *, responses: dict[int, type[BaseModel] | None], body: type[BaseModel] | None = None,
               query: type[BaseModel] | None = None, tag: str = "", public: bool = False,
               scope: str | None = None, links: dict[str, dict[str, str]] | None = None):
    """Attach OpenAPI documentation to a view.

    ``public`` views need no API key. ``scope`` is the key scope the view needs
    ("read" or "write"); left out, GET needs read and other methods need write.
    ``links`` names, per operationId, where its parameters come from in this view's
    answers (OpenAPI link expressions such as ``$response.body#/id``): clients and
    fuzzers follow them from one resource to the next.
    """

    def attach(view):
        view.openapi = {"summary": summary, "responses": responses, "body": body, "query": query, "tag": tag,
                        "public": public, "scope": scope, "links": links or {}}
        return view

    return attach


def build_spec(app: Flask) -> dict:
    schemas: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        doc = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if doc is None:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, doc, schemas)
    _document_limits(schemas, app.extensions["crossfact.pipeline"].settings)
    operations = {op["operationId"] for ops in paths.values() for op in ops.values()}
    for ops in paths.values():
        for op in ops.values():
            for response in op["responses"].values():
                unknown = set(response.get("links", {})) - operations
                assert not unknown, f"{op['operationId']} links to unknown operations {unknown}"
    return {
        "openapi": "3.0.3",
        "info": {"title": "crossfact", "version": __version__,
                 "description": "Claim cross-referencing for fact-check teams: agreements and typed, explained "
                                "contradictions between news articles."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _document_limits(schemas: dict, settings) -> None:
    """The limits a deployment sets (``Settings``), which the views check, said in the schemas too."""
    limits = {
        ("DocumentIn", "text"): {"maxLength": settings.max_text_chars},
        ("BatchIn", "documents"): {"maxItems": settings.max_batch_documents},
        ("CheckIn", "text"): {"maxLength": settings.max_check_chars},
        ("CompareIn", "a"): {"maxLength": settings.max_check_chars},
        ("CompareIn", "b"): {"maxLength": settings.max_check_chars},
    }
    for (model, field), limit in limits.items():
        if model in schemas:
            schemas[model]["properties"][field].update(limit)


def _operation(rule, method: str, doc: dict, schemas: dict) -> dict:
    op: dict = {"summary": doc["summary"], "operationId": rule.endpoint.replace(".", "_"),
                "tags": [doc["tag"]] if doc["tag"] else []}
    params = [{"name": arg, "in": "path", "required": True,
               "schema": {"type": "string", "pattern": f"^(?:{rule._converters[arg].regex})$"}}
              for arg in sorted(rule.arguments)]
    if doc["query"] is not None:
        params += _query_parameters(doc["query"], schemas)
    if params:
        op["parameters"] = params
    if doc["body"] is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _ref(doc["body"], schemas)}}}
    responses = {}
    for status, model in doc["responses"].items():
        content = {"application/json": {"schema": _ref(model, schemas)}} if model is not None else None
        responses[str(status)] = {"description": _describe(status), **({"content": content} if content else {})}
        if content and 200 <= status < 300 and doc["links"]:
            responses[str(status)]["links"] = {target: {"operationId": target, "parameters": parameters}
                                               for target, parameters in doc["links"].items()}
    problem = {"application/problem+json": {"schema": _ref(Problem, schemas)}}
    for status, text in ERROR_STATUSES.items():
        responses.setdefault(status, {"description": text, "content": problem})
    responses["default"] = {"description": "Error", "content": problem}
    op["responses"] = responses
    if not doc["public"]:
        op["security"] = [{"bearer": []}, {}]
        op["x-required-scope"] = required_scope(doc, method)
    return op


def _describe(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 503: "Not ready"}.get(status, str(status))


def _ref(model: type[BaseModel], schemas: dict) -> dict:
    schema = model.model_json_schema(ref_template=REF, by_alias=True)
    for name, sub in schema.pop("$defs", {}).items():
        schemas.setdefault(name, _openapi30(sub))
    schemas.setdefault(model.__name__, _openapi30(schema))
    return {"$ref": REF.format(model=model.__name__)}


def _query_parameters(model: type[BaseModel], schemas: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    for name, sub in schema.pop("$defs", {}).items():
        schemas.setdefault(name, _openapi30(sub))
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _openapi30(prop)}
        for name, prop in schema["properties"].items()
    ]


def _openapi30(schema):
    """Pydantic writes JSON Schema 2020-12; OpenAPI 3.0 wants ``nullable`` instead of null types."""
    if isinstance(schema, list):
        return [_openapi30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    schema = dict(schema)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if options and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del schema[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                schema.update(rest[0])
            elif len(rest) == 1:
                schema["allOf"] = rest
            else:
                schema[key] = rest
            schema["nullable"] = True
    if schema.get("type") == "null":
        del schema["type"]
        schema.update(nullable=True, enum=[None])
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    return {k: _openapi30(v) for k, v in schema.items()}
