"""Re-analysis: a threshold changes, the corpus is judged again, reviews survive; a killed run resumes."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from db_checks import check_consistent
from service.api.io import relation_json
from service.models import Article, Claim, Document, Relation
from service.pipeline import Pipeline
from service.reanalysis import Reanalysis
from service.store import RelationFilter, SQLiteStore

ARTICLES = [
    ("wire", "2024-04-03", "A magnitude 7.4 earthquake struck Hualien County in Taiwan on Wednesday morning. "
                           "Nine people were killed and more than 1,000 were injured, officials said."),
    ("daily", "2024-04-04", "Taiwan's strongest earthquake in 25 years hit Hualien on Wednesday. "
                            "Authorities in Hualien County said nine people died and over 1,000 were hurt."),
    ("post", "2024-04-04", "The earthquake in Hualien killed 12 people, the fire agency said on Thursday. "
                           "Rescuers in Hualien County were still searching for 600 people."),
    ("herald", "2024-12-14", "South Korea's National Assembly voted on Saturday to impeach President Yoon Suk Yeol "
                             "over his declaration of martial law. The motion passed with 204 votes in favour."),
]


def ingest_all(pipeline):
    for source, day, text in ARTICLES:
        pipeline.ingest(Article(text=text, source=source, published_at=day))


def relations(store) -> list[Relation]:
    return store.list_relations(RelationFilter(), limit=10_000, cursor=None).items


def judged(store) -> set[tuple[str, str, str]]:
    return {(r.claim_a_id, r.claim_b_id, r.kind) for r in relations(store)}


def story_partition(store) -> set[frozenset[str]]:
    docs = store.list_documents(limit=1000, cursor=None).items
    groups: dict[str, set[str]] = {}
    for d in docs:
        groups.setdefault(d.story_id, set()).add(d.id)
    return {frozenset(g) for g in groups.values()}


def test_a_threshold_change_changes_relations_and_reviews_survive(pipeline, settings, store, encoder):
    ingest_all(pipeline)
    before = relations(store)
    assert len(before) >= 4
    # The weakest link is the one the stricter threshold below leaves out: reviewed, it stays.
    confirmed, rejected = max(before, key=lambda r: r.similarity), min(before, key=lambda r: r.similarity)
    store.review_relation(confirmed.id, "confirmed", "checked against the agency's statement")
    store.review_relation(rejected.id, "rejected", None)
    claims_before = {c.id for d in store.list_documents(limit=100).items
                     for c in store.document_claims(d.id, limit=500, cursor=None).items}

    # A stricter cosine floor: the weaker half of the links are no longer candidates.
    floor = sorted(r.similarity for r in before)[len(before) // 2] - 1e-4
    stricter = Pipeline(settings.with_(match_min_similarity=floor, story_match_top_k=0), store, encoder=encoder)
    reanalysis = Reanalysis(stricter, batch_size=2)
    progress = reanalysis.start()
    assert (progress.total, progress.finished, progress.resumed) == (len(ARTICLES), 0, False)
    seen, again = [], []
    reviewed_again = reanalysis._reviewed_again

    def recording(*args):
        found = reviewed_again(*args)
        again.extend(found)
        return found

    reanalysis._reviewed_again = recording
    reanalysis.run(on_document=seen.append)
    assert [(r.claim_a_id, r.claim_b_id) for r in again] == [(rejected.claim_a_id, rejected.claim_b_id)]
    assert len(seen) == len(ARTICLES) and store.reanalysis_state() is None

    after = {r.id: r for r in relations(store)}
    assert len(after) < len(before)
    assert all(r.similarity >= floor or r.status != "suggested" for r in after.values())
    for reviewed, status, note in ((confirmed, "confirmed", "checked against the agency's statement"),
                                   (rejected, "rejected", None)):
        kept = after[reviewed.id]  # the same relation: id, pair, review and note
        assert (kept.claim_a_id, kept.claim_b_id) == (reviewed.claim_a_id, reviewed.claim_b_id)
        assert (kept.status, kept.note) == (status, note)
    claims_after = {c.id for d in store.list_documents(limit=100).items
                    for c in store.document_claims(d.id, limit=500, cursor=None).items}
    assert claims_after == claims_before  # claims keep their ids
    assert all(d.story_id for d in store.list_documents(limit=100).items)
    check_consistent(settings.db_path)


def test_a_kind_changed_under_a_review_keeps_the_review_and_says_so(store):
    def add(i):
        document = Document(id=f"doc_{i}", text=f"text {i}", content_hash=f"{i:064d}", source=f"s{i}")
        store.add_document(document, [Claim(id=f"clm_{i}", text=f"claim {i}", span=(0, 5))],
                           np.full((1, 384), 384 ** -0.5, dtype=np.float32),
                           [Relation(id="rel_1", claim_a_id="clm_2", claim_b_id="clm_1", kind="agreement",
                                     confidence=0.9, similarity=0.9, explanation="Same fact.")] if i == 2 else [])
        return document

    add(1)
    second = add(2)
    store.review_relation("rel_1", "confirmed", "right")
    assert store.get_relation("rel_1").reviewed_kind == "agreement"
    store.begin_reanalysis()
    contradiction = Relation(id="rel_new", claim_a_id="clm_2", claim_b_id="clm_1", kind="contradiction",
                             confidence=0.8, similarity=0.9, explanation="Numbers differ.")
    store.save_reanalysis(2, second, [store.get_claim("clm_2")], None, [contradiction])
    kept = store.get_relation("rel_1")
    assert (kept.kind, kept.status, kept.note, kept.reviewed_kind) == ("contradiction", "confirmed", "right",
                                                                       "agreement")
    assert relation_json(kept)["review_outdated"] is True
    assert store.get_relation("rel_new") is None
    store.review_relation("rel_1", "confirmed", None)  # looked at again
    assert relation_json(store.get_relation("rel_1"))["review_outdated"] is False


@pytest.mark.sqlite_only
def test_a_killed_run_resumes_and_ends_as_an_uninterrupted_one(pipeline, settings, store, encoder, tmp_path):
    ingest_all(pipeline)
    copy = str(tmp_path / "copy.db")
    with sqlite3.connect(settings.db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)

    reanalysis = Reanalysis(pipeline, batch_size=2)
    reanalysis.start()
    done = []

    def killed_after_two(document):
        done.append(document.id)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reanalysis.run(on_document=killed_after_two)
    assert store.reanalysis_state()["finished"] == 2
    check_consistent(settings.db_path)

    resumed = Reanalysis(Pipeline(settings, SQLiteStore(settings.db_path), encoder=encoder))
    progress = resumed.start()
    assert progress.resumed and (progress.finished, progress.total) == (2, len(ARTICLES))
    rest = []
    resumed.run(on_document=lambda document: rest.append(document.id))
    assert len(rest) == len(ARTICLES) - 2 and not set(rest) & set(done)
    assert store.reanalysis_state() is None

    whole = SQLiteStore(copy)
    uninterrupted = Reanalysis(Pipeline(settings.with_(db_path=copy), whole, encoder=encoder))
    uninterrupted.start()
    uninterrupted.run()
    assert judged(store) == judged(whole)
    assert story_partition(store) == story_partition(whole)
    check_consistent(settings.db_path)


def test_a_document_is_saved_once_when_two_runs_race(store):
    document = Document(id="doc_1", text="t", content_hash="1" * 64, source="s")
    store.add_document(document, [Claim(id="clm_1", text="claim", span=(0, 5))], np.full((1, 384), 384 ** -0.5, dtype=np.float32), [])
    store.begin_reanalysis()
    claims = [store.get_claim("clm_1")]
    assert store.save_reanalysis(1, document, claims, None, []) is True
    assert store.save_reanalysis(1, document, claims, None, []) is False  # the other run was first
    assert store.reanalysis_state()["finished"] == 1
    store.end_reanalysis()
    assert store.save_reanalysis(2, document, claims, None, []) is False
