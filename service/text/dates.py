"""Dates and times: what a claim says about when, anchored to the publication date.

News writes time relative to the day it is published ("on Tuesday", "earlier this
month", "last week"), so two accounts of one event only compare once both are
resolved to calendar ranges. Relative expressions are resolved here, by rule, against
``published``; without a publication date they stay unanchored rather than guessed
from today's clock. Calendar dates with a month or a year go to dateparser; weekdays
do not, because with PREFER_DATES_FROM="past" it sends "on Tuesday" in an article
published on a Tuesday to the week before, and it reads durations ("three days") as
dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from service.lexicon import MONTHS as _MONTHS
from service.lexicon import TIME_HEDGES
from service.models import AnchoredDate
from service.text.places import resolve
from service.text.quantities import words_to_number
from service.text.syntax import governing_verb

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_CLOCK = re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?:(?P<half>[ap])\.?\s?m\b\.?)?", re.I)
_ZONE_ABBREVIATIONS = {
    "gmt": 0, "utc": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "idt": 3,
    "ist": 2, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8,
    "pdt": -7, "msk": 3, "irst": 3.5, "jst": 9,
}
_TIME_WORD = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?(?:\W|$)"
    r"|\b(?:today|tonight|yesterday|tomorrow|week|weekend|month|year|ago|morning|evening|night)\b",
    re.I,
)
_AGO = re.compile(r"^(?P<n>[\w\s-]+?)\s+(?P<unit>day|week|month|year)s?\s+ago$")
_FILLER = re.compile(r"^(?:on|by|from|since|until|in|the|of|during|at)\s+|(?:'s|’s)$")


def may_name_a_time(text: str) -> bool:
    """Cheap test before parsing: a digit, a month or weekday, or a relative time word."""
    return bool(_TIME_WORD.search(text))


def parse_published(published_at: str | None) -> date | None:
    """The publication day of an ISO date or datetime; None when absent or unreadable."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(published_at.strip()[:10])
        except ValueError:
            return None


def extract_dates(span, published: date | None, future: bool = False) -> list[AnchoredDate]:
    """The DATE and TIME expressions of a parsed span, anchored where they can be.

    ``future`` says the claim speaks of what is to come, so "on Tuesday" means the
    next Tuesday rather than the last one.
    """
    days, times, seen = [], [], set()
    for ent in span.ents:
        military, act = _military_time(ent), governing_verb(ent.root)
        if military is not None:
            times.append((*military, act))
        elif ent.label_ == "DATE":
            anchored = anchor_date(ent.text, published, future)
            if anchored is not None:
                days.append(replace(anchored, act=act))
            elif _clock(ent.text) is not None:  # "7:58am" tagged DATE
                times.append((ent.text, _clock(ent.text), _zone(ent)[0], act))
        elif ent.label_ == "TIME":
            clock = _clock(ent.text)
            if clock is not None:
                zone, written = _zone(ent)
                times.append((_hedged(ent, written), clock, zone, act))
        else:
            continue
        seen.update(range(ent.start_char, ent.end_char))
    times += _untagged_times(span, seen)
    day = next((d for d in days if d.granularity == "day"), None)
    return days + [replace(_anchor_time(text, clock, zone, day, published), act=act)
                   for text, clock, zone, act in times]


# "7.40pm", "9 a.m.", and "9:07 local time" (a clock the writer marks as one, untagged).
_MERIDIEM_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})?\s?[ap]\.?\s?m\b\.?|\b\d{1,2}:\d{2}(?=\s+local time\b)", re.I)


def _untagged_times(span, seen: set[int]) -> list[tuple[str, time, None, str]]:
    """Clock times the entity recogniser missed ("7.40pm" tagged as an organisation):
    a time with "a.m." or "p.m.", or "local time" after it, is one whatever the tagger says."""
    found = []
    for match in _MERIDIEM_CLOCK.finditer(span.text):
        start = getattr(span, "start_char", 0) + match.start()
        if start in seen:
            continue
        clock = _clock(match.group())
        written = span.char_span(match.start(), match.end(), alignment_mode="expand")
        if clock is not None:
            found.append((match.group(), clock, None, governing_verb(written.root) if written is not None else ""))
    return found


def _hedged(ent, written: str) -> str:
    """The time as written with the hedge before it ("shortly after 9 a.m."), which says
    how exactly it is meant."""
    doc = ent.doc
    for back in (1, 2):
        at = ent.start - back
        if at >= 0 and doc[at].lower_ in TIME_HEDGES and not written.lower().startswith(doc[at].lower_):
            return doc[at : ent.start].text + " " + written
    return written


def _military_time(ent) -> tuple[str, time, tzinfo] | None:
    """"1640 GMT": four digits before a zone are a clock time, not the year 1640."""
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    digits = ent.text.strip("( ")
    if after is None or not re.fullmatch(r"[0-2]\d[0-5]\d", digits) or after.lower_ not in _ZONE_ABBREVIATIONS:
        return None
    hour, minute = int(digits[:2]), int(digits[2:])
    if hour >= 24:
        return None
    zone = timezone(timedelta(hours=_ZONE_ABBREVIATIONS[after.lower_]))
    return f"{ent.text} {after.text}", time(hour, minute), zone


