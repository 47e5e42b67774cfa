"""segment(): claims from sentences, clauses, list items and table rows, with exact spans."""

from __future__ import annotations

import re

import pytest

from service.text.clean import clean
from service.text.segment import segment
from tests.test_clean import DEBRIS


def claims_of(text, nlp):
    cleaned = clean(text=text)
    segments = segment(cleaned, nlp)
    for s in segments:
        assert cleaned.text[s.start : s.end] == s.text
    return segments


def texts(segments):
    return [s.text for s in segments]


def test_sentences_are_claims_with_exact_spans(nlp):
    segments = claims_of("Blinken arrived in Israel on Tuesday. He met Netanyahu in Jerusalem.", nlp)
    assert texts(segments) == ["Blinken arrived in Israel on Tuesday.", "He met Netanyahu in Jerusalem."]
    assert segments[1].start == len("Blinken arrived in Israel on Tuesday. ")


class CountingNlp:
    """The real pipeline, recording what it is asked to parse."""

    def __init__(self, nlp):
        self.nlp, self.batches = nlp, []

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.batches.append(texts)
        return self.nlp.pipe(texts, **kwargs)


def test_each_block_is_parsed_once_in_one_batch(nlp):
    cleaned = clean(text="Talks Resume in Cairo\n\nTalks resumed. Aid arrived.\n- Fuel ran out at hospitals.\n- Power failed")
    counting = CountingNlp(nlp)
    segment(cleaned, counting)
    body = [cleaned.text[b.start : b.end] for b in cleaned.blocks if b.kind != "heading"]
    assert counting.batches == [body]


def test_each_segment_carries_its_parse(nlp):
    (seg,) = claims_of("Blinken arrived in Israel on Tuesday.", nlp)
    assert seg.analysis.text == seg.text
    assert any(t.dep_ == "ROOT" for t in seg.analysis)


def test_two_independent_clauses_joined_by_and_are_two_claims(nlp):
    text = "The Israeli military responded with counterstrikes, and U.S. officials are working to de-escalate the situation."
    assert texts(claims_of(text, nlp)) == [
        "The Israeli military responded with counterstrikes",
        "U.S. officials are working to de-escalate the situation.",
    ]


def test_two_clauses_joined_by_a_semicolon_are_two_claims(nlp):
    text = "Hezbollah fired rockets into northern Israel; the Israeli army struck targets in Lebanon."
    assert texts(claims_of(text, nlp)) == [
        "Hezbollah fired rockets into northern Israel",
        "the Israeli army struck targets in Lebanon.",
    ]


def test_a_shared_subject_keeps_the_sentence_whole(nlp):
    text = "Blinken later called the accusations meritless but said the Palestinians deserved a state."
    assert texts(claims_of(text, nlp)) == [text]


def test_coordination_inside_reported_speech_is_not_cut(nlp):
    text = "Blinken warned that the death toll was rising and the talks were failing."
    assert texts(claims_of(text, nlp)) == [text]


def test_a_gapped_verb_keeps_the_sentence_whole(nlp):
    text = "At least 61 people were killed and dozens injured across Afghanistan yesterday."
    assert texts(claims_of(text, nlp)) == [text]


def test_a_coordinated_wh_clause_is_not_cut(nlp):
    text = "It is another example of the war on terrorism and why this is going to be a long effort."
    assert texts(claims_of(text, nlp)) == [text]


def test_a_sentence_opening_with_but_keeps_it(nlp):
    text = "Talks stalled on Monday. But Abbas demanded that Israel commit first."
    assert texts(claims_of(text, nlp))[1] == "But Abbas demanded that Israel commit first."


def test_headings_are_context_not_claims(nlp):
    text = "Blinken Presses Netanyahu on Avoiding Civilian Casualties\n\nThe talks in Jerusalem were tense at times."
    (seg,) = claims_of(text, nlp)
    assert seg.text == "The talks in Jerusalem were tense at times."
    assert seg.context == "Blinken Presses Netanyahu on Avoiding Civilian Casualties"


def test_list_items_are_claims_of_their_own(nlp):
    text = "Dead and Injured from Recent Clashes\n44 Palestinians killed in Gaza\n300+ Palestinians wounded\nNo Israeli deaths reported"
    segments = claims_of(text, nlp)
    assert texts(segments) == ["44 Palestinians killed in Gaza", "300+ Palestinians wounded", "No Israeli deaths reported"]
    assert {s.block_kind for s in segments} == {"list_item"}
    assert {s.context for s in segments} == {"Dead and Injured from Recent Clashes"}


def test_a_list_item_label_moves_to_context(nlp):
    text = "The triggers included:\n- Global Diplomatic Pressure: Influential countries urged restraint and dialogue."
    (seg,) = claims_of(text, nlp)
    assert seg.text == "Influential countries urged restraint and dialogue."
    assert seg.context == "The triggers included: Global Diplomatic Pressure"


