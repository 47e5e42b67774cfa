"""Facts per claim: names, polarity, attribution, the claim's core, kind and dates."""

import pytest

from service.models import Segment
from service.text.clean import clean
from service.text.facts import extract_claims
from service.text.segment import segment


def claim_of(nlp, text, published_at=None, context=""):
    (claim,) = extract_claims([Segment(text=text, start=0, end=len(text), context=context)], nlp, published_at)
    return claim


def claims_of(nlp, texts, published_at=None):
    segments, pos = [], 0
    for text in texts:
        segments.append(Segment(text=text, start=pos, end=pos + len(text)))
        pos += len(text) + 1
    return extract_claims(segments, nlp, published_at)


class CountingNlp:
    """The real pipeline, counting the texts it is asked to parse."""

    def __init__(self, nlp):
        self.nlp, self.parsed = nlp, []
        self.pipe_names = nlp.pipe_names

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        self.parsed.extend(texts)
        return self.nlp.pipe(texts, **kwargs)


# -- the contract -----------------------------------------------------------------------


def test_one_claim_per_segment_in_order(nlp):
    claims = claims_of(nlp, ["Israel struck Gaza on Monday.", "Hamas fired rockets.", "Talks resumed."])
    assert [c.text for c in claims] == ["Israel struck Gaza on Monday.", "Hamas fired rockets.", "Talks resumed."]
    assert claims[1].span == (30, 50)


def test_uses_the_segmenters_parse(nlp):
    doc = nlp("Hamas fired 20 rockets.")
    counting = CountingNlp(nlp)
    (claim,) = extract_claims([Segment(text=doc.text, start=0, end=len(doc.text), analysis=doc[:])], counting)
    assert counting.parsed == []
    assert claim.facts.quantities[0].low == 20


def test_parses_unparsed_segments_in_one_batch(nlp):
    counting = CountingNlp(nlp)
    claims_of(counting, ["Hamas fired rockets.", "Israel struck back."])
    assert counting.parsed == ["Hamas fired rockets.", "Israel struck back."]


def test_empty_input(nlp):
    assert extract_claims([], nlp) == []


def test_round_trips_through_dicts(nlp):
    from service.models import Claim

    claim = claim_of(nlp, "Hochstein said 300+ Palestinians were wounded on Tuesday.", "2024-10-22")
    assert Claim.from_dict(claim.to_dict()) == claim


# -- entities ---------------------------------------------------------------------------


def test_names_normalise_to_the_documents_fullest(nlp):
    claims = claims_of(nlp, [
        "U.S. Secretary of State Antony Blinken arrived in Israel on Tuesday.",
        "Blinken met Prime Minister Benjamin Netanyahu.",
        "Netanyahu refused a ceasefire.",
    ])
    canon = {e.text: e.canonical for c in claims for e in c.facts.entities}
    assert canon["Blinken"] == "Antony Blinken"
    assert canon["Netanyahu"] == "Benjamin Netanyahu"
    assert claims[1].facts.subject == "Antony Blinken"


def test_distinct_names_stay_apart(nlp):
    claims = claims_of(nlp, ["The UN Security Council met.", "The UN sent aid."])
    canon = {e.text: e.canonical for c in claims for e in c.facts.entities}
    assert canon.get("UN") == "UN"


# -- polarity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cue",
    [
        ("No Israeli deaths reported", "no"),
        ("Israel denied striking the hospital.", "denied"),
        ("Sources say Netanyahu is resisting calls for a ceasefire.", "resisting"),
        ("Hamas refused to release the hostages.", "refused"),
        ("The talks failed to produce a deal.", "failed"),
        ("The army did not confirm the strike.", "not"),
        ("Hochstein emphasized that the resolution would not suffice.", "not"),
    ],
)
def test_negated(nlp, text, cue):
    facts = claim_of(nlp, text).facts
    assert facts.polarity == "negated"
    assert cue in facts.negation_cues


@pytest.mark.parametrize(
    "text",
    [
        "While no new talks have been scheduled, hopes have been rekindled.",
        "U.S. law could force cuts if deliveries are not addressed.",
        "The minister toured the region to ensure that neighbours will not join.",
        "The deal not only freed hostages but also brought aid.",
    ],
)
def test_embedded_negation_does_not_negate_the_claim(nlp, text):
    assert claim_of(nlp, text).facts.polarity == "affirmed"


# -- attribution and core ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Hochstein, who met with Lebanese officials earlier this week, emphasized that the plan would not suffice.", "Hochstein"),
        ("Sources say this meeting was also contentious at times.", "Sources"),
        ("According to the ministry, 44 people were killed.", "the ministry"),
        ("Israel says it struck a weapons depot.", "Israel"),
        ("The strike killed 12 people, the health ministry said.", "health ministry"),
    ],
)
def test_attribution(nlp, text, speaker):
    assert claim_of(nlp, text).facts.attribution.endswith(speaker)


