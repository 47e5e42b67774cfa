"""``crossfact worker``: runs the ingest jobs queued by POST /v1/jobs.

The queue is a table in the store, so any number of workers on any hosts sharing
the database take jobs from it (``Store.claim_job``: each job goes to one worker).
A worker holds its job for ``Settings.job_lease_s`` and renews the hold from a
heartbeat thread every third of that; a worker that dies (killed, its host lost)
stops renewing, and once the hold lapses another worker takes the job up where it
stopped.

No item is stored twice: each stored document's result is recorded in the very
transaction that stores it (``Pipeline.ingest_many``'s ``on_stored``, inside the
store's ingest turn), and only while this worker still holds the job
(``Store.record_job_items`` raises ``JobLost`` otherwise, which rolls the document
back). So a document is stored and marked done together or not at all, and a job
taken up again resumes with the items that have no result. An item that fails
(nothing left once cleaned, or an error) is recorded on its own: doing it again
stores nothing either.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager

from service.api.documents import ingest_error
from service.models import Article
from service.pipeline import IngestResult, Pipeline
from service.store import Job, JobItem, JobLost

log = logging.getLogger("crossfact.worker")

BATCH = 16  # items ingested together: their claims are embedded in one batch


def worker_name() -> str:
    """Unique among every worker that ever shares the database: host, process, and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, pipeline: Pipeline, name: str | None = None):
        self.pipeline = pipeline
        self.store = pipeline.store
        self.settings = pipeline.settings
        self.name = name or worker_name()

    def run(self, stop: threading.Event, until_idle: bool = False) -> int:
        """Run jobs until ``stop`` is set (or, with ``until_idle``, until none waits);
        the number of jobs worked on."""
        worked = 0
        while not stop.is_set():
            job = self.run_one(stop)
            if job is not None:
                worked += 1
            elif until_idle:
                break
            else:
                stop.wait(self.settings.worker_poll_s)
        return worked

    def run_one(self, stop: threading.Event | None = None) -> Job | None:
        """Take up one job and work it until it is done, ``stop`` is set (the job goes
        back to the queue), or it is lost to another worker; the job as it ends, or
        None when none waits."""
        job = self.store.claim_job(self.name, self.settings.job_lease_s, self.settings.job_max_attempts)
        if job is None:
            return None
        log.info("took up job %s (attempt %d)", job.id, job.attempts)
        stop = stop or threading.Event()
        with self._heartbeat(job.id) as lost:
            try:
                while not (stop.is_set() or lost.is_set()):
                    items = self.store.pending_job_items(job.id, BATCH)
                    if not items:
                        break
                    self._ingest(job.id, items)
            except JobLost:
                lost.set()
            except Exception:  # not this job's items alone (those fail in their results): the hold lapses
                log.exception("job %s failed in this worker; it is taken up again once its hold lapses "
                              "(%d attempts at most)", job.id, self.settings.job_max_attempts)
                return self.store.get_job(job.id, with_items=False)
            if lost.is_set():
                log.warning("job %s was taken up by another worker; leaving it", job.id)
            elif stop.is_set():
                self.store.release_job(job.id, self.name)
            elif self.store.finish_job(job.id, self.name):
                log.info("job %s done", job.id)
        return self.store.get_job(job.id, with_items=False)

    def _ingest(self, job_id: str, items: list[JobItem]) -> None:
        """Ingest some of a job's items; each result recorded with its document."""

        def record(i: int, result: IngestResult) -> None:
            self.store.record_job_items(job_id, self.name, [_stored(items[i].position, result)])

        articles = [Article(**item.document) for item in items]
        results = self.pipeline.ingest_many(articles, on_stored=record)
        if any(isinstance(r, JobLost) for r in results):
            raise JobLost(job_id)
        # Stored items were recorded in their turn (recording skips an item that has a result).
        self.store.record_job_items(job_id, self.name, [
            _stored(item.position, r) if isinstance(r, IngestResult) else _failed(item, r)
            for item, r in zip(items, results)
        ])

    @contextmanager
    def _heartbeat(self, job_id: str):
        """Renew the hold on ``job_id`` every third of the lease while the block runs;
        yields an Event that is set once the job is found to be another's."""
        lost, done = threading.Event(), threading.Event()
        every = self.settings.job_lease_s / 3

        def beat() -> None:
            while not done.wait(every):
                try:
                    if not self.store.renew_job_lease(job_id, self.name, self.settings.job_lease_s):
                        lost.set()
                        return
                except Exception:  # a store briefly unreachable: the next beat tries again
                    log.exception("renewing the hold on job %s failed", job_id)

        thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
        thread.start()
        try:
            yield lost
        finally:
            done.set()
            thread.join()


def _stored(position: int, result: IngestResult) -> JobItem:
    return JobItem(position, status=200 if result.duplicate else 201, document_id=result.document.id,
                   relations=dict(result.relations))


def _failed(item: JobItem, error: Exception) -> JobItem:
    """The item's error, worded as a batch words it."""
    field = f"documents.{item.position}." + ("text" if item.document.get("text") is not None else "html")
    problem = ingest_error(error, field)
    return JobItem(item.position, status=problem.status,
                   problem={"title": problem.title, "detail": problem.detail, "errors": problem.errors})