def test_a_lead_in_sentence_is_not_a_claim(nlp):
    text = "The core issues addressed during these talks included:\n- Missile testing programs were discussed at length."
    assert texts(claims_of(text, nlp)) == ["Missile testing programs were discussed at length."]


def test_a_table_row_is_one_claim_with_its_date_and_header(nlp):
    text = (
        "Date | Incident | Resulting Action |\n---|---|---|\n"
        "October 22, 2023 | Israeli airstrike targeting sites | Iran launched retaliatory missile attacks |"
    )
    (row,) = claims_of(text, nlp)
    assert row.text == "October 22, 2023 | Israeli airstrike targeting sites | Iran launched retaliatory missile attacks"
    assert row.block_kind == "table_row"
    assert row.context == "Date | Incident | Resulting Action"


def test_datelines_bylines_and_single_words_are_not_claims(nlp):
    text = "Breaking\nJuly 27, 2024\n\nBy AiBot\n\nJan 10, 2024\n\nBlinken met Israeli leaders this week."
    assert texts(claims_of(text, nlp)) == ["Blinken met Israeli leaders this week."]


def test_a_repeated_sentence_is_one_claim(nlp):
    text = "Talks resumed in Cairo on Monday. Aid trucks entered Gaza.\n\nTalks resumed in Cairo on Monday."
    assert texts(claims_of(text, nlp)) == ["Talks resumed in Cairo on Monday.", "Aid trucks entered Gaza."]


def test_nothing_to_segment(nlp):
    assert segment(clean(text=""), nlp) == []


# -- the seeds -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_claims(seed_texts, nlp):
    return {name: claims_of(raw, nlp) for name, raw in seed_texts.items()}


def test_seed_claims_are_clean_text(seed_claims):
    for name, segments in seed_claims.items():
        assert segments, name
        for s in segments:
            assert not any(d in s.text for d in DEBRIS), (name, s.text)


def test_seed_boilerplate_yields_no_claims(seed_claims):
    junk = ("AiBot", "Share this article", "subscribe", "Related Post", "Israfan", "To err is human", "written entirely by AI")
    for name, segments in seed_claims.items():
        for s in segments:
            assert not any(j in s.text for j in junk), (name, s.text)


def test_seed_claims_appear_once(seed_claims):
    for segments in seed_claims.values():
        assert len({s.text for s in segments}) == len(segments)


def test_seed_000_table_rows_and_repairs(seed_claims):
    segments = seed_claims["000_d2dad2d80c677ae5.txt"]
    rows = [s for s in segments if s.block_kind == "table_row"]
    assert rows[0].text.startswith("October 22, 2023 | Israeli airstrike")
    assert "Iran launched retaliatory missile attacks on Israeli border areas" in rows[0].text
    assert any("pulled Iran and Israel back from open confrontation" in s.text for s in segments)
    assert any("rather as a precarious opportunity to cultivate" in s.text for s in segments)
    assert sum("Establishing consistent backchannel dialogues" in s.text for s in segments) == 1


def test_seed_001_every_paragraph_sentence_is_a_claim(seed_claims):
    segments = seed_claims["001_c3ad6a0269f4ad63.txt"]
    assert segments[0].text == "The US seeks to mediate hostilities while urging restraint in Israel’s response to Iran."
    assert any(s.text.startswith("U.S. Secretary of State Antony Blinken arrived in Israel on Tuesday") for s in segments)
    assert any(s.text.startswith("Iran’s foreign minister, Abbas Araghchi") for s in segments)
    assert not any("Stay informed" in s.text for s in segments)


def test_seed_002_casualty_list_and_headings(seed_claims):
    segments = seed_claims["002_d54eb295966d00e4.txt"]
    casualties = [s for s in segments if s.block_kind == "list_item"]
    assert [s.text for s in casualties] == [
        "44 Palestinians killed in Gaza", "300+ Palestinians wounded", "No Israeli deaths reported", "Several Israelis injured",
    ]
    assert casualties[0].context == "Dead and Injured from Recent Israel-Hamas Clashes"
    assert not any(s.text.startswith("Blinken Presses Netanyahu") for s in segments)
    assert not any(s.text in ("Breaking", "July 27, 2024", "Jan 10, 2024") for s in segments)


def test_every_sentence_of_a_clean_seed_is_claimed(seed_texts, nlp):
    """Seed 001 is clean prose: each of its sentences must be covered by a claim."""
    raw = seed_texts["001_c3ad6a0269f4ad63.txt"]
    cleaned = clean(text=raw)
    spans = [(s.start, s.end) for s in segment(cleaned, nlp)]
    paragraphs = [p for p in raw.split("\n\n") if p.strip().endswith(".") and "subscribe" not in p]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[a-z]\.)\s+(?=[A-Z])", p.strip())]
    assert len(sentences) >= 20
    for sentence in sentences:
        start = cleaned.text.index(sentence)
        end = start + len(sentence)
        assert any(start <= a and b <= end for a, b in spans), sentence
