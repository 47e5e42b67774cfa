"""/v1/check, /v1/compare, /v1/search: questions about text that store nothing, so a read key may ask them."""

from __future__ import annotations

from flask import Blueprint, jsonify

from service.api.errors import ApiError
from service.api.io import claim_json, document_json, pipeline, read_json, read_query, settings, too_long, verdict_json
from service.api.openapi import documented
from service.api.schemas import CheckIn, CheckOut, CompareIn, CompareOut, SearchOut, SearchQuery
from service.pipeline import EmptyStatement

bp = Blueprint("analysis", __name__)


@bp.post("/check")
@documented("Segment a text and match its claims against the corpus (stores nothing)", body=CheckIn,
            responses={200: CheckOut}, tag="analysis", scope="read")
def check():
    body = read_json(CheckIn)
    if len(body.text) > settings().max_check_chars:
        raise too_long("text", settings().max_check_chars)
    checked = pipeline().check(body.text, body.published_at)
    return jsonify({"claims": [
        {
            "text": claim.text, "span": list(claim.span), "kind": claim.kind,
            "checkworthiness": round(float(claim.checkworthiness), 4), "facts": claim.facts.to_dict(),
            "event_date": claim.event_date,
            "matches": [{"claim": claim_json(m.claim), "relation": verdict_json(m.verdict, m.similarity)}
                        for m in matches],
        }
        for claim, matches in checked
    ]})


@bp.post("/compare")
@documented("The relation between two statements (stores nothing)", body=CompareIn, responses={200: CompareOut},
            tag="analysis", scope="read")
def compare():
    body = read_json(CompareIn)
    limit = settings().max_check_chars
    for field in ("a", "b"):
        if len(getattr(body, field)) > limit:
            raise too_long(field, limit)
    try:
        a, b, similarity, verdict = pipeline().compare(body.a, body.b, body.a_published_at, body.b_published_at)
    except EmptyStatement as exc:
        raise ApiError(422, "Invalid request", str(exc), [{"field": exc.field, "message": str(exc)}]) from None
    return jsonify({
        **verdict_json(verdict, similarity),
        "a": {"text": a.text, "facts": a.facts.to_dict()},
        "b": {"text": b.text, "facts": b.facts.to_dict()},
    })


@bp.get("/search")
@documented("Claims ranked by meaning and wording", query=SearchQuery, responses={200: SearchOut}, tag="analysis",
            links={
                "claims_get_claim": {"claim_id": "$response.body#/data/0/claim/id"},
                "documents_get_document": {"document_id": "$response.body#/data/0/document/id"},
            })
def search():
    q = read_query(SearchQuery)
    hits = pipeline().search(q.q, q.limit)
    store = pipeline().store
    documents = {}
    for claim, _ in hits:
        if claim.document_id not in documents:
            documents[claim.document_id] = store.get_document(claim.document_id)
    return jsonify({
        "data": [
            {"claim": claim_json(claim), "document": document_json(documents[claim.document_id], with_text=False),
             "score": round(score, 6)}
            for claim, score in hits if documents.get(claim.document_id) is not None
        ],
        "next_cursor": None,
    })
