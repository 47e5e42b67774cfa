"""The relate stage on hand-built claims: every conflict type, and the hard negatives
that must stay "related" or "agreement". Facts are written out so these tests do not
depend on extraction (tests/test_relate_pipeline.py covers real sentences)."""

from __future__ import annotations

import pytest

from service.models import AnchoredDate, Claim, Entity, Facts, Outcome, PlaceFact, QuantityInterval
from service.relate import classify
from service.text.places import compatible, resolve


def claim(text, lemmas, *, quantities=(), dates=(), entities=(), **facts) -> Claim:
    return Claim(
        text=text,
        span=(0, len(text)),
        facts=Facts(
            lemmas=lemmas.split(),
            quantities=list(quantities),
            dates=list(dates),
            entities=[Entity(t, label, canonical) for t, label, canonical in entities],
            **facts,
        ),
    )


def q(low, high, counts="", text="", **kw) -> QuantityInterval:
    return QuantityInterval(low=low, high=high, counts=counts, text=text or str(low), **kw)


def killed(value: QuantityInterval, text: str) -> Claim:
    return claim(text, "palestinian kill gaza", quantities=[value], entities=[("Gaza", "GPE", "Gaza")])


def types(verdict) -> list[str]:
    return [c.type for c in verdict.conflicts]


# -- numbers and counts ------------------------------------------------------------