def test_no_attribution_without_a_speaker(nlp):
    assert claim_of(nlp, "No Israeli deaths reported").facts.attribution is None
    assert claim_of(nlp, "Hezbollah fired rockets into northern Israel.").facts.attribution is None


def test_subject_predicate_object(nlp):
    facts = claim_of(nlp, "Hezbollah fired rockets into northern Israel.").facts
    assert (facts.subject, facts.predicate, facts.object) == ("Hezbollah", "fire", "rockets")


def test_reported_clause_is_the_core(nlp):
    facts = claim_of(nlp, "Israel says it struck a weapons depot.").facts
    assert (facts.subject, facts.predicate, facts.object) == ("it", "strike", "a weapons depot")


def test_planned_action_is_the_predicate(nlp):
    facts = claim_of(nlp, "Blinken is set to meet Netanyahu.").facts
    assert facts.predicate == "meet"


def test_content_lemmas(nlp):
    lemmas = claim_of(nlp, "The soldiers were killed in the attacks.").facts.lemmas
    assert lemmas == ["soldier", "kill", "attack"]


# -- kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Hezbollah fired rockets into northern Israel.", "event"),
        ("44 Palestinians were killed in Gaza.", "quantity"),
        ("Blinken said that the talks were productive.", "quote"),
        ('The minister said: "We will not accept this deal under any circumstances."', "quote"),
        ("Israel should allow more aid into Gaza.", "opinion"),
        ("A comprehensive approach is essential.", "opinion"),
        ("Blinken will travel to Egypt next week.", "prediction"),
        ("Blinken plans to travel to Qatar.", "prediction"),
        ("The two sides agreed to cooperate.", "event"),
    ],
)
def test_kind(nlp, text, kind):
    assert claim_of(nlp, text).kind == kind


# -- dates ------------------------------------------------------------------------------


def test_event_date_from_a_relative_weekday(nlp):
    claim = claim_of(nlp, "Blinken arrived in Israel on Tuesday.", "2024-10-22T08:00:00Z")
    assert claim.event_date == "2024-10-22"
    assert claim.facts.dates[0].text == "Tuesday"


def test_no_publication_date_no_guess(nlp):
    claim = claim_of(nlp, "Blinken arrived in Israel on Tuesday.")
    assert claim.event_date is None and claim.facts.dates == []


def test_week_range_is_not_an_event_day(nlp):
    claim = claim_of(nlp, "Blinken wrote to Israeli officials last week.", "2024-10-22")
    assert claim.event_date is None
    assert (claim.facts.dates[0].start, claim.facts.dates[0].end) == ("2024-10-14", "2024-10-20")


def test_date_from_the_table_row_context(nlp):
    claim = claim_of(nlp, "Iran launched retaliatory missile attacks.", "2023-10-25",
                     context="Date: October 22, 2023 | Incident: Israeli airstrike")
    assert claim.event_date == "2023-10-22"


# -- the seeds --------------------------------------------------------------------------


def seed_claims(nlp, seed_texts, prefix, published_at):
    name = next(n for n in seed_texts if n.startswith(prefix))
    return extract_claims(segment(clean(text=seed_texts[name]), nlp), nlp, published_at)


def find(claims, words):
    return next(c for c in claims if words in c.text)


@pytest.fixture(scope="module")
def seed_001(nlp, seed_texts):
    return seed_claims(nlp, seed_texts, "001", "2024-10-22")


@pytest.fixture(scope="module")
def seed_002(nlp, seed_texts):
    return seed_claims(nlp, seed_texts, "002", "2024-01-10")


def test_seed_002_wounded_is_at_least_300(seed_002):
    (q,) = find(seed_002, "300+ Palestinians wounded").facts.quantities
    assert (q.low, q.high) == (300, None)
    assert "wounded" in q.counts


def test_seed_002_no_israeli_deaths_is_negated(seed_002):
    claim = find(seed_002, "No Israeli deaths reported")
    assert claim.facts.polarity == "negated" and claim.facts.attribution is None


def test_seed_002_sources_resisting_calls(seed_002):
    facts = find(seed_002, "resisting calls for").facts
    assert facts.attribution == "Sources" and facts.polarity == "negated"


def test_seed_001_eleventh_visit_is_ordinal(seed_001):
    (q,) = find(seed_001, "11th visit").facts.quantities
    assert (q.low, q.ordinal, q.counts) == (11, True, "visit")


def test_seed_001_hochstein_is_the_speaker(seed_001):
    claim = find(seed_001, "emphasized that")
    assert "Hochstein" in claim.facts.attribution
    assert claim.kind == "quote"


def test_seed_001_tuesday_anchors_to_publication(seed_001):
    claim = find(seed_001, "arrived in Israel on Tuesday")
    assert claim.event_date == "2024-10-22"
    names = {e.text: e.canonical for c in seed_001 for e in c.facts.entities}
    assert names["Blinken"] == "Antony Blinken"
