"""The relate stage on real sentences, through Pipeline.compare (what /v1/compare
calls), and on the seed articles (slow: three ingests)."""

from __future__ import annotations

import pytest

from service.models import Article
from service.store.base import RelationFilter


def compare(pipeline, a, b):
    return pipeline.compare(a, b, "2024-01-10", "2024-01-10")[3]


def test_different_tolls_for_the_same_day_conflict_on_the_number(pipeline):
    v = compare(pipeline, "44 Palestinians were killed in Gaza on Tuesday.",
                "50 Palestinians were killed in Gaza on Tuesday.")
    assert v.kind == "contradiction"
    number = next(c for c in v.conflicts if c.type == "number")
    assert (number.a, number.b) == ("44", "50")
    assert v.explanation.startswith("Numbers differ on")


def test_at_least_a_figure_does_not_contradict_a_larger_one(pipeline):
    v = compare(pipeline, "At least 44 Palestinians were killed in Gaza on Tuesday.",
                "50 Palestinians were killed in Gaza on Tuesday.")
    assert v.kind != "contradiction"


def test_a_denied_act_contradicts_the_act(pipeline):
    v = compare(pipeline, "A man is playing a guitar.", "There is no man playing a guitar.")
    assert v.kind == "contradiction"
    assert [c.type for c in v.conflicts] == ["negation"]


def test_one_meeting_in_two_cities_is_a_place_conflict(pipeline):
    v = compare(pipeline, "Blinken met Netanyahu in Jerusalem on Tuesday.",
                "Blinken met Netanyahu in Tel Aviv on Tuesday.")
    assert v.kind == "contradiction"
    assert any(c.type == "place" for c in v.conflicts)


def test_a_paraphrase_agrees(pipeline):
    v = compare(pipeline, "Blinken met Netanyahu in Jerusalem on Tuesday.",
                "On Tuesday, Blinken held a meeting with Netanyahu in Jerusalem.")
    assert v.kind == "agreement"


def _relations(pipeline):
    rows, cursor = [], None
    while True:
        page = pipeline.store.list_relations(RelationFilter(), limit=500, cursor=cursor)
        rows.extend(page.items)
        if not (cursor := page.next_cursor):
            return rows


def _between(relation, source_a, sources_b):
    pair = {relation.claim_a.source, relation.claim_b.source}
    return source_a in pair and pair & set(sources_b) and len(pair) == 2


# The seeds' publication dates: 001 reports Blinken's 11th visit (October 2024), 002 his
# January tour, so the two articles tell of two different trips.
SEED_DATES = {"000": None, "001": "2024-10-22", "002": "2024-01-10"}


@pytest.mark.slow
def test_seed_relations_link_ceasefire_accounts_and_keep_two_blinken_trips_apart(pipeline, seed_texts):
    for name, text in seed_texts.items():
        pipeline.ingest(Article(text=text, source=name[:3], url=f"seed:{name}", published_at=SEED_DATES[name[:3]]))
    relations = _relations(pipeline)

    ceasefire = [
        r for r in relations
        if _between(r, "000", ("001", "002"))
        and all("ceasefire" in c.text.lower() for c in (r.claim_a, r.claim_b))
        and "agreement was reached" in (r.claim_a.text + r.claim_b.text)
    ]
    assert ceasefire, "no relation links the ceasefire agreement of 000 to a ceasefire claim of 001/002"
    assert any("outcome" in r.explanation or "differ" in r.explanation for r in ceasefire)

    meets = [
        r for r in relations
        if _between(r, "001", ("002",)) and all("Blinken" in c.text and "Netanyahu" in c.text
                                               for c in (r.claim_a, r.claim_b))
    ]
    assert all(r.kind == "related" for r in meets), "two different trips do not agree or contradict"
