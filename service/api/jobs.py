"""/v1/jobs: documents queued for ``crossfact worker``, and how their ingest is going.

A batch (POST /v1/documents/batch) holds its request until every item is stored; a
job answers at once (202) and any number of workers, on any host sharing the
database, ingest it (service/worker.py). Items are validated when posted, as in a
batch: an invalid one has its 422 result at once and the others are queued.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from service.api.documents import item_json, item_prefixes, read_documents, validated_items
from service.api.errors import ApiError
from service.api.io import found, pipeline, read_json, settings
from service.api.openapi import documented
from service.api.schemas import JobIn, JobOut
from service.pipeline import IngestResult, new_id
from service.store import Job, JobItem

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
@documented("Queue articles for ingest by the workers; one result per item, in order, as they are done",
            body=JobIn, responses={202: JobOut}, tag="jobs",
            links={"jobs_get_job": {"job_id": "$response.body#/id"}})
def create_job():
    documents = read_documents(read_json(JobIn).documents, settings().max_job_documents, "a job")
    items = []
    for position, item in enumerate(validated_items(documents, item_prefixes(len(documents)))):
        if isinstance(item, ApiError):
            items.append(JobItem(position, status=item.status, problem=_problem(item)))
        else:
            items.append(JobItem(position, document=item.model_dump(exclude_none=True)))
    job = pipeline().store.create_job(Job(id=new_id("job"), state="queued", total=len(items), items=items))
    return jsonify(job_json(job)), 202, {"Location": url_for("jobs.get_job", job_id=job.id)}


@bp.get("/jobs/<job_id>")
@documented("A job: its state, progress, and each item's result or error", responses={200: JobOut}, tag="jobs")
def get_job(job_id: str):
    return jsonify(job_json(found(pipeline().store.get_job(job_id), "job", job_id)))


def job_json(job: Job) -> dict:
    return {
        "id": job.id, "state": job.state, "progress": {"total": job.total, "done": job.done, "failed": job.failed},
        "attempts": job.attempts, "error": job.error, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "items": [_item_json(item) for item in job.items or []],
    }


def _item_json(item: JobItem) -> dict:
    if item.status is None:
        return {"status": None}
    if item.problem is not None:
        return item_json(ApiError(item.status, item.problem["title"], item.problem["detail"],
                                  item.problem.get("errors")))
    document = pipeline().store.get_document(item.document_id)
    if document is None:
        return item_json(ApiError(410, "Gone", f"the document {item.document_id!r} this item stored has since been "
                                               "deleted"))
    return item_json(IngestResult(document, duplicate=item.status == 200, relations=item.relations or {}))


def _problem(error: ApiError) -> dict:
    """What a job keeps of an item's error: the problem+json fields that are not its status."""
    return {"title": error.title, "detail": error.detail, "errors": error.errors}
