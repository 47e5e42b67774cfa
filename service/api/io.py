"""Reading requests and writing responses: validation in, plain JSON out.

Views call ``read_json(Model)`` and ``read_query(Model)`` and get a validated model or
a problem+json error; they hand models of ``service.models`` to the ``*_json``
functions below, which decide what a client sees.
"""

from __future__ import annotations

import json
import logging
import math
from typing import TypeVar

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from pydantic import BaseModel, ValidationError

from service.api.errors import ApiError, validation_error
from service.models import Claim, Document, Relation, SourceStats, Story, Verdict, finite

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


log = logging.getLogger("crossfact.api")


class StrictJSONProvider(DefaultJSONProvider):
    """Every response is strict JSON (RFC 8259), which has no NaN or Infinity.

    Python writes a non-finite float as a bare ``NaN``, which strict parsers refuse;
    input never carries one (``raw_json``), so one here is a computed value gone
    wrong: it goes out as null, and is logged.
    """

    sort_keys = False

    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("allow_nan", False)
        try:
            return super().dumps(obj, **kwargs)
        except ValueError:
            log.warning("a non-finite number in a response was written as null")
            return super().dumps(finite(obj), **kwargs)




def pipeline():
    return current_app.extensions["crossfact.pipeline"]


def settings():
    return pipeline().settings


def read_json(model: type[M]) -> M:
    return validate(model, raw_json())


class NonFiniteNumber(ValueError):
    """NaN, Infinity, or a number too large for a double: Python reads them, JSON has none."""


def _refuse_constant(name: str):
    raise NonFiniteNumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(text)
    return value


def raw_json():
    if not request.is_json:
        raise ApiError(415, "Unsupported Media Type", "send the body as application/json")
    data = request.get_data(cache=True)
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float)
    except NonFiniteNumber as exc:
        message = f"{exc} is not a JSON number: numbers must be finite"
        raise ApiError(422, "Invalid request", message, [{"field": "body", "message": message}]) from None
    except UnicodeDecodeError:
        raise ApiError(400, "Bad Request", "the body is not valid UTF-8") from None
    except RecursionError:
        raise ApiError(400, "Bad Request", "the JSON body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, "Bad Request", f"the body is not valid JSON: {exc}") from None


def validate(model: type[M], data, prefix: str = "") -> M:
    if not isinstance(data, dict):
        raise ApiError(422, "Invalid request", "the body must be a JSON object",
                       [{"field": prefix.rstrip(".") or "body", "message": "must be a JSON object"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, prefix) from None


def read_query(model: type[M]) -> M:
    return validate(model, {key: request.args.get(key) for key in request.args})


def too_long(field: str, limit: int) -> ApiError:
    return ApiError(422, "Invalid request", f"'{field}' is longer than {limit} characters",
                    [{"field": field, "message": f"at most {limit} characters"}])


def not_found(what: str, id_: str) -> ApiError:
    return ApiError(404, "Not Found", f"no {what} with id {id_!r}")


def found(value: T | None, what: str, id_: str) -> T:
    """``value``, or a 404 naming what was not found."""
    if value is None:
        raise not_found(what, id_)
    return value


def document_json(doc: Document, with_text: bool = True) -> dict:
    return {
        "id": doc.id, "url": doc.url, "title": doc.title, "source": doc.source, "published_at": doc.published_at,
        **({"text": doc.text} if with_text else {}),
        "claims_count": doc.claims_count, "content_hash": doc.content_hash, "created_at": doc.created_at,
        "metadata": doc.metadata or {}, "story_id": doc.story_id,
    }


def claim_json(claim: Claim) -> dict:
    return {
        "id": claim.id, "document_id": claim.document_id, "source": claim.source, "text": claim.text,
        "span": list(claim.span), "kind": claim.kind, "checkworthiness": round(float(claim.checkworthiness), 4),
        "facts": claim.facts.to_dict(), "event_date": claim.event_date, "context": claim.context,
        "story_id": claim.story_id,
    }


def verdict_json(verdict: Verdict, similarity: float) -> dict:
    return {
        "kind": verdict.kind, "confidence": round(float(verdict.confidence), 4),
        "similarity": round(float(similarity), 4),
        "conflicts": [c.to_dict() for c in verdict.conflicts], "explanation": verdict.explanation,
        "evidence": verdict.evidence or {},
    }


def relation_json(rel: Relation) -> dict:
    return {
        "id": rel.id, "kind": rel.kind, "confidence": round(float(rel.confidence), 4),
        "similarity": round(float(rel.similarity), 4), "conflicts": [c.to_dict() for c in rel.conflicts],
        "explanation": rel.explanation, "evidence": rel.evidence or {}, "status": rel.status, "note": rel.note,
        "reviewed_kind": rel.reviewed_kind,
        "review_outdated": rel.status != "suggested" and rel.reviewed_kind not in (None, rel.kind),
        "claim_a": claim_json(rel.claim_a), "claim_b": claim_json(rel.claim_b),
        "created_at": rel.created_at, "updated_at": rel.updated_at,
    }


def page_json(page, render) -> dict:
    return {"data": [render(item) for item in page.items], "next_cursor": page.next_cursor}


def source_json(stats: SourceStats) -> dict:
    return {"source": stats.source, "documents": stats.documents, "claims": stats.claims,
            "with": [{"source": v.source, "agreements": v.agreements, "contradictions": v.contradictions}
                     for v in stats.versus]}


def story_json(story: Story) -> dict:
    return {
        "id": story.id, "title": story.title, "first_seen": story.first_seen, "last_seen": story.last_seen,
        "documents_count": story.documents_count, "sources": story.sources, "relations": dict(story.relations),
        "created_at": story.created_at, "updated_at": story.updated_at,
    }


def story_detail_json(store, story_id: str, limit: int) -> dict | None:
    """A story with its documents (oldest first), a timeline of its dated claims and its
    agreements and contradictions, at most ``limit`` of each; None if there is no such story."""
    from service.store import RelationFilter

    story = store.get_story(story_id)
    if story is None:
        return None
    documents = store.list_documents(story=story_id, limit=limit, cursor=None).items
    relations = {
        kind: store.list_relations(RelationFilter(kind=kind, story=story_id), limit=limit, cursor=None).items
        for kind in ("agreement", "contradiction")
    }
    return {
        **story_json(story),
        "documents": [document_json(d, with_text=False) for d in reversed(documents)],
        "timeline": [claim_json(c) for c in store.story_timeline(story_id, limit)],
        "agreements": [relation_json(r) for r in relations["agreement"]],
        "contradictions": [relation_json(r) for r in relations["contradiction"]],
    }
