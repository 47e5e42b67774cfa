"""Compare the values two claims give for one slot: figures, dates, times, places, actors.

Each ``*_conflicts`` function returns the conflicts it finds between two claims that
the caller has already judged to be about the same event; a value one claim leaves
open never conflicts (silence is not disagreement).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from service.models import AnchoredDate, Claim, Conflict, QuantityInterval
from service.relate import places
from service.relate.lexicon import LIGHT_VERBS, same_word
from service.relate.wording import counted_after

PLACE_LABELS = ("GPE", "LOC", "FAC")
ACTOR_LABELS = ("PERSON", "ORG", "NORP", "GPE")

# Units a figure may be written in, as (dimension, factor to the base unit).
_UNITS = {
    "second": ("time", 1), "seconds": ("time", 1), "minute": ("time", 60), "minutes": ("time", 60),
    "hour": ("time", 3600), "hours": ("time", 3600), "day": ("time", 86400), "days": ("time", 86400),
    "week": ("time", 604800), "weeks": ("time", 604800),
    "m": ("length", 1), "metre": ("length", 1), "metres": ("length", 1), "meter": ("length", 1),
    "meters": ("length", 1), "km": ("length", 1000), "kilometre": ("length", 1000),
    "kilometres": ("length", 1000), "kilometer": ("length", 1000), "kilometers": ("length", 1000),
    "mile": ("length", 1609.344), "miles": ("length", 1609.344),
    "kg": ("mass", 1), "kilogram": ("mass", 1), "kilograms": ("mass", 1), "tonne": ("mass", 1000),
    "tonnes": ("mass", 1000), "ton": ("mass", 1000), "tons": ("mass", 1000),
    "pound": ("mass", 0.4536), "pounds": ("mass", 0.4536), "lb": ("mass", 0.4536),
}
_APPROXIMATE_SPREAD = 0.1  # "about 50" allows 45..55 when the facts gave a point
_PLAIN_FIGURE = re.compile(r"\d[\d,]*(\.\d+)?")


# -- figures -----------------------------------------------------------------------


def number_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """Figures for the same thing whose intervals cannot overlap; ordinals are counts."""
    qa, qb = figures(a), figures(b)
    if totals_agree(qa, qb):
        return []
    if len(qb) < len(qa):
        return [Conflict(c.type, c.b, c.a, c.about) for c in _unmatched_figures(b, qb, a, qa)]
    return _unmatched_figures(a, qa, b, qb)


def _unmatched_figures(a: Claim, qa, b: Claim, qb) -> list[Conflict]:
    """Figures of ``a`` (the claim with fewer) that fit none of ``b``'s for the same
    thing: a paragraph may give the figures of several days, and one of them may match."""
    partners: dict[int, list[QuantityInterval]] = {}
    for x, y in _paired(a, qa, b, qb):
        partners.setdefault(id(x), []).append(y)
    conflicts = []
    for x in qa:
        ys = partners.get(id(x), [])
        if ys and not any(_overlaps(x, y) for y in ys):
            y = ys[0]
            about = x.counts or counted_after(a.text, x.text) or y.counts or counted_after(b.text, y.text)
            conflicts.append(Conflict("count" if x.ordinal else "number", x.text, y.text, about))
    return conflicts


def figures(claim: Claim) -> list[QuantityInterval]:
    """The claim's quantities, less the years and day numbers that belong to its dates."""
    date_text = " ".join(d.text for d in claim.facts.dates)
    return [q for q in claim.facts.quantities if not (q.text and q.text in date_text)]


def _paired(a: Claim, qa, b: Claim, qb):
    """Pairs of figures that count the same thing (a lone figure on each side pairs too)."""
    for x in qa:
        for y in qb:
            if x.ordinal != y.ordinal:
                continue
            cx = x.counts or counted_after(a.text, x.text)
            cy = y.counts or counted_after(b.text, y.text)
            if _same_counted(cx, cy) or (len(qa) == len(qb) == 1 and not (cx and cy)):
                yield x, y


