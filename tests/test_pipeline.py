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
