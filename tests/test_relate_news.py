"""Relations on news sentences, through the real pipeline (parse, facts, embeddings):
the examples issue 9 names, and the hard negatives that must stay related."""

from __future__ import annotations

import pytest

from service.models import Article

# Judgments of the relate stage: most compare two statements without the store, the rest
# store two articles; tests/test_relate_pipeline.py runs ingest's relations on both stores.
pytestmark = pytest.mark.sqlite_only


def compare(pipeline, a, b, a_published_at=None, b_published_at=None):
    return pipeline.compare(a, b, a_published_at, b_published_at)[3]


@pytest.mark.parametrize("verb", ["dismissed", "rejected", "denied"])
def test_a_denial_contradicts_the_report_it_denies(pipeline, verb):
    v = compare(pipeline, f"Israel {verb} reports that it struck the hospital on Tuesday.",
                "Israel struck the hospital on Tuesday.")
    assert v.kind == "contradiction"
    assert [c.type for c in v.conflicts] == ["negation"]
    assert v.evidence["polarity"] == {"a": "negated", "b": "affirmed"}


def test_a_denial_of_something_else_does_not_oppose(pipeline):
    v = compare(pipeline, "Putin made no reference to claims of responsibility by the Islamic State group.",
                "The Islamic State group claimed responsibility for the attack.")
    assert v.kind != "contradiction"


def test_the_same_figure_written_two_ways_agrees(pipeline):
    v = compare(pipeline, "The company reported revenue of $4.2 billion.", "Revenue came in at $4.2bn, the company said.")
    assert v.kind == "agreement"
    figure = next(f for f in v.evidence["aligned"] if f["fact"] == "figure")
    assert (figure["a"], figure["b"], figure["judgement"]) == ("4.2 billion", "4.2bn", "same")


def test_one_fact_shared_in_other_words_agrees(pipeline):
    v = compare(pipeline, "of the 242 aboard, there are 241 confirmed fatalities", "killing 241 of the 242 people on board")
    assert v.kind == "agreement"
    assert "241" in v.explanation


def test_one_summit_in_two_cities_is_a_place_contradiction(pipeline):
    v = compare(pipeline, "The summit will take place in Geneva.", "The summit will be held in Vienna.")
    assert v.kind == "contradiction"
    assert [(c.type, c.a, c.b) for c in v.conflicts] == [("place", "Geneva", "Vienna")]


def test_fires_in_two_towns_are_two_incidents(pipeline):
    v = compare(pipeline, "Officials said 12 people were killed in the fire in Springfield on Monday.",
                "Officials said 40 people were killed in the fire in Riverton on Monday.")
    assert v.kind == "related"
    assert "different places" in v.explanation and "Springfield vs Riverton" in v.explanation


def test_an_evolving_toll_reported_on_different_days_is_related(pipeline):
    v = compare(pipeline, "The death toll stood at 30.", "The death toll stood at 45.", "2024-01-08", "2024-01-10")
    assert v.kind == "related"
    assert "reported at different times" in v.explanation


def test_the_same_toll_reported_the_same_day_with_other_figures_contradicts(pipeline):
    v = compare(pipeline, "The death toll stood at 30.", "The death toll stood at 45.", "2024-01-08", "2024-01-08")
    assert v.kind == "contradiction"
    assert [(c.type, c.a, c.b) for c in v.conflicts] == [("number", "30", "45")]


def test_a_single_days_toll_and_a_cumulative_one_are_related(pipeline):
    v = compare(pipeline, "Twelve people were killed in Gaza today.",
                "The death toll in Gaza since the war began on October 7 has risen to 23,000.", "2024-01-10", "2024-01-10")
    assert v.kind == "related"


def test_survivors_and_victims_are_not_one_count(pipeline):
    v = compare(pipeline, "Two survivors were pulled from the wreckage.", "Two victims were pulled from the wreckage.")
    assert v.kind == "related"