def anchor_date(text: str, published: date | None, future: bool = False) -> AnchoredDate | None:
    """One date expression as a range, or None when it cannot be placed on a calendar."""
    phrase = _normalise(text)
    # Near the calendar's ends (a publication in year 1 or 9999) a range may fall off it: not placed, then.
    if published is not None:
        try:
            relative = _relative(phrase, published, future)
        except (OverflowError, ValueError):
            relative = None
        if relative is not None:
            start, end, granularity = relative
            return AnchoredDate(text=text, start=start.isoformat(), end=end.isoformat(), granularity=granularity)
    if _is_calendar(phrase):
        try:
            return _calendar(text, published)
        except (OverflowError, ValueError):
            return None
    return None


def _normalise(text: str) -> str:
    phrase = re.sub(r"\s+", " ", text.strip().lower())
    previous = None
    while previous != phrase:
        previous, phrase = phrase, _FILLER.sub("", phrase).strip()
    return phrase


def _relative(phrase: str, p: date, future: bool) -> tuple[date, date, str] | None:
    """Relative expressions by rule: weekdays, this/last/next week, month, year, N days ago."""
    monday = p - timedelta(days=p.weekday())
    month_first = p.replace(day=1)
    month_last = p.replace(day=calendar.monthrange(p.year, p.month)[1])
    fixed = {
        "today": (p, p, "day"), "tonight": (p, p, "day"), "this morning": (p, p, "day"),
        "this afternoon": (p, p, "day"), "this evening": (p, p, "day"),
        "yesterday": (p - timedelta(1), p - timedelta(1), "day"),
        "last night": (p - timedelta(1), p - timedelta(1), "day"),
        "tomorrow": (p + timedelta(1), p + timedelta(1), "day"),
        "this week": (monday, monday + timedelta(6), "week"),
        "earlier this week": (monday, p, "week"),
        "later this week": (p, monday + timedelta(6), "week"),
        "last week": (monday - timedelta(7), monday - timedelta(1), "week"),
        "next week": (monday + timedelta(7), monday + timedelta(13), "week"),
        "this weekend": (monday + timedelta(5), monday + timedelta(6), "day"),
        "last weekend": (monday - timedelta(2), monday - timedelta(1), "day"),
        "this month": (month_first, month_last, "month"),
        "earlier this month": (month_first, p, "month"),
        "later this month": (p, month_last, "month"),
        "last month": _month_of(month_first - timedelta(1)),
        "next month": _month_of(month_last + timedelta(1)),
        "this year": (date(p.year, 1, 1), date(p.year, 12, 31), "year"),
        "earlier this year": (date(p.year, 1, 1), p, "year"),
        "later this year": (p, date(p.year, 12, 31), "year"),
        "last year": (date(p.year - 1, 1, 1), date(p.year - 1, 12, 31), "year"),
        "next year": (date(p.year + 1, 1, 1), date(p.year + 1, 12, 31), "year"),
    }
    if phrase in fixed:
        return fixed[phrase]
    weekday = _weekday(phrase, p, future)
    if weekday is not None:
        return weekday, weekday, "day"
    ago = _AGO.match(phrase)
    if ago:
        n = words_to_number(ago.group("n").replace("-", " ").split())
        if n is not None:
            return _ago(p, int(n), ago.group("unit"))
    return None


def _weekday(phrase: str, p: date, future: bool) -> date | None:
    """"Tuesday", "last Tuesday", "next Tuesday", "Tuesday night": the nearest such day
    on or before publication for past events, on or after it for coming ones."""
    words = phrase.split()
    if not words:
        return None
    direction = "next" if future else "last"
    explicit = {"last": "last", "past": "last", "next": "next", "coming": "next", "this": direction}
    if words[0] in explicit:
        direction, words = explicit[words[0]], words[1:]
    if not words or words[0] not in _WEEKDAYS or any(w not in ("morning", "afternoon", "evening", "night") for w in words[1:]):
        return None
    target = _WEEKDAYS[words[0]]
    if direction == "next":
        return p + timedelta(days=(target - p.weekday()) % 7)
    return p - timedelta(days=(p.weekday() - target) % 7)


def _ago(p: date, n: int, unit: str) -> tuple[date, date, str]:
    if unit == "day":
        d = p - timedelta(days=n)
        return d, d, "day"
    if unit == "week":
        d = p - timedelta(weeks=n)
        return d - timedelta(days=3), d + timedelta(days=3), "week"
    if unit == "month":
        month_index = p.year * 12 + p.month - 1 - n
        return _month_of(date(month_index // 12, month_index % 12 + 1, 1))
    return date(p.year - n, 1, 1), date(p.year - n, 12, 31), "year"


def _month_of(d: date) -> tuple[date, date, str]:
    return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1]), "month"


