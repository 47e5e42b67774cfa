"""crossfact migrate: a whole store from SQLite to PostgreSQL and back, nothing lost."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from service.api.auth import create_key
from service.cli import main
from service.config import Settings
from service.migrate import MigrationError, migrate
from service.models import Article
from service.pipeline import Pipeline
from service.store import RelationFilter, open_store
from service.store.base import Job, JobItem

ARTICLES = [
    ("wire", "Officials said 3 people died in the bakery fire in Lyon on Monday."),
    ("daily", "Officials said 4 people died in the bakery fire in Lyon on Monday."),
    ("post", "The city council approved a budget of 40 million dollars on Monday, officials said."),
]


def everything(store) -> dict:
    """What a user of the store can see, in a form two stores can be compared by."""
    documents = store.list_documents(limit=100).items
    claims = [c for d in documents for c in store.document_claims(d.id, limit=100).items]
    relations = store.list_relations(RelationFilter(), limit=100).items
    stories = store.list_stories(limit=100).items
    vectors = store.get_vectors([c.id for c in claims])
    return {
        "documents": [(d.id, d.url, d.title, d.source, d.text, d.metadata, d.claims_count, d.created_at, d.story_id)
                      for d in documents],
        "claims": [c.to_dict() for c in claims],
        "vectors": {cid: np.round(v, 6).tolist() for cid, v in vectors.items()},
        "relations": [(r.id, r.claim_a_id, r.claim_b_id, r.kind, r.status, r.note, r.reviewed_kind, r.evidence,
                       [c.to_dict() for c in r.conflicts]) for r in relations],
        "stories": [s.to_dict() for s in stories],
        "keys": [(k.id, k.key_hash, k.scope, k.name, k.revoked_at) for k in store.list_api_keys()],
        "sources": store.source_stats(),
        "jobs": [store.get_job(job_id) for job_id in JOB_IDS],
    }


JOB_IDS = ["job_finished", "job_invalid"]


def finished_jobs(store) -> None:
    """Two jobs a worker is done with: one stored an article, one was refused whole."""
    stored = JobItem(position=0, document={"text": "A text.", "source": "wire"}, status=201,
                     document_id="doc_1", relations={"agreement": 1, "contradiction": 0, "related": 2})
    duplicate = JobItem(position=1, document={"text": "A text.", "source": "wire"}, status=200, document_id="doc_1")
    invalid = JobItem(position=0, status=422, problem={"title": "Unprocessable Content", "detail": "text is empty",
                                                        "errors": [{"field": "text", "message": "empty"}]})
    store.create_job(Job(id=JOB_IDS[0], state="queued", total=2, items=[stored, duplicate]))
    store.create_job(Job(id=JOB_IDS[1], state="queued", total=1, items=[invalid]))


def test_a_store_goes_to_postgresql_and_back_unchanged(tmp_path, postgres, encoder, nlp):
    settings = Settings(db_path=str(tmp_path / "first.db"))
    pipeline = Pipeline(settings, open_store(settings), encoder=encoder)
    for source, text in ARTICLES:
        pipeline.ingest(Article(text=text, source=source, published_at="2024-05-06", url=f"https://{source}/1"))
    store = pipeline.store
    (relation, *_) = store.list_relations(RelationFilter(), limit=10).items
    store.review_relation(relation.id, "confirmed", "checked with the fire service")
    create_key(store, "write", "newsroom")
    revoked = store.create_api_key("0" * 64, "read", "old")
    store.revoke_api_key(revoked.id)
    finished_jobs(store)
    before = everything(store)
    assert [job.state for job in before["jobs"]] == ["done", "done"]

    url = postgres.new_database()
    result = CliRunner().invoke(main, ["migrate", "--from", settings.db_path, "--to", url, "--batch", "2"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["documents"] == 3 and counts["claims"] == len(before["claims"])
    assert counts["relations"] == len(before["relations"]) >= 1 and counts["api_keys"] == 2
    assert counts["jobs"] == 2 and counts["job_items"] == 3

    on_postgres = open_store(settings.with_(db_path=url))
    assert everything(on_postgres) == before
    # What the target derives itself: its indexes find the copied claims.
    claim = before["claims"][0]
    assert on_postgres.lexical_search(claim["text"], 5)[0][0] == claim["id"]
    vector = np.asarray(before["vectors"][claim["id"]], dtype=np.float32)
    assert on_postgres.nearest_claims(settings).search(vector[None, :], 1)[0][0][0] == claim["id"]
    # New keys continue after the copied ones.
    assert on_postgres.create_api_key("1" * 64, "read").id == 3
    on_postgres.close()

    back = str(tmp_path / "back.db")
    result = CliRunner().invoke(main, ["migrate", "--from", url, "--to", back])
    assert result.exit_code == 0, result.output
    returned = open_store(settings.with_(db_path=back))
    again = everything(returned)
    assert again["keys"][:2] == before["keys"] and again["keys"][2][0] == 3
    assert {k: v for k, v in again.items() if k != "keys"} == {k: v for k, v in before.items() if k != "keys"}
    assert returned.lexical_search(claim["text"], 5)[0][0] == claim["id"]
    returned.close()
    postgres.drop(url)


def test_migrate_refuses_a_target_that_is_not_empty(tmp_path):
    first, second = (open_store(Settings(db_path=str(tmp_path / name))) for name in ("a.db", "b.db"))
    second.create_api_key("0" * 64, "read")
    with pytest.raises(MigrationError, match="not empty"):
        migrate(first, second)
    result = CliRunner().invoke(main, ["migrate", "--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "b.db")])
    assert result.exit_code != 0 and "not empty" in result.output


def test_migrate_refuses_a_store_whose_jobs_are_not_finished(tmp_path):
    first, second = (open_store(Settings(db_path=str(tmp_path / name))) for name in ("a.db", "b.db"))
    first.create_job(Job(id="job_waiting", state="queued", total=1,
                         items=[JobItem(position=0, document={"text": "A text.", "source": "wire"})]))
    with pytest.raises(MigrationError, match="job_waiting.*let the workers finish"):
        migrate(first, second)
    assert second.count_rows("jobs") == 0