def _same_counted(cx: str, cy: str) -> bool:
    if not cx or not cy:
        return False
    if cx.lower() in _UNITS and cy.lower() in _UNITS:
        return _UNITS[cx.lower()][0] == _UNITS[cy.lower()][0]
    return any(same_word(u, v) for u in cx.lower().split() for v in cy.lower().split())


def _overlaps(x: QuantityInterval, y: QuantityInterval) -> bool:
    return _in_base_unit(x).overlaps(_in_base_unit(y))


def _in_base_unit(q: QuantityInterval) -> QuantityInterval:
    """The interval in its dimension's base unit, widened when the figure is approximate
    and by the rounding its digits imply ("4 percent" stands for 3.5..4.5, so 4.4 fits)."""
    factor = _UNITS.get((q.counts or "").lower().split(" ")[-1], (None, 1))[1]
    low, high = q.low, q.high
    if low is not None and low == high:
        if q.approximate:
            low, high = low * (1 - _APPROXIMATE_SPREAD), high * (1 + _APPROXIMATE_SPREAD)
        else:
            half = _half_unit(q)
            low, high = low - half, high + half
    low = None if low is None else low * factor
    high = None if high is None else high * factor
    return QuantityInterval(low=low, high=high, counts=q.counts, text=q.text, ordinal=q.ordinal)


def _half_unit(q: QuantityInterval) -> float:
    """Half a unit of the last digit written, when the text is the plain figure."""
    match = _PLAIN_FIGURE.fullmatch(q.text.strip())
    if match is None or q.ordinal or float(match.group(0).replace(",", "")) != q.low:
        return 0.0
    decimals = len(match.group(1) or "") - 1 if match.group(1) else 0
    return 0.49 * 10 ** -decimals  # under a half, so 2 and 3 never touch


def totals_agree(qa: list[QuantityInterval], qb: list[QuantityInterval]) -> bool:
    """One side's parts add up to the other's total: 229 passengers + 12 crew = 241 on board."""
    return sum_of_parts(qa, qb) is not None or sum_of_parts(qb, qa) is not None


def sum_of_parts(parts: list[QuantityInterval], totals: list[QuantityInterval]):
    """``(the parts, the total)`` when two or more exact figures of ``parts`` add up to a
    figure of ``totals``; None otherwise."""
    points = [q for q in parts if not q.ordinal and q.low is not None and q.low == q.high]
    if len(points) < 2:
        return None
    whole = sum(q.low for q in points)
    total = next((t for t in totals if t.low is not None and t.low == t.high and t.low == whole), None)
    return (points, total) if total is not None else None


# -- dates and times ---------------------------------------------------------------


def date_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """Dates (or times) for the same happening whose ranges do not meet."""
    da, db = a.facts.dates, b.facts.dates
    if not da or not db:
        return []
    ra = [_range(d, a) for d in da]
    rb = [_range(d, b) for d in db]
    if any(x is None for x in ra + rb):
        return []
    comparable = [(x, y) for x in ra for y in rb if type(x[0]) is type(y[0])]
    if not comparable or any(_meet(x, y) for x, y in comparable):
        return []  # a time of day and a date cannot be set against each other
    x, y = da[0], db[0]
    kind = "time" if x.granularity == y.granularity == "time" else "date"
    return [Conflict(kind, x.text, y.text, "when it happened")]


def dates_disjoint(a: Claim, b: Claim) -> tuple[str, str] | None:
    """The two dates as written when both claims are dated and no dates meet."""
    conflicts = date_conflicts(a, b)
    return (conflicts[0].a, conflicts[0].b) if conflicts else None


def _meet(x, y) -> bool:
    return x[0] <= y[1] and y[0] <= x[1]