def _is_calendar(phrase: str) -> bool:
    """A month name, a year or a numeric date: something dateparser can place."""
    words = re.findall(r"[a-z]+|\d+", phrase)
    return any(w in _MONTHS for w in words) or bool(
        re.search(r"\b(1[5-9]|20)\d\d\b", phrase) or re.search(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b", phrase)
    )


def _calendar(text: str, published: date | None) -> AnchoredDate | None:
    """Absolute dates via dateparser; a date without its year takes the publication's year
    (the nearest such date to publication), and none at all without a publication date."""
    phrase = _normalise(text)
    if re.fullmatch(r"(the )?(early |mid-?|late )?\d{4}s", phrase):
        return None  # decades ("the 1990s") are eras, not events
    has_year = bool(re.search(r"\b\d{4}\b|'\d\d\b", phrase))
    if published is None and not has_year:
        return None  # dateparser would read the day of "June 14th" as the year 2014
    data = _date_parser(published).get_date_data(phrase)
    if data.date_obj is None:
        return None
    parsed = data.date_obj.date()
    if published is not None and not has_year:
        parsed = min((parsed.replace(year=published.year + k) for k in (-1, 0, 1) if _valid(parsed, published.year + k)),
                     key=lambda d: abs(d - published))
    if data.period == "year":
        start, end = date(parsed.year, 1, 1), date(parsed.year, 12, 31)
        return AnchoredDate(text=text, start=start.isoformat(), end=end.isoformat(), granularity="year")
    if data.period == "month":
        start, end, _ = _month_of(parsed)
        return AnchoredDate(text=text, start=start.isoformat(), end=end.isoformat(), granularity="month")
    return AnchoredDate(text=text, start=parsed.isoformat(), end=parsed.isoformat(), granularity="day")


def _valid(d: date, year: int) -> bool:
    return not (d.month == 2 and d.day == 29 and not calendar.isleap(year))


@lru_cache(maxsize=32)
def _date_parser(published: date | None):
    """A dateparser parser for one publication day; loading dateparser costs a while, once."""
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "current_period"}
    if published is None:
        settings["REQUIRE_PARTS"] = ["year"]  # "Oct. 1" alone cannot be placed without a year
    else:
        settings["RELATIVE_BASE"] = datetime.combine(published, time())
    return DateDataParser(languages=["en"], settings=settings)


def _clock(text: str) -> time | None:
    """The clock time a TIME expression names ("04:00 GMT", "7:30 p.m.", "9am"), if any."""
    for found in _CLOCK.finditer(text):
        if found["minute"] is None and found["half"] is None:
            continue  # a bare number ("within 24 hours") is no clock time
        hour, minute, half = int(found["hour"]), int(found["minute"] or 0), (found["half"] or "").lower()
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return time(hour, minute)
    return None


def _zone(ent) -> tuple[tzinfo | None, str]:
    """The zone a time is given in, and the time as written with it: an abbreviation
    ("04:00 GMT") or a city ("07:30 in Tehran")."""
    doc = ent.doc
    after = doc[ent.end : ent.end + 3]
    for tok in list(ent) + list(after[:1]):
        offset = _ZONE_ABBREVIATIONS.get(tok.lower_)
        if offset is not None:
            written = ent.text if tok.i < ent.end else f"{ent.text} {tok.text}"
            return timezone(timedelta(hours=offset)), written
    if len(after) >= 2 and after[0].lower_ == "in" and after[1].ent_type_ in ("GPE", "LOC"):
        place = [after[1].text] + ([after[2].text] if len(after) > 2 and after[2].ent_iob_ == "I" else [])
        zone = city_zone(" ".join(place))
        if zone is not None:
            return zone, f"{ent.text} in {' '.join(place)}"
    return None, ent.text


def city_zone(place: str) -> ZoneInfo | None:
    """The time zone of a city the gazetteer knows ("Tehran" -> Asia/Tehran)."""
    found = resolve(place)
    return ZoneInfo(found.timezone) if found is not None and found.kind == "city" and found.timezone else None


def _anchor_time(text: str, clock: time, zone, day: AnchoredDate | None, published: date | None) -> AnchoredDate:
    """A clock time on the claim's day when it names one; otherwise the time alone, with its zone."""
    on = date.fromisoformat(day.start) if day is not None else None
    if isinstance(zone, ZoneInfo):
        # A city's offset depends on the day (summer time): the claim's day, else publication's.
        # Without either, today's offset only fixes the zone; no date is invented.
        reference = on or published or date.today()
        zone = timezone(datetime.combine(reference, clock, zone).utcoffset())
    value = datetime.combine(on, clock, zone) if on is not None else clock.replace(tzinfo=zone)
    return AnchoredDate(text=text, start=value.isoformat(), end=value.isoformat(), granularity="time")
