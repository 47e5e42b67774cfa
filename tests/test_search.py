"""Hybrid search: query normalisation, rank fusion, and both rankings over a real store."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.index import ExactIndex
from service.models import Claim, Document
from service.search import HybridNeighbours, fuse, hybrid_search, lexical_query, normalise_query


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Wow https://t.co/abc123 look", "Wow look"),
        ("Butterflies survive pic.twitter.com/0eJtwJyS1J — Center (@CenterForBioDiv) Jan 14", "Butterflies survive — Center Jan 14"),
        ("How are butterflies surviving the #AustralianFires?", "How are butterflies surviving the AustralianFires?"),
        ("write to me@example.org about C# and www.example.com/x", "write to me@example.org about C# and"),
        ("  @a @b  ", ""),
        ("caught on camera.IranUsapic.twitter.com/TvRkHvlgby", "caught on camera.IranUsa"),
        ("DefundThisNowhttps://t.co/CsHG8R9cHp now", "DefundThisNow now"),
    ],
)
def test_normalise_query_drops_links_and_handles(raw, clean):
    assert normalise_query(raw) == clean


def test_fuse_rewards_agreement_between_rankings():
    fused = fuse([(["a", "b", "c"], 1.0), (["c", "d"], 1.0)])
    assert fused[0][0] == "c"
    assert [id_ for id_, _ in fused] == ["c", "a", "b", "d"]


def test_fuse_weight_zero_keeps_the_first_ranking():
    fused = fuse([(["a", "b"], 1.0), (["b", "z"], 0.0)])
    assert [id_ for id_, _ in fused] == ["a", "b", "z"]
    assert dict(fused)["z"] == 0.0


SENTENCES = [
    "The city council approved a new budget of 4 million dollars on Tuesday.",
    "Heavy rain flooded the main roads of the capital overnight.",
    "The president met the foreign minister to discuss a ceasefire.",
    "Zylberstein won the regional chess championship.",
]


@pytest.fixture
def corpus(store, encoder):
    vectors = encoder.encode(SENTENCES)
    for n, (text, vector) in enumerate(zip(SENTENCES, vectors)):
        claim = Claim(text=text, span=(0, len(text)), id=f"clm_{n}")
        store.add_document(Document(id=f"doc_{n}", text=text, content_hash=f"h{n}"), [claim], vector[None], [])
    index = ExactIndex(vectors.shape[1])
    index.add([f"clm_{n}" for n in range(len(SENTENCES))], vectors)
    return index


def test_a_paraphrase_without_shared_words_is_found_by_meaning(corpus, store, encoder):
    ranked = hybrid_search("Streets in the nation's capital were under water after storms", encoder.encode, corpus,
                           store, 3)
    assert ranked[0][0] == "clm_1"


def test_a_rare_name_is_found_by_wording(corpus, store, encoder):
    ranked = hybrid_search("Zylberstein", encoder.encode, corpus, store, 2)
    assert ranked[0][0] == "clm_3"


def test_scores_are_best_first_and_limited(corpus, store, encoder):
    ranked = hybrid_search("budget approved by the council", encoder.encode, corpus, store, 2)
    assert len(ranked) == 2 and ranked[0][0] == "clm_0"
    assert ranked[0][1] >= ranked[1][1] > 0


def test_a_query_of_only_links_finds_nothing(corpus, store):
    def never(_texts):
        raise AssertionError("nothing to embed")

    assert hybrid_search("https://example.com @someone", never, corpus, store, 5) == []


def test_search_on_an_empty_corpus_is_empty(store, encoder):
    assert hybrid_search("anything at all", encoder.encode, ExactIndex(384), store, 5) == []


def test_pipeline_search_returns_claims_with_scores(pipeline, encoder):
    vectors = encoder.encode(SENTENCES[:2])
    claims = [Claim(text=t, span=(0, len(t)), id=f"clm_p{n}") for n, t in enumerate(SENTENCES[:2])]
    pipeline.store.add_document(Document(id="doc_p", text=" ".join(SENTENCES[:2]), content_hash="hp"), claims,
                                vectors, [])
    results = pipeline.search("flooding in the capital", 5)
    assert results[0][0].id == "clm_p1" and results[0][0].text == SENTENCES[1]
    assert np.isfinite(results[0][1])


def test_lexical_query_keeps_the_words_worth_matching():
    assert lexical_query("The 2 men AND the women said it's 4 o'clock") == "2 men women said 4 clock"
    assert lexical_query("the of and") == ""


def test_hybrid_neighbours_add_bm25_hits_with_their_cosine(store):
    """/v1/check's neighbours: what the vector index misses, BM25 brings, with its true cosine."""
    class MissingEverything:
        def __len__(self):
            return 1

        def search(self, vectors, k):
            return [[] for _ in range(len(vectors))]

    stored = np.zeros((1, 384), dtype=np.float32)
    stored[0, :2] = (0.6, 0.8)
    store.add_document(Document(id="doc_1", text="t", content_hash="1" * 64),
                       [Claim(id="clm_1", text="Hochstein met Lebanese officials in Beirut.", span=(0, 1))], stored, [])
    query = np.zeros((1, 384), dtype=np.float32)
    query[0, 0] = 1.0
    rows = HybridNeighbours(MissingEverything(), store, ["Did Hochstein visit Beirut?"]).search(query, 5)
    assert rows == [[("clm_1", pytest.approx(0.6))]]
    assert HybridNeighbours(MissingEverything(), store, ["nothing shared here"]).search(query, 5) == [[]]