def test_two_minutes_apart_on_one_clock_is_a_time_contradiction(pipeline):
    v = compare(pipeline, "The plane crashed at 9:03 a.m. at Muan airport.", "The plane crashed at 9:07 a.m. at Muan airport.")
    assert v.kind == "contradiction"
    assert [c.type for c in v.conflicts] == ["time"]


def test_shortly_after_the_hour_fits_three_minutes_past(pipeline):
    v = compare(pipeline, "The plane crashed at 9:03 a.m. at Muan airport.",
                "The plane crashed shortly after 9 a.m. at Muan airport.")
    assert v.kind == "agreement"


def test_forty_fires_in_forty_towns_make_no_contradiction(pipeline):
    towns = ["Springfield", "Riverton", "Fresno", "Tulsa", "Omaha", "Boise", "Akron", "Dayton", "Toledo", "Reno",
             "Tacoma", "Eugene", "Salem", "Provo", "Mesa", "Tempe", "Plano", "Irving", "Laredo", "Waco",
             "Lubbock", "Amarillo", "Topeka", "Wichita", "Lincoln", "Madison", "Peoria", "Joliet", "Aurora", "Elgin",
             "Flint", "Lansing", "Canton", "Erie", "Albany", "Utica", "Trenton", "Camden", "Dover", "Macon"]
    for i, town in enumerate(towns):
        text = f"Officials said {i + 3} people were killed in the fire in {town} on Monday."
        pipeline.ingest(Article(text=text, source=f"outlet-{i}", published_at="2024-03-04"))
    from service.store import RelationFilter
    page = pipeline.store.list_relations(RelationFilter(kind="contradiction"), limit=100, cursor=None)
    assert page.items == []


def in_one_story(pipeline, a, b, a_published_at=None, b_published_at=None):
    """The verdict on two claims of one story, as ingest judges them."""
    from service.relate.classify import classify

    claim_a, claim_b, similarity, _ = pipeline.compare(a, b, a_published_at, b_published_at)
    claim_a.story_id = claim_b.story_id = "story-1"
    return classify(claim_a, claim_b, similarity)


def test_all_perpetrators_detained_contradicts_some_of_them_killed(pipeline):
    v = in_one_story(pipeline, "At least two perpetrators of the attack have been killed, the BBC reports.",
                     'He said "all four direct perpetrators have been found and detained".')
    assert v.kind == "contradiction"
    assert (v.conflicts[0].type, v.conflicts[0].a, v.conflicts[0].b, v.conflicts[0].about) == (
        "outcome", "At least two killed", "all four detained", "perpetrators")
    assert v.evidence["basis"] == "values"


def test_all_but_two_contradicts_all_of_them(pipeline):
    v = compare(pipeline, "All but two passengers, who were rescued, were probably killed.",
                "All 175 passengers and four of the six crew members onboard were killed.")
    assert v.kind == "contradiction"
    assert [(c.type, c.a, c.b) for c in v.conflicts] == [("number", "all but two", "all 175")]


def test_all_but_two_is_no_count_of_two(pipeline):
    v = compare(pipeline, "All but two passengers were killed.", "Two passengers were killed.")
    assert v.kind != "agreement"
    assert not any(f["fact"] == "figure" and f["judgement"] == "same" for f in v.evidence["aligned"])


def test_everyone_on_one_plane_is_not_everyone_in_a_hall(pipeline):
    v = in_one_story(pipeline, "In 2015 a bomb downed a Russian plane over Sinai, killing all 224 people on board.",
                     "Officials said 11 people had been detained.")
    assert v.kind == "related"


def test_when_the_story_incident_occurred_contradicts_when_the_plane_crashed(pipeline):
    a, b = "The event occurred today, December 29, at 9:07 local time, reports Yonhap.", \
        "At 9:03 AM, a passenger plane carrying 181 people crashes at Muan International Airport."
    v = in_one_story(pipeline, a, b)
    assert v.kind == "contradiction"
    assert [(c.type, c.a, c.b) for c in v.conflicts] == [("time", "9:07", "9:03 AM")]
    assert compare(pipeline, a, b).kind != "contradiction"  # with no story, it may be another accident


