"""Dates and times anchored to the publication date."""

from datetime import date

import pytest

from service.text.dates import anchor_date, city_zone, extract_dates, may_name_a_time, parse_published

TUESDAY = date(2024, 10, 22)


@pytest.mark.parametrize(
    "text, start, end, granularity",
    [
        ("Tuesday", "2024-10-22", "2024-10-22", "day"),  # published that day: the same day
        ("Monday", "2024-10-21", "2024-10-21", "day"),
        ("Wednesday", "2024-10-16", "2024-10-16", "day"),  # past tense: last week's
        ("earlier this month", "2024-10-01", "2024-10-22", "month"),
        ("last week", "2024-10-14", "2024-10-20", "week"),
        ("earlier this week", "2024-10-21", "2024-10-22", "week"),
        ("yesterday", "2024-10-21", "2024-10-21", "day"),
        ("three days ago", "2024-10-19", "2024-10-19", "day"),
        ("Oct. 1", "2024-10-01", "2024-10-01", "day"),
        ("July 27, 2024", "2024-07-27", "2024-07-27", "day"),
        ("August 2006", "2006-08-01", "2006-08-31", "month"),
        ("2006", "2006-01-01", "2006-12-31", "year"),
    ],
)
def test_anchor_against_publication(text, start, end, granularity):
    d = anchor_date(text, TUESDAY)
    assert (d.start, d.end, d.granularity) == (start, end, granularity)


def test_weekday_of_a_coming_event_looks_ahead():
    assert anchor_date("Wednesday", TUESDAY, future=True).start == "2024-10-23"


def test_year_closest_to_publication():
    assert anchor_date("Dec. 28", date(2024, 1, 10)).start == "2023-12-28"


def test_without_publication_relative_dates_stay_unanchored():
    assert anchor_date("on Tuesday", None) is None
    assert anchor_date("last week", None) is None
    assert anchor_date("Oct. 1", None) is None  # no year to give it
    assert anchor_date("July 27, 2024", None).start == "2024-07-27"


def test_durations_are_not_dates():
    assert anchor_date("three days", TUESDAY) is None


def test_parse_published():
    assert parse_published("2024-10-22T09:30:00Z") == TUESDAY
    assert parse_published("2024-10-22") == TUESDAY
    assert parse_published("not a date") is None
    assert parse_published(None) is None


def test_times_with_zones_on_the_claims_day(nlp):
    found = extract_dates(nlp("The strikes began at 04:00 GMT and ended at 07:30 in Tehran on Oct. 1."), TUESDAY)
    day, gmt, tehran = found
    assert day.start == "2024-10-01"
    assert gmt.start == "2024-10-01T04:00:00+00:00" and gmt.granularity == "time"
    assert tehran.start == "2024-10-01T07:30:00+03:30"
    assert (gmt.text, tehran.text) == ("04:00 GMT", "07:30 in Tehran")


def test_time_without_a_day_keeps_its_zone(nlp):
    (t,) = extract_dates(nlp("Sirens sounded at 04:00 GMT."), None)
    assert t.start == "04:00:00+00:00"


def test_city_zone():
    assert str(city_zone("Tehran")) == "Asia/Tehran"
    assert city_zone("Erewhon") is None


def test_twelve_hour_clock_on_a_weekday(nlp):
    day, clock = extract_dates(nlp("At 7:30 p.m. on Monday the strike hit."), TUESDAY)
    assert day.start == "2024-10-21"
    assert clock.start == "2024-10-21T19:30:00"


@pytest.mark.parametrize("text", ["Date: October 22, 2023", "Earlier this week", "Monday's talks", "Jan. 10", "Strikes at 04:00"])
def test_may_name_a_time(text):
    assert may_name_a_time(text)


@pytest.mark.parametrize("text", ["Blinken Presses Netanyahu on Avoiding Civilian Casualties", "Securing Regional Support"])
def test_headings_without_time_words_are_not_parsed(text):
    assert not may_name_a_time(text)


@pytest.mark.parametrize("published", [date.min, date.max])
def test_dates_at_the_edge_of_the_calendar_are_placed_or_left_unanchored(published):
    """A publication in year 1 or 9999: ranges that would fall off the calendar are not placed (no error)."""
    for phrase in ("yesterday", "tomorrow", "next year", "last month", "Monday", "three weeks ago", "Oct. 1", "2006"):
        anchored = anchor_date(phrase, published)
        assert anchored is None or date.min <= date.fromisoformat(anchored.start) <= date.max
    assert anchor_date("July 27, 2024", published).start == "2024-07-27"


@pytest.mark.parametrize("text", ["June 14th", "Wednesday, June 14th", "March 23"])
def test_without_publication_a_day_without_its_year_stays_unanchored(text):
    assert anchor_date(text, None) is None  # not the year 2014 or 2023


def test_a_clock_marked_local_time_is_a_time_of_the_act_it_dates(nlp):
    (found,) = extract_dates(nlp("The event occurred at 9:07 local time, reports Yonhap."), None)
    assert (found.text, found.start, found.granularity, found.act) == ("9:07", "09:07:00", "time", "occur")
