"""/v1/documents: ingest, list, read and delete articles."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.routing import BaseConverter

from service.api.errors import ApiError, unavailable
from service.api.io import (
    claim_json, document_json, found, not_found, page_json, pipeline, read_json, read_query, settings, too_long, validate,
)
from service.api.openapi import documented
from service.api.schemas import (
    BatchIn, BatchOut, ClaimPage, DocumentIn, DocumentOut, DocumentPage, DocumentsQuery, IngestOut, PageQuery,
)
from service.models import Article
from service.pipeline import EmptyArticle
from service.store import StoreUnavailable

bp = Blueprint("documents", __name__)


class DocumentIdConverter(BaseConverter):
    """A document id in a path: any segment but "batch", which names ``POST
    /documents/batch``; without this, ``/documents/<document_id>`` matches it too and
    OPTIONS /v1/documents/batch offers GET and DELETE."""

    regex = r"(?!batch$)[^/]+"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("document_id", DocumentIdConverter))


@bp.post("/documents")
@documented("Ingest one article", body=DocumentIn, responses={201: IngestOut, 200: IngestOut}, tag="documents",
            links={
                "documents_get_document": {"document_id": "$response.body#/id"},
                "documents_document_claims": {"document_id": "$response.body#/id"},
                "documents_delete_document": {"document_id": "$response.body#/id"},
            })
def create_document():
    (outcome,) = _ingest([read_json(DocumentIn)], [""])
    if isinstance(outcome, ApiError):
        raise outcome
    return jsonify(_ingest_json(outcome)), 200 if outcome.duplicate else 201


@bp.post("/documents/batch")
@documented("Ingest several articles; one result per item, in order", body=BatchIn, responses={200: BatchOut},
            tag="documents",
            links={"documents_get_document": {"document_id": "$response.body#/data/0/result/id"}})
def create_documents():
    batch = read_json(BatchIn)
    limit = settings().max_batch_documents
    if len(batch.documents) > limit:
        raise ApiError(422, "Invalid request", f"a batch holds at most {limit} documents",
                       [{"field": "documents", "message": f"at most {limit} items"}])
    prefixes = [f"documents.{i}." for i in range(len(batch.documents))]
    items: list = []
    for raw, prefix in zip(batch.documents, prefixes):
        try:
            items.append(validate(DocumentIn, raw, prefix=prefix))
        except ApiError as exc:
            items.append(exc)
    return jsonify({"data": [_batch_item(outcome) for outcome in _ingest(items, prefixes)]})


def _batch_item(outcome) -> dict:
    if isinstance(outcome, ApiError):
        return {"status": outcome.status, "problem": {
            "type": "about:blank", "title": outcome.title, "status": outcome.status, "detail": outcome.detail,
            "errors": outcome.errors}}
    return {"status": 200 if outcome.duplicate else 201, "result": _ingest_json(outcome)}


@bp.get("/documents")
@documented("List documents, newest first", query=DocumentsQuery, responses={200: DocumentPage}, tag="documents",
            links={
                "documents_get_document": {"document_id": "$response.body#/data/0/id"},
                "documents_list_documents": {"cursor": "$response.body#/next_cursor"},
            })
def list_documents():
    q = read_query(DocumentsQuery)
    page = pipeline().store.list_documents(source=q.source, since=q.since, until=q.until, story=q.story,
                                          limit=q.limit, cursor=q.cursor)
    return jsonify(page_json(page, lambda d: document_json(d, with_text=False)))


@bp.get("/documents/<document_id:document_id>")
@documented("A document, with its cleaned text", responses={200: DocumentOut}, tag="documents",
            links={
                "documents_document_claims": {"document_id": "$response.body#/id"},
                "documents_delete_document": {"document_id": "$response.body#/id"},
                "stories_get_story": {"story_id": "$response.body#/story_id"},
            })
def get_document(document_id: str):
    return jsonify(document_json(found(pipeline().store.get_document(document_id), "document", document_id)))


@bp.delete("/documents/<document_id:document_id>")
@documented("Delete a document, its claims and their relations", responses={204: None}, tag="documents")
def delete_document(document_id: str):
    if not pipeline().store.delete_document(document_id):
        raise not_found("document", document_id)
    return "", 204


@bp.get("/documents/<document_id:document_id>/claims")
@documented("A document's claims, in reading order", query=PageQuery, responses={200: ClaimPage}, tag="documents",
            links={
                "claims_get_claim": {"claim_id": "$response.body#/data/0/id"},
                "claims_claim_relations": {"claim_id": "$response.body#/data/0/id"},
            })
def document_claims(document_id: str):
    q = read_query(PageQuery)
    store = pipeline().store
    found(store.get_document(document_id), "document", document_id)
    return jsonify(page_json(store.document_claims(document_id, limit=q.limit, cursor=q.cursor), claim_json))


def _ingest(items: list, prefixes: list[str]) -> list:
    """Ingest validated items together (their claims are embedded in one batch); an
    item that is already an ApiError stays one. ``prefixes`` name each item's place
    in error fields."""
    outcomes = list(items)
    articles, places = [], []
    for i, (item, prefix) in enumerate(zip(items, prefixes)):
        if isinstance(item, ApiError):
            continue
        # HTML is bounded by the body size limit; its text is what costs, and is bounded here.
        limit = settings().max_text_chars
        if item.text is not None and len(item.text) > limit:
            outcomes[i] = too_long(prefix + "text", limit)
            continue
        articles.append(Article(text=item.text, html=item.html, url=item.url, title=item.title,
                                source=item.source, published_at=item.published_at, metadata=item.metadata or {}))
        places.append(i)
    for i, result in zip(places, pipeline().ingest_many(articles)):
        if isinstance(result, EmptyArticle):
            field = prefixes[i] + ("text" if items[i].text is not None else "html")
            result = ApiError(422, "Invalid request", str(result), [{"field": field, "message": str(result)}])
        elif isinstance(result, StoreUnavailable):
            result = unavailable()
        elif isinstance(result, Exception):  # logged by the pipeline; the other items stand
            result = ApiError(500, "Internal Server Error",
                              "the server failed to ingest this document; it has been logged")
        outcomes[i] = result
    return outcomes


def _ingest_json(result) -> dict:
    return {**document_json(result.document), "claims": result.document.claims_count,
            "relations": result.relations, "duplicate": result.duplicate}