def test_numbers_that_cannot_both_hold_conflict_with_both_values():
    v = classify(
        killed(q(44, 44, "palestinians killed", "44"), "44 Palestinians were killed in Gaza"),
        killed(q(50, 50, "palestinians killed", "50"), "50 Palestinians were killed in Gaza"),
        0.9,
    )
    assert v.kind == "contradiction"
    assert types(v) == ["number"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("44", "50")
    assert v.explanation == "Numbers differ on palestinians killed: 44 vs 50."


def test_at_least_44_is_compatible_with_50():
    v = classify(
        killed(q(44, None, "palestinians killed", "at least 44"), "At least 44 Palestinians were killed in Gaza"),
        killed(q(50, 50, "palestinians killed", "50"), "50 Palestinians were killed in Gaza"),
        0.92,
    )
    assert v.kind == "agreement"
    assert v.conflicts == []


def test_missile_counts_far_apart_conflict():
    a = claim("Iran fired 102 missiles at Israel", "iran fire missile israel",
              quantities=[q(102, 102, "missiles")], entities=[("Iran", "GPE", "Iran"), ("Israel", "GPE", "Israel")])
    b = claim("Iran launched 180 missiles at Israel", "iran launch missile israel",
              quantities=[q(180, 180, "missiles")], entities=[("Iran", "GPE", "Iran"), ("Israel", "GPE", "Israel")])
    v = classify(a, b, 0.88)
    assert v.kind == "contradiction"
    assert v.conflicts[0].type == "number" and v.conflicts[0].about == "missiles"


def test_ordinals_that_differ_are_a_count_conflict():
    a = claim("Blinken is on his 11th visit to Israel", "blinken visit israel",
              quantities=[q(11, 11, "visit", "11th", ordinal=True)], entities=[("Israel", "GPE", "Israel")])
    b = claim("Blinken is on his fifth visit to Israel", "blinken visit israel",
              quantities=[q(5, 5, "visit", "fifth", ordinal=True)], entities=[("Israel", "GPE", "Israel")])
    v = classify(a, b, 0.9)
    assert v.kind == "contradiction"
    assert types(v) == ["count"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("11th", "fifth")


def test_visits_to_a_country_against_tours_of_the_region_are_related():
    a = claim("Blinken is on his 11th visit to Israel", "blinken visit israel",
              quantities=[q(11, 11, "visit", "11th", ordinal=True)], entities=[("Israel", "GPE", "Israel")],
              places=[PlaceFact("Israel", "Israel", "country", "IL", "to")])
    b = claim("Blinken is on his fifth tour of the region", "blinken tour region",
              quantities=[q(5, 5, "tour", "fifth", ordinal=True)], region=True)
    v = classify(a, b, 0.85)
    assert v.kind == "related"
    assert "different scopes (Israel vs the region)" in v.explanation


def test_a_single_days_toll_against_a_cumulative_toll_is_related():
    a = claim("44 Palestinians were killed in Gaza on Tuesday", "palestinian kill gaza tuesday",
              quantities=[q(44, 44, "palestinians killed", "44")])
    b = claim("The death toll in Gaza since the war began has risen to 23,000", "death toll gaza war begin rise",
              quantities=[q(23000, 23000, "death toll", "23,000")], scope="cumulative")
    v = classify(a, b, 0.8)
    assert v.kind == "related"
    assert v.explanation.startswith("Related, not contradictory: different scopes")
    assert "cumulative toll" in v.explanation


def test_figures_reported_at_different_times_are_related():
    monday = AnchoredDate("on Monday", "2024-01-08", "2024-01-08")
    friday = AnchoredDate("on Friday", "2024-01-12", "2024-01-12")
    a = claim("On Monday officials said 30 people were missing", "official people miss monday",
              quantities=[q(30, 30, "people missing")], dates=[monday])
    b = claim("On Friday officials said 12 people were missing", "official people miss friday",
              quantities=[q(12, 12, "people missing")], dates=[friday])
    v = classify(a, b, 0.9)
    assert v.kind == "related"
    assert "figures reported at different times (on Monday vs on Friday)" in v.explanation


def test_parts_that_add_up_to_the_total_agree():
    a = claim("The plane carried 229 passengers and 12 crew", "plane carry passenger crew",
              quantities=[q(229, 229, "passengers"), q(12, 12, "crew")])
    b = claim("There were 241 people on board the plane", "people board plane",
              quantities=[q(241, 241, "people on board")])
    v = classify(a, b, 0.82)
    assert v.kind == "agreement"
    assert "229 + 12 = 241" in v.explanation


def test_the_same_value_written_two_ways_agrees():
    a = claim("The meeting lasted 2½ hours", "meeting last hour", quantities=[q(2.5, 2.5, "hours", "2½")])
    b = claim("The meeting lasted 2.5 hours", "meeting last hour", quantities=[q(2.5, 2.5, "hours", "2.5")])
    v = classify(a, b, 0.97)
    assert v.kind == "agreement"
    assert "2½ = 2.5" in v.explanation


def test_units_are_compared_in_one_measure():
    a = claim("The talks lasted 90 minutes", "talk last minute", quantities=[q(90, 90, "minutes")])
    b = claim("The talks lasted 1.5 hours", "talk last hour", quantities=[q(1.5, 1.5, "hours")])
    c = claim("The talks lasted 3 hours", "talk last hour", quantities=[q(3, 3, "hours")])
    assert classify(a, b, 0.9).kind == "agreement"
    assert types(classify(a, c, 0.9)) == ["number"]


# -- dates and times ---------------------------------------------------------------


def test_different_dates_for_the_same_happening_conflict():
    a = claim("The ceasefire took effect on October 24, 2023", "ceasefire take effect october",
              dates=[AnchoredDate("October 24, 2023", "2023-10-24", "2023-10-24")])
    b = claim("The ceasefire took effect on October 26, 2023", "ceasefire take effect october",
              dates=[AnchoredDate("October 26, 2023", "2023-10-26", "2023-10-26")])
    v = classify(a, b, 0.95)
    assert v.kind == "contradiction"
    assert types(v) == ["date"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("October 24, 2023", "October 26, 2023")


def test_a_day_inside_a_month_is_compatible():
    a = claim("The ceasefire took effect on October 24, 2023", "ceasefire take effect october",
              dates=[AnchoredDate("October 24, 2023", "2023-10-24", "2023-10-24")])
    b = claim("The ceasefire took effect in October 2023", "ceasefire take effect october",
              dates=[AnchoredDate("October 2023", "2023-10-01", "2023-10-31", "month")])
    assert classify(a, b, 0.95).kind == "agreement"


def test_times_in_different_zones_agree_when_they_are_the_same_instant():
    gmt = claim("The truce began at 04:00 GMT", "truce begin",
                dates=[AnchoredDate("04:00 GMT", "2025-06-24T04:00:00+00:00", "2025-06-24T04:00:00+00:00", "time")])
    tehran = claim("The truce began at 07:30 in Tehran", "truce begin tehran",
                   dates=[AnchoredDate("07:30 in Tehran", "2025-06-24T07:30:00+03:30", "2025-06-24T07:30:00+03:30",
                                       "time")],
                   entities=[("Tehran", "GPE", "Tehran")])
    later = claim("The truce began at 09:00 GMT", "truce begin",
                  dates=[AnchoredDate("09:00 GMT", "2025-06-24T09:00:00+00:00", "2025-06-24T09:00:00+00:00", "time")])
    assert classify(gmt, tehran, 0.9).kind == "agreement"
    v = classify(gmt, later, 0.95)
    assert v.kind == "contradiction" and types(v) == ["time"]


def test_events_on_different_dates_that_are_not_close_are_different_events():
    a = claim("Blinken met Netanyahu in Jerusalem on Tuesday", "blinken meet netanyahu jerusalem tuesday",
              dates=[AnchoredDate("Tuesday", "2024-01-09", "2024-01-09")])
    b = claim("Blinken held talks with Abbas in Ramallah on Wednesday", "blinken hold talk abbas ramallah wednesday",
              dates=[AnchoredDate("Wednesday", "2024-01-10", "2024-01-10")])
    v = classify(a, b, 0.6)
    assert v.kind == "related"
    assert "different events (Tuesday vs Wednesday)" in v.explanation


# -- places and actors -------------------------------------------------------------


def test_two_cities_for_one_meeting_conflict_but_a_city_lies_in_its_country():
    jerusalem = claim("Blinken met Netanyahu in Jerusalem", "blinken meet netanyahu jerusalem",
                      entities=[("Jerusalem", "GPE", "Jerusalem")],
                      places=[PlaceFact("Jerusalem", "Jerusalem", "city", "IL", "at")])
    tel_aviv = claim("Blinken met Netanyahu in Tel Aviv", "blinken meet netanyahu tel aviv",
                     entities=[("Tel Aviv", "GPE", "Tel Aviv")],
                     places=[PlaceFact("Tel Aviv", "Tel Aviv", "city", "IL", "at")])
    israel = claim("Blinken met Netanyahu in Israel", "blinken meet netanyahu israel",
                   entities=[("Israel", "GPE", "Israel")], places=[PlaceFact("Israel", "Israel", "country", "IL", "at")])
    v = classify(jerusalem, tel_aviv, 0.93)
    assert v.kind == "contradiction" and types(v) == ["place"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("Jerusalem", "Tel Aviv")
    assert classify(jerusalem, israel, 0.93).kind == "agreement"


def test_gazetteer_places_cities_in_their_countries():
    assert compatible(resolve("Ramallah"), resolve("the West Bank"))
    assert compatible(resolve("Tehran"), resolve("Iran"))
    assert not compatible(resolve("Beirut"), resolve("Israel"))
    assert resolve("Middle East") is None


def test_the_same_act_by_another_actor_conflicts():
    a = claim("Hamas fired rockets at Israel", "hamas fire rocket israel", subject="Hamas", predicate="fire",
              object="rockets", entities=[("Hamas", "ORG", "Hamas")])
    b = claim("Hezbollah fired rockets at Israel", "hezbollah fire rocket israel", subject="Hezbollah",
              predicate="fire", object="rockets", entities=[("Hezbollah", "ORG", "Hezbollah")])
    v = classify(a, b, 0.85)
    assert v.kind == "contradiction" and types(v) == ["actor"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("Hamas", "Hezbollah")


def test_who_did_what_to_whom_swapped_conflicts():
    a = claim("Israel attacked Iran", "israel attack iran", subject="Israel", predicate="attack", object="Iran",
              entities=[("Israel", "GPE", "Israel"), ("Iran", "GPE", "Iran")])
    b = claim("Iran attacked Israel", "iran attack israel", subject="Iran", predicate="attack", object="Israel",
              entities=[("Iran", "GPE", "Iran"), ("Israel", "GPE", "Israel")])
    v = classify(a, b, 0.95)
    assert v.kind == "contradiction"
    assert types(v) == ["actor"] and v.conflicts[0].about == "who attack whom"


def test_a_surname_and_a_full_name_are_one_actor():
    a = claim("Blinken met Netanyahu", "blinken meet netanyahu", subject="Blinken", predicate="meet",
              object="Netanyahu", entities=[("Blinken", "PERSON", "Antony Blinken")])
    b = claim("Antony Blinken met Benjamin Netanyahu", "antony blinken meet benjamin netanyahu",
              subject="Antony Blinken", predicate="meet", object="Benjamin Netanyahu",
              entities=[("Antony Blinken", "PERSON", "Antony Blinken")])
    v = classify(a, b, 0.9)
    assert v.kind == "agreement"
    assert "Antony Blinken" in v.explanation


# -- meanings ----------------------------------------------------------------------


def test_no_casualties_against_two_killed_is_a_negation():
    a = claim("There were no casualties in the strike", "casualty strike", polarity="negated", negation_cues=["no"])
    b = claim("Two people were killed in the strike", "people kill strike", quantities=[q(2, 2, "people killed", "Two")])
    v = classify(a, b, 0.7)
    assert v.kind == "contradiction"
    assert "negation" in types(v)
    negation = next(c for c in v.conflicts if c.type == "negation")
    assert negation.a.startswith("no casualties")


def test_a_simple_denial_of_the_same_act_contradicts():
    a = claim("A man is playing a guitar", "man play guitar")
    b = claim("There is no man playing a guitar", "man play guitar", polarity="negated", negation_cues=["no"])
    v = classify(a, b, 0.9)
    assert v.kind == "contradiction" and types(v) == ["negation"]
    assert v.explanation.startswith("One affirms what the other denies")


def test_a_negation_of_something_else_is_not_a_contradiction():
    a = claim("A man is playing a guitar on stage", "man play guitar stage")
    b = claim("There is no woman cooking in the kitchen", "woman cook kitchen", polarity="negated",
              negation_cues=["no"])
    assert classify(a, b, 0.3).kind == "related"


def test_antonyms_about_the_same_thing_conflict():
    a = claim("Oil prices rose sharply on Monday", "oil price rise sharply monday")
    b = claim("Oil prices fell sharply on Monday", "oil price fall sharply monday")
    v = classify(a, b, 0.9)
    assert v.kind == "contradiction" and types(v) == ["antonym"]
    assert (v.conflicts[0].a, v.conflicts[0].b) == ("rose", "fell")


def test_an_outcome_reached_against_one_resisted_is_an_outcome_conflict():
    a = claim("A ceasefire agreement was reached between Israel and Hamas",
              "ceasefire agreement reach israel hamas", entities=[("Israel", "GPE", "Israel"), ("Hamas", "ORG", "Hamas")],
              outcomes=[Outcome("ceasefire", "reached", "reached")])
    b = claim("Israel resisted calls for a ceasefire with Hamas", "israel resist call ceasefire hamas",
              entities=[("Israel", "GPE", "Israel"), ("Hamas", "ORG", "Hamas")],
              outcomes=[Outcome("ceasefire", "not reached", "resisted")])
    v = classify(a, b, 0.75)
    assert v.kind == "contradiction" and types(v) == ["outcome"]
    assert v.explanation.startswith("Same event, different outcome for the ceasefire")
    assert "reached" in v.conflicts[0].a and "resisted" in v.conflicts[0].b


def test_an_outcome_difference_across_unclear_events_is_named_but_related():
    a = claim("A ceasefire agreement was reached under international supervision",
              "ceasefire agreement reach international supervision", outcomes=[Outcome("ceasefire", "reached", "reached")])
    b = claim("Netanyahu was firmly resisting calls for an immediate ceasefire or criticism of the military",
              "netanyahu firmly resist call immediate ceasefire criticism military",
              outcomes=[Outcome("ceasefire", "not reached", "resisting")])
    v = classify(a, b, 0.45)
    assert v.kind == "related"
    assert "different outcome for the ceasefire" in v.explanation
    assert "resisting" in v.explanation


def test_opposed_attributed_claims_are_marked_attributed():
    a = claim("Israel says Iran fired missiles after the truce began", "israel say iran fire missile truce begin",
              attribution="Israel", entities=[("Israel", "GPE", "Israel"), ("Iran", "GPE", "Iran")])
    b = claim("Iran's army denies firing missiles after the truce", "iran army deny fire missile truce",
              attribution="Iran's army", entities=[("Iran", "GPE", "Iran")], polarity="negated", negation_cues=["denies"])
    v = classify(a, b, 0.8)
    assert v.kind == "contradiction"
    assert set(types(v)) == {"negation", "attribution"}
    attribution = next(c for c in v.conflicts if c.type == "attribution")
    assert (attribution.a, attribution.b) == ("Israel says", "Iran's army denies")
    assert v.explanation.startswith("Attributed claims oppose each other (Israel says vs Iran's army denies)")


def test_paraphrase_with_nothing_in_conflict_agrees():
    a = claim("A man is slicing a potato", "man slice potato")
    b = claim("A person is cutting a potato", "person cut potato")
    v = classify(a, b, 0.86)
    assert v.kind == "agreement" and v.conflicts == []


def test_same_topic_without_a_shared_fact_is_related():
    a = claim("Blinken will travel to Qatar later this week", "blinken travel qatar later week")
    b = claim("Blinken warned of catastrophic consequences", "blinken warn catastrophic consequence")
    v = classify(a, b, 0.5)
    assert v.kind == "related"
    assert v.explanation.startswith("Same topic (blinken)")


@pytest.mark.parametrize("similarity", [0.0, 0.5, 1.0])
def test_confidence_stays_in_range(similarity):
    a = claim("A man is playing a guitar", "man play guitar")
    b = claim("There is no man playing a guitar", "man play guitar", polarity="negated", negation_cues=["no"])
    for pair in ((a, b), (a, a)):
        assert 0.0 <= classify(*pair, similarity).confidence <= 1.0


def test_an_outcome_only_sought_differs_from_one_reached():
    a = claim("A ceasefire agreement was reached under international supervision",
              "ceasefire agreement reach international supervision", outcomes=[Outcome("ceasefire", "reached", "reached")])
    b = claim("Pressure grew on the warring parties to agree to a ceasefire",
              "pressure grow warring party agree ceasefire", outcomes=[Outcome("ceasefire", "not reached", "agree")])
    v = classify(a, b, 0.53)
    assert v.kind == "related"
    assert "different outcome for the ceasefire" in v.explanation
    assert "agree to a ceasefire" in v.explanation


def test_a_figure_that_matches_one_of_several_does_not_conflict():
    paragraph = claim("The town had 5,000 people in 1990 and 6,000 people in 2000", "town people",
                      quantities=[q(5000, 5000, "people", "5,000"), q(6000, 6000, "people", "6,000")])
    matches = claim("The town had 6,000 people", "town people", quantities=[q(6000, 6000, "people", "6,000")])
    neither = claim("The town had 9,000 people", "town people", quantities=[q(9000, 9000, "people", "9,000")])
    assert classify(paragraph, matches, 0.8).kind != "contradiction"
    v = classify(paragraph, neither, 0.8)
    assert v.kind == "contradiction" and (v.conflicts[0].a, v.conflicts[0].b) == ("5,000", "9,000")


def test_a_time_of_day_and_a_date_are_not_compared():
    clock = claim("The strike came at 07:30", "strike come",
                  dates=[AnchoredDate("07:30", "07:30:00+03:30", "07:30:00+03:30", "time")])
    day = claim("The strike came on October 24, 2023", "strike come",
                dates=[AnchoredDate("October 24, 2023", "2023-10-24", "2023-10-24")])
    assert classify(clock, day, 0.9).kind != "contradiction"


def test_an_ordinal_beside_figures_is_not_summed():
    a = claim("In the third round 20 and 30 votes were cast", "round vote cast",
              quantities=[q(3, 3, "round", "third", ordinal=True), q(20, 20, "votes", "20"), q(30, 30, "votes", "30")])
    b = claim("50 votes were cast", "vote cast", quantities=[q(50, 50, "votes", "50")])
    assert "20 + 30 = 50" in classify(a, b, 0.9).explanation


def test_a_figure_stands_for_what_rounds_to_it():
    four = claim("Unemployment rose to 4 percent", "unemployment rise percent", quantities=[q(4, 4, "percent", "4")])
    decimal = claim("Unemployment rose to 4.4 percent", "unemployment rise percent",
                    quantities=[q(4.4, 4.4, "percent", "4.4")])
    five = claim("Unemployment rose to 5.1 percent", "unemployment rise percent",
                 quantities=[q(5.1, 5.1, "percent", "5.1")])
    assert classify(four, decimal, 0.95).kind == "agreement"
    assert types(classify(four, five, 0.95)) == ["number"]


def test_neighbouring_whole_numbers_still_conflict():
    two = claim("2 men were arrested", "man arrest", quantities=[q(2, 2, "men", "2")])
    three = claim("3 men were arrested", "man arrest", quantities=[q(3, 3, "men", "3")])
    assert types(classify(two, three, 0.95)) == ["number"]
