"""End to end on the three seed articles: clean claims, agreements, explained conflicts."""

from __future__ import annotations

import re

import pytest

DEBRIS = ["< td >", "&nbs p", "br >", "amp;", r"<\/P>", "<", ">", "&nbsp", "li >", "tr >"]


@pytest.fixture(scope="module")
def seeded(seed_texts, tmp_path_factory, encoder, nlp):
    """The seeds ingested once, through the HTTP API, into a store of their own."""
    from service.api import create_app
    from service.config import Settings
    from service.pipeline import Pipeline
    from service.store import SQLiteStore

    settings = Settings(db_path=str(tmp_path_factory.mktemp("seeds") / "seeds.db"))
    client = create_app(pipeline=Pipeline(settings, SQLiteStore(settings.db_path), encoder=encoder)).test_client()
    docs = {}
    for name, text in seed_texts.items():
        response = client.post("/v1/documents", json={"text": text, "source": name[:3], "url": f"seed://{name}"})
        assert response.status_code == 201, response.get_json()
        docs[name[:3]] = response.get_json()
    claims = {key: client.get(f"/v1/documents/{d['id']}/claims?limit=500").get_json()["data"]
              for key, d in docs.items()}
    relations = []
    cursor = None
    while True:
        page = client.get("/v1/relations?limit=500" + (f"&cursor={cursor}" if cursor else "")).get_json()
        relations += page["data"]
        if not (cursor := page["next_cursor"]):
            break
    return docs, claims, relations


def between(relations, a: str, b: str):
    return [r for r in relations if {r["claim_a"]["source"], r["claim_b"]["source"]} == {a, b}]


def test_every_seed_yields_claims(seeded):
    docs, claims, _ = seeded
    for key, doc in docs.items():
        assert doc["claims"] == len(claims[key]) >= 10, key


def test_no_claim_carries_markup_or_entity_debris(seeded):
    _, claims, _ = seeded
    for key, items in claims.items():
        for claim in items:
            for junk in DEBRIS:
                assert junk not in claim["text"], (key, junk, claim["text"])
            assert not re.search(r"&\w*;?|\bnbsp\b", claim["text"]), (key, claim["text"])


def test_spans_point_into_the_cleaned_text(seeded):
    docs, claims, _ = seeded
    for key, items in claims.items():
        text = docs[key]["text"]
        for claim in items:
            start, end = claim["span"]
            assert 0 <= start < end <= len(text)
            assert claim["text"] == text[start:end].strip() or claim["text"] in text[start:end], claim


def test_blinken_articles_agree_that_blinken_meets_netanyahu(seeded):
    _, _, relations = seeded
    meets = [
        r for r in between(relations, "001", "002")
        if r["kind"] == "agreement"
        and all("Netanyahu" in r[side]["text"] and "Blinken" in r[side]["text"] for side in ("claim_a", "claim_b"))
    ]
    assert meets, "no agreement between 001 and 002 that Blinken meets Netanyahu"


def test_ceasefire_claims_of_000_are_linked_with_an_explained_difference(seeded):
    _, _, relations = seeded
    linked = [
        r for r in relations
        if {r["claim_a"]["source"], r["claim_b"]["source"]} in ({"000", "001"}, {"000", "002"})
        and all("ceasefire" in r[side]["text"].lower() for side in ("claim_a", "claim_b"))
        and r["kind"] in ("contradiction", "related")
    ]
    assert linked, "no relation links a ceasefire claim of 000 to one of 001/002"
    explained = [r for r in linked if r["kind"] == "contradiction" and r["conflicts"]
                 or "differ" in r["explanation"].lower() or "different" in r["explanation"].lower()]
    assert explained, [r["explanation"] for r in linked]
    for r in explained:
        assert len(r["explanation"].split()) >= 5
