"""Facts read off the parse: which way a named place lies from another (bearings), and records ("the deadliest since")."""

import pytest

from service.models import Bearing
from service.text.bearings import bearings


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gunmen stormed the Crocus City Hall, in Moscow's northern suburb of Krasnogorsk.",
         [Bearing("northern", 0.0, "Moscow", "Crocus City Hall")]),
        ("The band was to play at Crocus City Hall, located just west of the capital.",
         [Bearing("west", 270.0, "capital", "Crocus City Hall")]),
        ("Muan International Airport, 288 km southwest of Seoul, was closed.",
         [Bearing("southwest", 225.0, "Seoul", "Muan International Airport")]),
    ],
)
def test_bearings(nlp, text, expected):
    assert bearings(nlp(text)) == expected


@pytest.mark.parametrize("text", ["North Korea fired missiles on Monday.", "Fighting raged in the West Bank.",
                                  "Fighting raged in northern Gaza."])
def test_a_compass_word_in_a_name_or_with_nothing_named_placed_is_no_bearing(nlp, text):
    assert bearings(nlp(text)) == []


def test_two_compass_words_make_the_point_between(nlp):
    from service.text.bearings import compass_degrees

    doc = nlp("It struck about 11 miles south-southwest of Hualien.")
    assert compass_degrees(next(t for t in doc if t.text == "southwest")) == 202.5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It was the deadliest attack in Russia since the 2004 Beslan school siege.", [("deadly", "the 2004 Beslan school siege")]),
        ("A 7.4 magnitude earthquake struck Taiwan, the strongest in 25 years.", [("strong", "25 years")]),
        ("At least 44 people were killed.", []),
    ],
)
def test_records(nlp, text, expected):
    from service.text.records import records

    assert [(r.superlative, r.mark) for r in records(nlp(text))] == expected
