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


def test_a_larger_batch_answers_in_order_and_relates_its_last_article_to_its_first(pipeline):
    fillers = [Article(text=f"The council of town {i} approved a new library budget of {i} million euros.",
                       source=f"paper{i}") for i in range(6)]
    articles = [Article(text=A, source="wire"), Article(text="<br><br>"), *fillers, Article(text=B, source="daily")]
    results = pipeline.ingest_many(articles)
    assert len(results) == len(articles) and isinstance(results[1], EmptyArticle)
    assert all(not r.duplicate for r in results[2:])
    assert sum(results[-1].relations.values()) >= 1
    listed = [d.id for d in pipeline.store.list_documents(limit=50).items]
    assert sorted(listed) == sorted(r.document.id for r in results if not isinstance(r, Exception))


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
