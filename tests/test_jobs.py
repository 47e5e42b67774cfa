"""Ingest jobs: POST /v1/jobs queues documents, workers ingest them, GET /v1/jobs/{id} follows.

A worker that stops mid-job (killed, its host lost) leaves its job to another once its
hold lapses; no document is stored twice, and none is lost.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from service.api.auth import create_key
from service.pipeline import Pipeline
from service.store import JobLost, SQLiteStore, open_store
from service.store.sqlite import SCHEMA_VERSION
from service.worker import Worker

A = "A passenger train derailed near Ashford on Monday evening, killing 12 people. Rail officials said 48 were hurt."
B = "Twelve people died when a train came off the tracks near Ashford on Monday. Officials said 63 were hurt."
REPORTS = [
    {"text": f"The council of town number {i} approved a budget of {10 + i} million pounds on Monday.",
     "source": f"outlet-{i % 3}", "url": f"https://example.org/budget/{i}"}
    for i in range(6)
]


def stored_urls(store) -> list[str]:
    return [d.url for d in store.list_documents(limit=500).items]


def post_job(client, documents, **kwargs):
    r = client.post("/v1/jobs", json={"documents": documents}, **kwargs)
    assert r.status_code == 202, r.get_json()
    return r.get_json()


def run_until_idle(pipeline, name=None) -> Worker:
    worker = Worker(pipeline, name=name)
    worker.run(threading.Event(), until_idle=True)
    return worker


def test_a_job_is_queued_with_its_invalid_items_answered_at_once(client):
    r = client.post("/v1/jobs", json={"documents": [{"text": A}, {"title": "no text"}, {"html": "<p>\x00</p>"}]})
    assert r.status_code == 202
    job = r.get_json()
    assert r.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] == "queued" and job["progress"] == {"total": 3, "done": 2, "failed": 2}
    assert job["items"][0] == {"status": None}
    assert [i["status"] for i in job["items"][1:]] == [422, 422]
    assert job["items"][1]["problem"]["errors"][0]["field"].startswith("documents.1")
    assert job["items"][2]["problem"]["errors"][0]["field"] == "documents.2.html"
    assert client.get(f"/v1/jobs/{job['id']}").get_json() == job


def test_a_job_of_invalid_items_only_is_done_at_once(client):
    job = post_job(client, [{"title": "no text"}])
    assert job["state"] == "done" and job["finished_at"] is not None


@pytest.mark.parametrize("body", [{}, {"documents": []}, {"documents": "x"}, [], {"documents": [{"text": "x"}] * 4}])
def test_bad_jobs_are_422_and_store_nothing(client, pipeline, body):
    pipeline.settings = pipeline.settings.with_(max_job_documents=3)
    r = client.post("/v1/jobs", json=body)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert pipeline.store.claim_job("probe", 60, 3) is None  # no job was queued


def test_unknown_job_is_404(client):
    r = client.get("/v1/jobs/job_nope")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_jobs_need_a_write_key_to_post_and_a_read_key_to_follow(client, store):
    read_key, _ = create_key(store, "read")
    write_key, _ = create_key(store, "write")
    assert client.post("/v1/jobs", json={"documents": [{"text": A}]}).status_code == 401
    assert client.post("/v1/jobs", json={"documents": [{"text": A}]},
                       headers={"Authorization": f"Bearer {read_key}"}).status_code == 403
    job = post_job(client, [{"text": A}], headers={"Authorization": f"Bearer {write_key}"})
    assert client.get(f"/v1/jobs/{job['id']}", headers={"Authorization": f"Bearer {read_key}"}).status_code == 200


def test_a_worker_ingests_a_job_with_the_results_a_batch_gives(client, pipeline):
    documents = [{"text": A, "source": "wire-a"}, {"text": "<br><br>"}, {"text": B, "source": "wire-b"},
                 {"text": A.upper(), "source": "wire-c"}]
    job = post_job(client, documents)
    run_until_idle(pipeline)
    done = client.get(f"/v1/jobs/{job['id']}").get_json()
    assert done["state"] == "done" and done["attempts"] == 1
    assert done["progress"] == {"total": 4, "done": 4, "failed": 1}
    assert [i["status"] for i in done["items"]] == [201, 422, 201, 200]
    assert done["items"][1]["problem"]["errors"] == [
        {"field": "documents.1.text", "message": "the article has no text once markup and boilerplate are removed"}]
    assert done["items"][2]["result"]["relations"]["contradiction"] >= 1
    assert done["items"][3]["result"]["duplicate"] is True
    assert done["items"][3]["result"]["id"] == done["items"][0]["result"]["id"]
    # The same documents as a batch, once those are deleted, answer the same per item.
    for item in done["items"][::2]:
        assert client.delete(f"/v1/documents/{item['result']['id']}").status_code == 204
    batch = client.post("/v1/documents/batch", json={"documents": documents}).get_json()["data"]
    assert [i["status"] for i in batch] == [i["status"] for i in done["items"]]
    assert batch[1]["problem"] == done["items"][1]["problem"]
    assert set(batch[0]["result"]) == set(done["items"][0]["result"])


def test_a_job_whose_worker_died_is_resumed_by_another_without_duplicates(client, pipeline):
    lease = 2.0
    pipeline.settings = pipeline.settings.with_(job_lease_s=lease)
    job = post_job(client, REPORTS)
    store = pipeline.store
    # The first worker takes the job, stores two items, and dies: no heartbeat, no hand-back.
    dead = Worker(pipeline, name="dead")
    claimed = time.monotonic()
    assert store.claim_job(dead.name, lease, 3).id == job["id"]
    # While its hold lasts, nobody else takes the job up.
    assert Worker(pipeline, name="early").run_one() is None
    dead._ingest(job["id"], store.pending_job_items(job["id"], 2))
    time.sleep(max(0.0, claimed + lease + 0.2 - time.monotonic()))
    resumed = Worker(pipeline, name="second").run_one()
    assert (resumed.state, resumed.attempts, resumed.done) == ("done", 2, len(REPORTS))
    # The dead worker's last, late write is refused and stores nothing.
    with pytest.raises(JobLost):
        dead._ingest(job["id"], [store.get_job(job["id"]).items[0]])
    assert sorted(stored_urls(store)) == sorted(d["url"] for d in REPORTS)
    items = client.get(f"/v1/jobs/{job['id']}").get_json()["items"]
    assert [i["status"] for i in items] == [201] * len(REPORTS)
    assert len({i["result"]["id"] for i in items}) == len(REPORTS)


def test_a_document_is_not_stored_when_its_result_cannot_be_recorded(client, pipeline):
    """What a worker that lost its job was writing rolls back with the document."""
    job = post_job(client, REPORTS[:1])
    store = pipeline.store
    assert store.claim_job("first", 0.01, 3) is not None
    time.sleep(0.05)
    assert store.claim_job("another", 60, 3) is not None
    with pytest.raises(JobLost):
        Worker(pipeline, name="first")._ingest(job["id"], store.pending_job_items(job["id"], 10))
    assert stored_urls(store) == []
    assert store.get_job(job["id"]).done == 0


def test_workers_share_a_queue_and_each_job_goes_to_one(pipeline, client):
    jobs = [post_job(client, [d])["id"] for d in REPORTS[:4]]
    other = Worker(Pipeline(pipeline.settings, open_store(pipeline.settings), encoder=pipeline.encoder))
    workers = [Worker(pipeline), other]
    threads = [threading.Thread(target=w.run, args=(threading.Event(), True)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    states = [pipeline.store.get_job(j) for j in jobs]
    assert all(j.state == "done" and j.attempts == 1 for j in states)
    assert len(stored_urls(pipeline.store)) == 4


def test_a_stopped_worker_hands_its_job_back(pipeline, client):
    post_job(client, REPORTS[:2])
    stop = threading.Event()
    stop.set()
    ended = Worker(pipeline, name="stopping").run_one(stop)
    assert (ended.state, ended.attempts, ended.done) == ("queued", 0, 0)
    assert Worker(pipeline).run_one().state == "done"


def test_a_job_whose_workers_keep_dying_fails(pipeline, client):
    job = post_job(client, REPORTS[:1])
    store = pipeline.store
    for attempt in range(3):
        assert store.claim_job(f"w{attempt}", 0.01, 3) is not None
        time.sleep(0.05)
    assert store.claim_job("last", 60, 3) is None
    failed = client.get(f"/v1/jobs/{job['id']}").get_json()
    assert failed["state"] == "failed" and "3 times" in failed["error"]


@pytest.mark.sqlite_only
def test_a_version_3_database_gains_the_jobs_tables(settings, store):
    store.db.conn.executescript("DROP TABLE job_items; DROP TABLE jobs; "
                                "UPDATE meta SET value = '3' WHERE key = 'schema_version';")
    migrated = SQLiteStore(settings.db_path)
    assert migrated.stored_schema_version() == SCHEMA_VERSION
    tables = {r[0] for r in sqlite3.connect(settings.db_path).execute("SELECT name FROM sqlite_master")}
    assert {"jobs", "job_items"} <= tables


@pytest.mark.slow
def test_a_killed_worker_process_leaves_its_job_to_another_without_duplicates(database, tmp_path, encoder, nlp):
    """A real ``crossfact worker`` is SIGKILLed mid-job; once its hold lapses another
    worker takes the job up, and every document is stored exactly once."""
    import os
    import signal
    import subprocess
    import sys

    from public_data import conflicting_pairs
    from live_server import REPO
    from service.config import Settings
    from service.store import Job, JobItem

    lease = 6.0  # renewed every 2 s: at least 4 s of it are left when the worker is killed
    settings = Settings(db_path=database, job_lease_s=lease)
    store = open_store(settings)
    documents = [d for pair in conflicting_pairs(20) for d in pair]
    job = store.create_job(Job(id="job_killed", state="queued", total=len(documents),
                               items=[JobItem(i, document=d) for i, d in enumerate(documents)]))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CROSSFACT_JOB_LEASE_S": str(lease)}
    with open(tmp_path / "worker.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "worker", "--db", database], cwd=REPO,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while store.get_job(job.id, with_items=False).done == 0:
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker stored nothing within 300 s"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    killed = store.get_job(job.id, with_items=False)
    assert killed.state == "running" and 0 < killed.done < len(documents)

    pipeline = Pipeline(settings, open_store(settings), encoder=encoder)
    assert Worker(pipeline).run_one() is None  # its hold has not lapsed yet
    time.sleep(lease)
    resumed = Worker(pipeline).run_one()
    assert (resumed.state, resumed.attempts, resumed.done, resumed.failed) == ("done", 2, len(documents), 0)
    assert sorted(stored_urls(pipeline.store)) == sorted(d["url"] for d in documents)
    assert {i.status for i in pipeline.store.get_job(job.id).items} == {201}


def test_a_job_that_breaks_its_worker_is_retried_then_fails(client, pipeline, monkeypatch):
    pipeline.settings = pipeline.settings.with_(job_lease_s=0.2, job_max_attempts=2)
    job = post_job(client, REPORTS[:1])
    monkeypatch.setattr(pipeline, "_embed", lambda claims: (_ for _ in ()).throw(RuntimeError("encoder down")))
    worker = Worker(pipeline)
    assert worker.run_one().state == "running"  # left to lapse, not finished or handed back
    time.sleep(0.3)
    assert worker.run_one().attempts == 2
    time.sleep(0.3)
    assert worker.run_one() is None
    failed = client.get(f"/v1/jobs/{job['id']}").get_json()
    assert (failed["state"], failed["progress"]["done"]) == ("failed", 0)
