"""Candidate matching: nearest claims of other documents, re-scored by wording,
shared entities and figures, cut by the thresholds in Settings."""

from __future__ import annotations

import numpy as np

from service.config import Settings
from service.match import (
    WEIGHTS,
    entity_overlap,
    find_candidates,
    number_overlap,
    rescore,
    rescore_features,
)
from service.models import Claim, Entity, Facts, QuantityInterval


class FakeIndex:
    """Returns fixed hits, whatever the query: the test decides the cosines."""

    def __init__(self, hits):
        self.hits = hits

    def __len__(self):
        return len(self.hits)

    def search(self, vectors, k):
        return [self.hits[:k] for _ in range(len(vectors))]


def claim(text, *, doc="d1", source="s1", entities=(), figures=(), id=None):
    return Claim(
        text=text, span=(0, len(text)), id=id, document_id=doc, source=source,
        facts=Facts(entities=[Entity(e, "PERSON", e) for e in entities],
                    quantities=[QuantityInterval(v, v, text=str(v)) for v in figures]),
    )


STORED = {
    "same-doc": claim("Blinken met Netanyahu in Jerusalem", doc="d1", id="same-doc"),
    "same-source": claim("Blinken met Netanyahu in Jerusalem", doc="d2", source="s1", id="same-source"),
    "close": claim("Blinken met Netanyahu in Jerusalem on Tuesday", doc="d3", source="s2",
                   entities=["Blinken", "Netanyahu"], id="close"),
    "far": claim("Oil prices fell", doc="d4", source="s3", id="far"),
}


def run(hits, **settings):
    new = claim("Blinken met with Netanyahu in Jerusalem", entities=["Antony Blinken", "Netanyahu"])
    return find_candidates([new], np.zeros((1, 4), dtype=np.float32), FakeIndex(hits),
                           lambda ids: {i: STORED[i] for i in ids if i in STORED}, Settings(**settings))[0]


def test_candidates_skip_the_same_document_and_source_and_weak_hits():
    found = run([("same-doc", 0.99), ("same-source", 0.95), ("close", 0.8), ("far", 0.3)])
    assert [c.claim.id for c in found] == ["close"]
    assert found[0].similarity == 0.8
    assert found[0].score > 0.8  # shared wording and actors raise it


def test_same_source_pairs_are_allowed_by_a_setting():
    found = run([("same-source", 0.95), ("close", 0.8)], allow_same_source=True)
    assert {c.claim.id for c in found} == {"same-source", "close"}


def test_top_k_and_min_score_cut_the_list():
    hits = [("close", 0.8), ("same-source", 0.95)]
    assert len(run(hits, allow_same_source=True, match_top_k=1)) == 1
    assert run(hits, relate_min_score=0.99) == []


def test_no_index_no_candidates():
    assert find_candidates([claim("x y z")], np.zeros((1, 4)), FakeIndex([]), dict, Settings()) == [[]]


def test_rescore_rewards_shared_entities_and_figures():
    a = claim("Hamas freed 13 hostages", entities=["Hamas"], figures=[13])
    b = claim("Hamas released 13 captives", entities=["Hamas"], figures=[13])
    c = claim("Hamas released captives", entities=["Hezbollah"], figures=[7])
    assert entity_overlap(a, b) == 1.0 and entity_overlap(a, c) == 0.0
    assert number_overlap(a, b) == 1.0 and number_overlap(a, c) == 0.0
    assert rescore(a, b, 0.7) > rescore(a, c, 0.7)
    assert 0.0 <= rescore(a, b, 1.0) <= 1.0


def test_rescore_is_the_weighted_sum_of_its_features():
    a = claim("Hamas freed 13 hostages in Gaza", entities=["Hamas"], figures=[13])
    b = claim("Hamas released 13 captives", entities=["Hamas", "Gaza"], figures=[13])
    features = rescore_features(a, b, 0.7)
    assert features[0] == 0.7 and features[2:] == (1.0, 1.0)
    assert 0.0 < features[1] < 1.0
    assert abs(rescore(a, b, 0.7) - sum(w * f for w, f in zip(WEIGHTS, features))) < 1e-9
    assert abs(sum(WEIGHTS) - 1.0) < 1e-9


def test_the_story_widens_the_search_beyond_the_cosine_floor_and_top_k():
    new = claim("179 people died in the crash", doc="d9", source="s9", figures=[179])
    pool = [
        claim("The aircraft carried 181 people", doc="d3", source="s2", id="far-in-cosine"),
        claim("179 were killed, officials said", doc="d4", source="s3", figures=[179], id="shares-a-figure"),
        claim("179 people died in the crash", doc="d5", source="s9", id="same-source"),
        claim("Blinken met Netanyahu in Jerusalem on Tuesday", doc="d3", source="s2", id="close"),
    ]
    vectors = np.array([[0.2, 1, 0, 0], [0.3, 1, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    found = find_candidates([new], np.array([[1, 0, 0, 0]], dtype=np.float32), FakeIndex([("close", 0.9)]),
                            lambda ids: {i: STORED[i] for i in ids if i in STORED},
                            Settings(story_match_top_k=1), (pool, vectors))[0]
    # The top-k first, unchanged; then the best of the story by re-score, marked widened.
    assert [(c.claim.id, c.widened) for c in found] == [("close", False), ("shares-a-figure", True)]
    assert found[1].similarity < Settings().match_min_similarity
