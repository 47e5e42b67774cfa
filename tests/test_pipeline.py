"""The orchestrator: batches of articles embed together but commit one by one."""

from __future__ import annotations

from service.models import Article
from service.pipeline import EmptyArticle

A = "U.S. Secretary of State Antony Blinken met Prime Minister Benjamin Netanyahu in Jerusalem on Tuesday."
B = "Antony Blinken held talks with Israeli Prime Minister Benjamin Netanyahu in Jerusalem on Tuesday."


def test_ingest_many_answers_each_article_in_order(pipeline):
    results = pipeline.ingest_many([
        Article(text=A, source="wire"),
        Article(text="<br><br>"),
        Article(text=B, source="daily"),
        Article(text=A, source="wire"),
    ])
    first, empty, second, again = results
    assert isinstance(empty, EmptyArticle)
    assert not first.duplicate and not second.duplicate
    assert again.duplicate and again.document.id == first.document.id
    # the later article of a batch relates to the earlier one, as separate posts would
    assert sum(second.relations.values()) >= 1
    assert pipeline.store.get_document(second.document.id).claims_count == second.document.claims_count


def test_batched_vectors_are_the_ones_single_ingest_stores(pipeline, encoder):
    (result,) = pipeline.ingest_many([Article(text=A + " " + B, source="wire")])
    batch = pipeline.store.vectors_since(0)
    texts = [c.text for c in pipeline.store.document_claims(result.document.id, limit=50, cursor=None).items]
    assert (abs(batch.vectors - encoder.encode(texts)) < 1e-4).all()


def test_a_document_stored_by_another_process_just_before_the_turn_is_related(pipeline, settings, encoder):
    """The first decision, made before the turn, cannot see it; the turn's must."""
    from service.pipeline import Pipeline
    from service.store import open_store

    other = Pipeline(settings, open_store(settings), encoder=encoder)
    turn = pipeline.store.exclusive_ingest
    meanwhile = []

    def another_commits_first():
        meanwhile.append(other.ingest(Article(text=A, source="wire")))
        return turn()

    pipeline.store.exclusive_ingest = another_commits_first
    (result,) = pipeline.ingest_many([Article(text=B, source="daily")])
    assert sum(result.relations.values()) >= 1
    assert result.document.story_id == meanwhile[0].document.story_id