def test_when_the_incident_occurred_says_nothing_of_later_acts(pipeline):
    v = in_one_story(pipeline, "The accident occurred at 9:07 local time.", "Rescuers arrived at 10:15 a.m.")
    assert v.kind == "related"


def test_where_the_incident_occurred_contradicts_where_the_vessel_sank(pipeline):
    v = in_one_story(pipeline, "The accident occurred on Wednesday in the Ionian Sea, off the coast of Pylos.",
                     "More than 500 migrants are presumed drowned after their vessel sank in the Aegean Sea.")
    assert v.kind == "contradiction"
    assert [(c.type, c.a, c.b) for c in v.conflicts] == [("place", "the Ionian Sea", "the Aegean Sea")]


@pytest.mark.parametrize(("bearing", "kind"), [("west", "contradiction"), ("north-west", "related")])
def test_one_hall_on_two_sides_of_the_capital(pipeline, bearing, kind):
    v = compare(pipeline, "Gunmen stormed the Crocus City Hall, in Moscow's northern suburb of Krasnogorsk.",
                f"The band was to perform at Crocus City Hall, located just {bearing} of the capital.")
    assert v.kind == kind
    if kind == "contradiction":
        assert [(c.type, c.about) for c in v.conflicts] == [("place", "which way Crocus City Hall lies")]


def test_one_record_from_one_mark_agrees_within_a_story(pipeline):
    v = in_one_story(pipeline, "This tragic event marks the deadliest assault in Russia since the infamous 2004 Beslan school siege.",
                     "Armed men burst into the concert venue near Moscow on Friday, killing at least 137 people in the "
                     "deadliest attack in Russia since the 2004 Beslan school siege.")
    assert v.kind == "agreement"
    assert any(f["fact"] == "record" for f in v.evidence["aligned"])


def test_one_record_from_two_marks_is_no_agreement(pipeline):
    v = in_one_story(pipeline, "It was the largest protest since 2016.", "It was the largest protest since 1987.")
    assert v.kind != "agreement"


def test_an_act_in_another_clause_aligns_with_the_main_act(pipeline):
    v = in_one_story(pipeline, "Video showed the plane, its landing gear still retracted, attempting a belly landing.",
                     "After circling the airport, it attempted an emergency belly landing, without the landing gear "
                     "fully extended.")
    assert v.kind == "agreement"
    assert v.evidence["basis"] == "story"
    assert {"fact": "act", "a": "attempt a belly landing", "b": "attempt an emergency belly landing"} in v.evidence["aligned"]


@pytest.mark.parametrize("a, b", [
    ("Officials said 30 people were injured in the blast.", "Officials said 30 people were killed in the blast."),
    ("At least 40 people were reported missing after the landslide.", "At least 40 people were killed in the landslide."),
    ("Twelve miners remain missing after the explosion.", "Twelve miners were rescued after the explosion."),
    ("Hundreds of people are feared missing after the ferry sank.",
     "Hundreds of people are feared dead after the ferry sank."),
    ("Dozens of migrants were reported missing.", "Dozens of migrants were rescued."),
])
def test_one_figure_with_two_fates_is_no_agreement(pipeline, a, b):
    """The same number told of different fates is two accounts of what befell them."""
    v = compare(pipeline, a, b)
    assert v.kind == "related"
    assert any("befalls them differently" in c.get("why", "") for c in v.evidence["checks"])


@pytest.mark.parametrize("a, b", [
    ("Officials said 30 people were killed in the blast.", "The blast killed 30 people, officials said."),
    ("Hundreds of people were killed in the earthquake.", "The earthquake killed hundreds of people."),
])
def test_one_figure_with_one_fate_in_other_words_still_agrees(pipeline, a, b):
    v = compare(pipeline, a, b)
    assert v.kind == "agreement"
