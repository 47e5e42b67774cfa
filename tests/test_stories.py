"""Stories: placing documents by time, names and meaning; the store keeps them; the API shows them."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from db_checks import check_consistent
from service import story
from service.config import Settings
from service.models import Claim, Document, Entity, Facts, Relation, StoryMember
from service.store import RelationFilter, SQLiteStore, open_store
from service.store.sqlite import _SCHEMA, SCHEMA_VERSION

SETTINGS = Settings(db_path=":memory:")


def unit(*values) -> np.ndarray:
    """A unit vector of the model's 384 dimensions, its first ones ``values``."""
    v = np.zeros(384, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def member(vector, names, day, story_id="") -> StoryMember:
    return StoryMember(story_id=story_id, vector=unit(*vector), names=list(names), date=day, headline="h")


def stories_of(members) -> list:
    """Place members one after another, as ingest does; the story index of each."""
    states, placed = [], []
    for i, m in enumerate(members):
        choice = story.place(m, states, SETTINGS)
        if choice.story_id is None:
            m.story_id = f"sty_{i}"
            states.append(story.joined(None, m))
        else:
            m.story_id = choice.story_id
            k = next(j for j, s in enumerate(states) if s.id == choice.story_id)
            states[k] = story.joined(states[k], m)
        placed.append(m.story_id)
    return placed


# -- placement ---------------------------------------------------------------------------


def test_same_names_and_meaning_within_days_join_one_story():
    a = member((1, 0.1, 0), ["jeju air", "muan"], "2024-12-29")
    b = member((1, 0.2, 0), ["jeju air", "south korea"], "2024-12-30")
    assert stories_of([a, b]) == ["sty_0", "sty_0"]


def test_months_apart_is_another_story_however_alike():
    a = member((1, 0.1, 0), ["antony blinken", "benjamin netanyahu"], "2024-01-10")
    b = member((1, 0.1, 0), ["antony blinken", "benjamin netanyahu"], "2024-10-22")
    assert stories_of([a, b]) == ["sty_0", "sty_1"]


def test_alike_words_without_a_shared_name_are_another_story():
    crash = member((1, 0.1, 0), ["jeju air"], "2024-12-29")
    wreck = member((1, 0.1, 0), ["pylos"], "2024-12-29")
    assert stories_of([crash, wreck]) == ["sty_0", "sty_1"]


def test_shared_names_in_other_words_are_another_story():
    vote = member((1, 0, 0), ["south korea"], "2024-12-14")
    crash = member((0, 1, 0), ["south korea"], "2024-12-14")
    assert stories_of([vote, crash]) == ["sty_0", "sty_1"]


def test_a_story_grows_its_window_with_each_document():
    days = ["2024-06-01", "2024-06-06", "2024-06-11", "2024-06-16"]
    docs = [member((1, 0.1, 0), ["hualien"], d) for d in days]
    assert set(stories_of(docs)) == {"sty_0"}


def test_the_closest_story_wins():
    first = member((1, 0, 0), ["gaza"], "2024-01-10")
    second = member((0, 1, 0), ["gaza"], "2024-01-10")
    close_to_second = member((0.3, 1, 0), ["gaza"], "2024-01-11")
    assert stories_of([first, second, close_to_second]) == ["sty_0", "sty_1", "sty_1"]


def test_an_undated_document_is_placed_by_names_and_meaning():
    dated = member((1, 0.1, 0), ["crocus city hall"], "2024-03-23")
    undated = member((1, 0.15, 0), ["crocus city hall"], None)
    assert stories_of([dated, undated]) == ["sty_0", "sty_0"]


def claim(text, names=(), event_date=None) -> Claim:
    return Claim(text=text, span=(0, len(text)), event_date=event_date,
                 facts=Facts(entities=[Entity(text=n, label="GPE", canonical=n) for n in names]))


def test_a_document_without_a_date_takes_the_day_its_claims_report():
    doc = Document(id="d", text="t", content_hash="h")
    claims = [claim("a", event_date="2023-10-22"), claim("b", event_date="2023-10-24"),
              claim("c", event_date="2023-10-24"), claim("d")]
    assert story.document_date(doc, claims) == "2023-10-24"
    doc.published_at = "2024-10-22T09:00:00+00:00"
    assert story.document_date(doc, claims) == "2024-10-22"
    assert story.document_date(Document(id="e", text="t", content_hash="h"), [claim("x")]) is None


def test_member_of_a_document_takes_its_most_central_claim_as_headline():
    doc = Document(id="d", text="t", content_hash="h")
    claims = [claim("aside", ["Taiwan"]), claim("the quake", ["Hualien", "Taiwan"]), claim("more", ["CWA"])]
    vectors = np.stack([unit(0, 1, 0), unit(1, 0.1, 0), unit(1, -0.1, 0.2)])
    m = story.document_member(doc, claims, vectors)
    assert m.headline == "the quake" and m.names == ["cwa", "hualien", "taiwan"]
    assert np.isclose(np.linalg.norm(m.vector), 1)
    doc.title = "Quake hits Taiwan"
    assert story.document_member(doc, claims, vectors).headline == "Quake hits Taiwan"


# -- store -------------------------------------------------------------------------------


def add(store, i, story_id, vector, names, day, source="s"):
    document = Document(id=f"doc_{i}", text=f"text {i}", content_hash=f"{i:064d}", source=source, published_at=day)
    claims = [Claim(id=f"clm_{i}", text=f"claim {i}", span=(0, 5), event_date=day)]
    m = member(vector, names, day, story_id)
    store.add_document(document, claims, np.stack([m.vector]), [], m)
    return document


def test_store_keeps_story_state_through_ingest_and_delete(store, settings):
    add(store, 1, "sty_a", (1, 0, 0), ["gaza", "hamas"], "2024-01-10", source="wire")
    add(store, 2, "sty_a", (0, 1, 0), ["gaza"], "2024-01-12", source="daily")
    (state,) = store.candidate_stories(("2024-01-05", "2024-01-19"), 10)
    assert state.documents_count == 2 and state.names == {"gaza": 2, "hamas": 1}
    assert (state.first_seen, state.last_seen) == ("2024-01-10", "2024-01-12")
    assert np.allclose(state.vector_sum, unit(1, 0, 0) + unit(0, 1, 0))
    assert store.candidate_stories(("2024-03-01", "2024-03-15"), 10) == []
    assert store.get_claim("clm_2").story_id == "sty_a" and store.get_document("doc_2").story_id == "sty_a"
    got = store.get_story("sty_a")
    assert got.sources == ["daily", "wire"] and got.title == "h" and got.documents_count == 2

    store.delete_document("doc_1")
    (state,) = store.candidate_stories(None, 10)
    assert state.documents_count == 1 and state.names == {"gaza": 1}
    assert state.first_seen == state.last_seen == "2024-01-12"
    assert np.allclose(state.vector_sum, unit(0, 1, 0), atol=1e-6)
    check_consistent(settings.db_path)
    store.delete_document("doc_2")
    assert store.get_story("sty_a") is None and store.candidate_stories(None, 10) == []


def test_story_lists_filter_and_page(store):
    add(store, 1, "sty_a", (1, 0, 0), ["gaza"], "2024-01-10", source="wire")
    add(store, 2, "sty_a", (1, 0, 0), ["gaza"], "2024-01-11", source="daily")
    add(store, 3, "sty_b", (0, 1, 0), ["pylos"], "2023-06-14", source="wire")
    add(store, 4, "sty_c", (0, 0, 1), ["hualien"], "2024-04-03", source="daily")
    ids = lambda page: [s.id for s in page.items]  # noqa: E731
    assert ids(store.list_stories(limit=10)) == ["sty_c", "sty_b", "sty_a"]
    assert ids(store.list_stories(source="wire", limit=10)) == ["sty_b", "sty_a"]
    assert ids(store.list_stories(since="2024-01-01", until="2024-02-01", limit=10)) == ["sty_a"]
    assert ids(store.list_stories(min_documents=2, limit=10)) == ["sty_a"]
    first = store.list_stories(limit=2)
    rest = store.list_stories(limit=2, cursor=first.next_cursor)
    assert ids(first) + ids(rest) == ["sty_c", "sty_b", "sty_a"] and rest.next_cursor is None


def test_relations_count_and_filter_within_a_story(store):
    add(store, 1, "sty_a", (1, 0, 0), ["gaza"], "2024-01-10", source="wire")
    add(store, 3, "sty_b", (0, 1, 0), ["gaza"], "2024-06-14", source="post")
    document = Document(id="doc_2", text="text 2", content_hash=f"{2:064d}", source="daily")
    relations = [
        Relation(id="rel_in", claim_a_id="clm_2", claim_b_id="clm_1", kind="agreement", confidence=0.9,
                 similarity=0.9, explanation="Both say so.", evidence={"aligned": [{"fact": "count", "a": "44"}]}),
        Relation(id="rel_out", claim_a_id="clm_2", claim_b_id="clm_3", kind="related", confidence=0.5,
                 similarity=0.6, explanation="Different events."),
    ]
    m = member((1, 0, 0), ["gaza"], "2024-01-10", "sty_a")
    store.add_document(document, [Claim(id="clm_2", text="c", span=(0, 1))], np.stack([m.vector]), relations, m)
    assert store.get_story("sty_a").relations == {"agreement": 1, "contradiction": 0, "related": 0}
    assert store.get_story("sty_b").relations == {"agreement": 0, "contradiction": 0, "related": 0}
    within = store.list_relations(RelationFilter(story="sty_a"), limit=10, cursor=None).items
    assert [r.id for r in within] == ["rel_in"]
    assert within[0].evidence == {"aligned": [{"fact": "count", "a": "44"}]}
    assert store.get_relation("rel_out").evidence == {}


def test_a_version_1_database_migrates_at_start(tmp_path):
    path = str(tmp_path / "old.db")
    conn = sqlite3.connect(path)
    conn.executescript(_SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('store_id', 'x')")
    conn.execute("INSERT INTO documents (id, text, content_hash, created_at) VALUES ('doc_old', 't', 'h', 'now')")
    conn.execute("INSERT INTO claims (id, document_id, position, text, span_start, span_end, kind, checkworthiness, "
                 "facts, vector) VALUES ('clm_old', 'doc_old', 0, 't', 0, 1, 'event', 0.5, '{}', x'0000803f')")
    conn.execute("INSERT INTO relations (id, claim_a, claim_b, document_a, document_b, kind, confidence, similarity, "
                 "explanation, status, created_at) VALUES ('rel_old', 'clm_old', 'clm_old', 'doc_old', 'doc_old', "
                 "'related', 0.5, 0.5, 'x', 'confirmed', 'now')")
    conn.commit()
    conn.close()
    store = SQLiteStore(path)
    assert store.stored_schema_version() == SCHEMA_VERSION
    assert store.get_document("doc_old").story_id is None
    old = store.get_relation("rel_old")
    assert old.evidence == {} and (old.status, old.reviewed_kind) == ("confirmed", "related")
    assert store.list_stories(limit=10).items == []
    assert SQLiteStore(path).stored_schema_version() == SCHEMA_VERSION  # a second start changes nothing


# -- pipeline and API --------------------------------------------------------------------

QUAKE_A = ("A magnitude 7.4 earthquake struck Hualien County in Taiwan on Wednesday morning. "
           "Nine people were killed and more than 1,000 were injured, the Central Weather Administration said.")
QUAKE_B = ("Taiwan's strongest earthquake in 25 years hit Hualien on Wednesday. "
           "Authorities in Hualien County said nine people died and over 1,000 were hurt.")
VOTE = ("South Korea's National Assembly voted on Saturday to impeach President Yoon Suk Yeol "
        "over his declaration of martial law. The motion passed with 204 votes in favour.")


@pytest.fixture
def stories_posted(client):
    posted = [
        client.post("/v1/documents", json={"text": QUAKE_A, "source": "wire", "published_at": "2024-04-03"}),
        client.post("/v1/documents", json={"text": VOTE, "source": "daily", "published_at": "2024-12-14"}),
        client.post("/v1/documents", json={"text": QUAKE_B, "source": "daily", "published_at": "2024-04-04"}),
    ]
    assert [r.status_code for r in posted] == [201, 201, 201]
    return [r.get_json() for r in posted]


def test_ingest_places_documents_in_stories(client, stories_posted):
    quake_a, vote, quake_b = stories_posted
    assert quake_a["story_id"].startswith("sty_") and quake_a["story_id"] == quake_b["story_id"] != vote["story_id"]
    assert client.get(f"/v1/documents/{quake_b['id']}").get_json()["story_id"] == quake_a["story_id"]
    claims = client.get(f"/v1/documents/{quake_b['id']}/claims").get_json()["data"]
    assert {c["story_id"] for c in claims} == {quake_a["story_id"]}


def test_stories_list_and_detail(client, stories_posted):
    quake_a, vote, quake_b = stories_posted
    listed = client.get("/v1/stories").get_json()
    assert [s["id"] for s in listed["data"]] == [vote["story_id"], quake_a["story_id"]]
    quake = listed["data"][1]
    assert quake["documents_count"] == 2 and quake["sources"] == ["daily", "wire"]
    assert (quake["first_seen"], quake["last_seen"]) == ("2024-04-03", "2024-04-04")
    assert set(quake["relations"]) == {"agreement", "contradiction", "related"}
    assert [s["id"] for s in client.get("/v1/stories?min_documents=2").get_json()["data"]] == [quake["id"]]
    assert [s["id"] for s in client.get("/v1/stories?until=2024-05-01").get_json()["data"]] == [quake["id"]]
    page = client.get("/v1/stories?limit=1").get_json()
    assert len(page["data"]) == 1 and page["next_cursor"]

    detail = client.get(f"/v1/stories/{quake['id']}").get_json()
    assert [d["id"] for d in detail["documents"]] == [quake_a["id"], quake_b["id"]]
    assert all("text" not in d for d in detail["documents"])
    days = [c["event_date"] for c in detail["timeline"]]
    assert days and days == sorted(days) and None not in days
    for relation in detail["agreements"] + detail["contradictions"]:
        assert {relation["claim_a"]["story_id"], relation["claim_b"]["story_id"]} == {quake["id"]}
        assert isinstance(relation["evidence"], dict)
    assert quake["relations"]["agreement"] == len(detail["agreements"])


def test_story_errors_are_problems(client):
    assert client.get("/v1/stories/sty_nope").status_code == 404
    assert client.get("/v1/stories?since=yesterday").status_code == 422
    assert client.get("/v1/stories?min_documents=0").status_code == 422
    assert client.get("/v1/stories?cursor=bogus").status_code == 422


def test_evidence_is_returned_on_relations_and_compare(client, stories_posted):
    relations = client.get("/v1/relations?limit=500").get_json()["data"]
    assert relations and all(isinstance(r["evidence"], dict) for r in relations)
    compared = client.post("/v1/compare", json={"a": "Nine people died.", "b": "Nine people were killed."})
    assert isinstance(compared.get_json()["evidence"], dict)


def test_within_a_story_only_decisive_widened_candidates_are_stored(pipeline):
    from service.models import Article

    first = pipeline.ingest(Article(text=QUAKE_A, source="wire", published_at="2024-04-03"))
    recorded = []
    relate = pipeline.relater.relate

    def spy(a, b, similarity):
        verdict = relate(a, b, similarity)
        recorded.append((a.id, b.id, verdict.kind))
        return verdict

    pipeline.relater.relate = spy
    second = pipeline.ingest(Article(text=QUAKE_B, source="daily", published_at="2024-04-04"))
    assert second.document.story_id == first.document.story_id
    stored = {(r.claim_a_id, r.claim_b_id) for r in pipeline.store.list_relations(RelationFilter(), limit=500,
                                                                                    cursor=None).items}
    judged = {(a, b) for a, b, _ in recorded}
    # Every claim of the first article was judged against every claim of the second...
    n_a, n_b = first.document.claims_count, second.document.claims_count
    assert len(judged) == n_a * n_b
    # ...and what was not stored was a widened "related" verdict.
    assert stored <= judged
    assert all(kind == "related" for a, b, kind in recorded if (a, b) not in stored)


def test_two_writers_at_once_keep_stories_whole(settings, encoder, nlp):
    """Two pipelines (as two processes: no shared lock) ingest one story's articles at once."""
    from concurrent.futures import ThreadPoolExecutor

    from service.models import Article
    from service.pipeline import Pipeline

    writers = [Pipeline(settings, open_store(settings), encoder=encoder) for _ in range(2)]
    texts = [QUAKE_A, QUAKE_B, VOTE, QUAKE_A.replace("Nine", "Ten"), QUAKE_B.replace("nine", "ten"),
             VOTE.replace("204", "205")]

    def write(i):
        return writers[i % 2].ingest(Article(text=texts[i], source=f"s{i}", published_at="2024-04-03"))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(write, range(len(texts))))
    stored = check_consistent(settings.db_path)
    assert stored["documents"] == len(texts) and 2 <= stored["stories"] <= len(texts)
    assert all(r.document.story_id for r in results)
