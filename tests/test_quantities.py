"""Figures as intervals, with what they count."""

import math

import pytest

from service.text.quantities import extract_quantities, parse_number, words_to_number


def quantities(nlp, text):
    return extract_quantities(nlp(text))


def only(nlp, text):
    (q,) = quantities(nlp, text)
    return q


@pytest.mark.parametrize(
    "text, value",
    [("42,600", 42600), ("2½", 2.5), ("½", 0.5), ("1.5", 1.5), ("eleven", 11), ("3/4", 0.75)],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "words, value",
    [(["twenty", "-", "five"], 25), (["2", "million"], 2_000_000), (["a", "hundred"], 100), (["1.5", "billion"], 1.5e9)],
)
def test_words_to_number(words, value):
    assert words_to_number(words) == pytest.approx(value)


def test_plus_sign_is_at_least(nlp):
    q = only(nlp, "300+ Palestinians wounded")
    assert (q.low, q.high) == (300, None)
    assert q.counts == "palestinians wounded"
    assert q.text == "300+"


def test_nearly_is_a_little_under(nlp):
    q = only(nlp, "Iran fired nearly 200 missiles at Israel.")
    assert q.high == 200 and 150 < q.low < 200
    assert q.approximate
    assert q.counts == "missiles fired"


def test_more_than_and_at_least_are_open_above(nlp):
    more, least = quantities(nlp, "More than 42,600 people were displaced and at least 44 were killed.")
    assert (more.low, more.high, more.counts) == (42600, None, "people displaced")
    assert (least.low, least.high) == (44, None)


def test_up_to_is_open_below(nlp):
    q = only(nlp, "The shelters hold up to 3 million people.")
    assert (q.low, q.high) == (None, 3_000_000)


def test_about_brackets_the_figure(nlp):
    q = only(nlp, "Aid trucks carried about 1,000 tons of food.")
    assert q.low < 1000 < q.high and q.approximate


def test_fraction_of_hours(nlp):
    q = only(nlp, "The meeting lasted 2½ hours.")
    assert (q.low, q.high, q.counts) == (2.5, 2.5, "hours lasted")


def test_ordinal_word_and_digits(nlp):
    word = only(nlp, "It was his eleventh visit to the region.")
    digits = only(nlp, "It marked his 11th visit since the war began.")
    for q in (word, digits):
        assert (q.low, q.high, q.ordinal, q.counts) == (11, 11, True, "visit")


def test_number_words(nlp):
    q = only(nlp, "Two soldiers were wounded.")
    assert (q.low, q.high, q.counts) == (2, 2, "soldiers wounded")


def test_dozens_is_a_vague_range(nlp):
    q = only(nlp, "Dozens of people were injured in the blast.")
    assert q.low == 24 and q.high < 100 and q.approximate
    assert q.counts.startswith("people")


def test_money_and_percent(nlp):
    money, share = quantities(nlp, "The fund gave $5 million to 40% of families.")
    assert (money.low, money.counts) == (5_000_000, "dollars")
    assert (share.low, share.counts) == (40, "percent")


def test_years_times_and_names_are_not_figures(nlp):
    found = quantities(nlp, "UN Resolution 1701 ended the 2006 war at 04:00 GMT on Oct. 1.")
    assert found == []


def test_overlap_of_intervals(nlp):
    plus = only(nlp, "300+ Palestinians wounded")
    exact = only(nlp, "250 Palestinians wounded")
    assert not plus.overlaps(exact)
    assert plus.overlaps(only(nlp, "350 Palestinians wounded"))
    assert not math.isinf(plus.low)


@pytest.mark.parametrize(
    "text, low, high",
    [
        ("Between 30 and 40 people were killed.", 30, 40),
        ("Officials said 10 to 15 rockets were fired.", 10, 15),
        ("The strike killed 20-25 fighters.", 20, 25),
    ],
)
def test_ranges(nlp, text, low, high):
    q = only(nlp, text)
    assert (q.low, q.high) == (low, high)
    assert q.counts


def test_a_range_of_years_is_not_a_figure(nlp):
    assert quantities(nlp, "The war lasted from 2006 to 2008.") == []


@pytest.mark.parametrize(
    "text, low, high",
    [("Hundreds of thousands of people fled.", 200_000, 999_000), ("Tens of thousands of people fled.", 20_000, 99_000)],
)
def test_vague_scales(nlp, text, low, high):
    q = only(nlp, text)
    assert (q.low, q.high, q.approximate) == (low, high, True)
    assert q.counts.startswith("people")


@pytest.mark.parametrize(
    "text, figure, counts, share",
    [
        ("All but two passengers, who were rescued, were probably killed.", "two", "passengers killed", "all but"),
        ("All 175 passengers were killed.", "175", "passengers killed", "all"),
        ('He said "all four direct perpetrators have been found and detained".', "four", "perpetrators detained", "all"),
        ("At least two perpetrators have been killed.", "At least two", "perpetrators killed", ""),
    ],
)
def test_a_figure_says_whether_it_is_the_whole_group(nlp, text, figure, counts, share):
    q = only(nlp, text)
    assert (q.text, q.counts, q.share) == (figure, counts, share)


def test_a_model_number_is_no_range(nlp):
    assert [q.text for q in quantities(nlp, "A Jeju Air Boeing 737-800 crash-landed, killing 122 people.")] == ["122"]
