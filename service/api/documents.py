"""/v1/documents: ingest, list, read and delete articles."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.routing import BaseConverter

from service.api.errors import ApiError, unavailable
from service.api.io import (
    claim_json, document_json, found, not_found, page_json, pipeline, raw_json, read_json, read_query, settings, too_long,
    validate,
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
    (outcome,) = _ingest(validated_items([raw_json()], [""]), [""])
    if isinstance(outcome, ApiError):
        raise outcome
    return jsonify(ingest_json(outcome)), 200 if outcome.duplicate else 201


@bp.post("/documents/batch")
@documented("Ingest several articles; one result per item, in order", body=BatchIn, responses={200: BatchOut},
            tag="documents",
            links={"documents_get_document": {"document_id": "$response.body#/data/0/result/id"}})
def create_documents():
    batch = read_json(BatchIn)
    documents = read_documents(batch.documents, settings().max_batch_documents, "a batch")
    prefixes = item_prefixes(len(documents))
    return jsonify({"data": [item_json(outcome) for outcome in _ingest(validated_items(documents, prefixes),
                                                                       prefixes)]})


def read_documents(documents: list, limit: int, what: str) -> list:
    """The documents of a batch or a job, if there are at most ``limit``; else a 422."""
    if len(documents) > limit:
        raise ApiError(422, "Invalid request", f"{what} holds at most {limit} documents",
                       [{"field": "documents", "message": f"at most {limit} items"}])
    return documents


def item_prefixes(count: int) -> list[str]:
    """How error fields name each item of ``documents``."""
    return [f"documents.{i}." for i in range(count)]


def validated_items(documents: list, prefixes: list[str]) -> list:
    """Each item as a DocumentIn, or the ApiError that says why it cannot be one (its
    text over the limit included): an invalid item fails alone, in its own result."""
    items: list = []
    limit = settings().max_text_chars
    for raw, prefix in zip(documents, prefixes):
        try:
            item = validate(DocumentIn, raw, prefix=prefix)
        except ApiError as exc:
            items.append(exc)
            continue
        # HTML is bounded by the body size limit; its text is what costs, and is bounded here.
        items.append(too_long(prefix + "text", limit) if item.text is not None and len(item.text) > limit else item)
    return items


def _article(item: DocumentIn) -> Article:
    return Article(text=item.text, html=item.html, url=item.url, title=item.title, source=item.source,
                   published_at=item.published_at, metadata=item.metadata or {})


def ingest_error(result: Exception, field: str) -> ApiError:
    """What a client is told of an article that failed: an EmptyArticle names the
    ``field`` that had nothing left in it; an unreachable database is 503; anything
    else is the server's fault."""
    if isinstance(result, EmptyArticle):
        return ApiError(422, "Invalid request", str(result), [{"field": field, "message": str(result)}])
    if isinstance(result, StoreUnavailable):  # the database is away: nothing was stored, try again
        return unavailable()
    return ApiError(500, "Internal Server Error", "the server failed to ingest this document; it has been logged")


def item_json(outcome) -> dict:
    """One item of a batch's (or a job's) results: its status, and the ingest's answer or the problem."""
    if isinstance(outcome, ApiError):
        return {"status": outcome.status, "problem": {
            "type": "about:blank", "title": outcome.title, "status": outcome.status, "detail": outcome.detail,
            "errors": outcome.errors}}
    return {"status": 200 if outcome.duplicate else 201, "result": ingest_json(outcome)}


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
    places = [i for i, item in enumerate(items) if not isinstance(item, ApiError)]
    for i, result in zip(places, pipeline().ingest_many([_article(items[i]) for i in places])):
        if isinstance(result, Exception):  # logged by the pipeline; the other items stand
            result = ingest_error(result, prefixes[i] + ("text" if items[i].text is not None else "html"))
        outcomes[i] = result
    return outcomes


def ingest_json(result) -> dict:
    return {**document_json(result.document), "claims": result.document.claims_count,
            "relations": result.relations, "duplicate": result.duplicate}