def _range(d: AnchoredDate, claim: Claim):
    """``(start, end)`` comparable across claims: aware datetimes in UTC, or times of day."""
    start, end = _parse(d.start, claim), _parse(d.end or d.start, claim)
    if start is None or end is None or type(start) is not type(end):
        return None
    if isinstance(start, datetime) and d.granularity != "time" and end == start:
        end = start + timedelta(days=1) - timedelta(microseconds=1)  # a day spans the day
    return start, end


def _parse(value: str, claim: Claim):
    """An ISO date, datetime or time; a naive time takes the zone of a city in the claim."""
    zone = _local_zone(claim)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            clock = time.fromisoformat(value)
        except ValueError:
            return None
        return _time_in_utc(clock, zone)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or timezone.utc)
    return parsed.astimezone(timezone.utc)


def _time_in_utc(clock: time, zone) -> time:
    """A time of day moved to UTC, using an arbitrary day for the offset's arithmetic."""
    day = datetime(2000, 1, 1, clock.hour, clock.minute, clock.second, tzinfo=clock.tzinfo or zone or timezone.utc)
    return day.astimezone(timezone.utc).time()


def _local_zone(claim: Claim):
    name = places.timezone_of(e.canonical or e.text for e in claim.facts.entities if e.label in PLACE_LABELS)
    return ZoneInfo(name) if name else None


# -- places ------------------------------------------------------------------------


def place_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """Places that cannot both be where it happened (a city lies in its country)."""
    pa, pb = _places(a), _places(b)
    if not pa or not pb:
        return []
    if any(places.compatible(x, y) for _, x in pa for _, y in pb):
        return []
    return [Conflict("place", pa[0][0], pb[0][0], "where it happened")]


def _places(claim: Claim) -> list[tuple[str, places.Place]]:
    found = []
    for entity in claim.facts.entities:
        if entity.label in PLACE_LABELS:
            place = places.resolve(entity.canonical or entity.text) or places.resolve(entity.text)
            if place is not None:
                found.append((entity.text, place))
    return found


# -- actors ------------------------------------------------------------------------


def actor_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """Who did what to whom: the same act with another doer, or doer and target swapped."""
    fa, fb = a.facts, b.facts
    if not (fa.predicate and fb.predicate and same_word(fa.predicate, fb.predicate)):
        return []
    if fa.predicate.lower() in LIGHT_VERBS:
        return []  # "X is ..." and "Y is ..." name no shared act that one of them did
    sa, sb, oa, ob = (_name(a, fa.subject), _name(b, fb.subject), _name(a, fa.object), _name(b, fb.object))
    if sa and sb and oa and ob and same_actor(sa, ob) and same_actor(oa, sb) and not same_actor(sa, sb):
        return [Conflict("actor", f"{fa.subject} {fa.predicate} {fa.object}", f"{fb.subject} {fb.predicate} {fb.object}",
                         f"who {fa.predicate} whom")]
    if sa and sb and not same_actor(sa, sb) and (not (oa and ob) or same_actor(oa, ob)):
        return [Conflict("actor", fa.subject, fb.subject, f"who {fa.predicate}")]
    return []


def _name(claim: Claim, phrase: str | None) -> str:
    """A role filler by its canonical name, when it names an actor entity of the claim.

    Common nouns are not actors here: "the boys" and "the kids" may well be the same
    people, while "Hamas" and "Hezbollah" are not.
    """
    if not phrase:
        return ""
    for entity in claim.facts.entities:
        if entity.label in ACTOR_LABELS and entity.text and (entity.text in phrase or phrase in entity.text):
            return (entity.canonical or entity.text).lower()
    return ""


def same_actor(x: str, y: str) -> bool:
    """Names that may refer to one actor: equal, one inside the other ("Blinken" in
    "Antony Blinken"), or heads that are the same word."""
    if x == y or x in y or y in x:
        return True
    return same_word(x.split()[-1], y.split()[-1])
