"""/v1/claims and /v1/relations: claims, the relations between them, and their review."""

from __future__ import annotations

from flask import Blueprint, jsonify

from service.api.io import claim_json, found, page_json, pipeline, read_json, read_query, relation_json
from service.api.openapi import documented
from service.api.schemas import ClaimOut, PageQuery, RelationOut, RelationPage, RelationsQuery, ReviewIn
from service.store import RelationFilter

bp = Blueprint("claims", __name__)


@bp.get("/claims/<claim_id>")
@documented("One claim", responses={200: ClaimOut}, tag="claims",
            links={
                "claims_claim_relations": {"claim_id": "$response.body#/id"},
                "documents_get_document": {"document_id": "$response.body#/document_id"},
            })
def get_claim(claim_id: str):
    return jsonify(claim_json(found(pipeline().store.get_claim(claim_id), "claim", claim_id)))


@bp.get("/claims/<claim_id>/relations")
@documented("Relations that involve this claim", query=PageQuery, responses={200: RelationPage}, tag="claims",
            links={
                "claims_get_relation": {"relation_id": "$response.body#/data/0/id"},
                "claims_review_relation": {"relation_id": "$response.body#/data/0/id"},
            })
def claim_relations(claim_id: str):
    q = read_query(PageQuery)
    store = pipeline().store
    found(store.get_claim(claim_id), "claim", claim_id)
    return jsonify(page_json(store.claim_relations(claim_id, limit=q.limit, cursor=q.cursor), relation_json))


@bp.get("/relations")
@documented("Relations, newest first, filtered", query=RelationsQuery, responses={200: RelationPage},
            tag="relations",
            links={
                "claims_get_relation": {"relation_id": "$response.body#/data/0/id"},
                "claims_review_relation": {"relation_id": "$response.body#/data/0/id"},
                "claims_get_claim": {"claim_id": "$response.body#/data/0/claim_a/id"},
                "claims_list_relations": {"cursor": "$response.body#/next_cursor"},
            })
def list_relations():
    q = read_query(RelationsQuery)
    filters = RelationFilter(kind=q.kind, conflict=q.conflict, document=q.document, story=q.story,
                             source=q.source, status=q.status, min_confidence=q.min_confidence)
    page = pipeline().store.list_relations(filters, limit=q.limit, cursor=q.cursor)
    return jsonify(page_json(page, relation_json))


@bp.get("/relations/<relation_id>")
@documented("One relation", responses={200: RelationOut}, tag="relations",
            links={
                "claims_review_relation": {"relation_id": "$response.body#/id"},
                "claims_get_claim": {"claim_id": "$response.body#/claim_b/id"},
            })
def get_relation(relation_id: str):
    return jsonify(relation_json(found(pipeline().store.get_relation(relation_id), "relation", relation_id)))


@bp.patch("/relations/<relation_id>")
@documented("Review a relation: confirm, reject, or put back to suggested", body=ReviewIn,
            responses={200: RelationOut}, tag="relations",
            links={"claims_get_relation": {"relation_id": "$response.body#/id"}})
def review_relation(relation_id: str):
    review = read_json(ReviewIn)
    relation = pipeline().store.review_relation(relation_id, review.status, review.note)
    return jsonify(relation_json(found(relation, "relation", relation_id)))
