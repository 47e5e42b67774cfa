"""Compare the values two claims give for one slot: dates, times, places, actors.

Figures have their own module (``align``): they are paired before they are judged.

Each ``*_conflicts`` function returns the conflicts it finds between two claims that
the caller has already judged to be about the same event; a value one claim leaves
open never conflicts (silence is not disagreement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from service.lexicon import HAPPEN_VERBS, INCIDENT_NOUNS, INCIDENT_VERBS, LIGHT_VERBS, PRONOUNS, TIME_HEDGES, same_word
from service.models import Act, AnchoredDate, Bearing, Claim, Conflict, PlaceFact
from service.text.places import may_be_one_place, same_place

ACTOR_LABELS = ("PERSON", "ORG", "NORP", "GPE")
# Aligned facts that speak for one fact on their own (a place or a small count does not).
TELLING_FACTS = ("figure", "time", "act", "record")

# -- dates and times ---------------------------------------------------------------


@dataclass
class DatePair:
    a: AnchoredDate
    b: AnchoredDate
    judgement: str  # "same" | "conflict"


def align_dates(a: Claim, b: Claim) -> list[DatePair]:
    """Pairs of dates (or of clock times) the two claims give; times pair with times and
    days with days, since a time of day and a date cannot be set against each other.

    Each pair is ``same`` when the two can be one moment (ranges that meet; clock times
    within what "around" or "shortly after" allows), else ``conflict``. Only the
    judgement of every comparable pair together says whether the claims disagree: a
    paragraph may give several dates, and one of them may match.
    """
    return pair_dates(a.facts.dates, b.facts.dates)


def pair_dates(xs: list[AnchoredDate], ys: list[AnchoredDate]) -> list[DatePair]:
    """``align_dates`` for any two lists of dates."""
    pairs = []
    for x in xs:
        for y in ys:
            rx, ry = _range(x), _range(y)
            if rx is None or ry is None or (x.granularity == "time") != (y.granularity == "time"):
                continue
            if x.granularity == "time":
                meet = _clocks_meet(x, y)
            else:
                meet = rx[0] <= ry[1] and ry[0] <= rx[1]
            pairs.append(DatePair(x, y, "same" if meet else "conflict"))
    return pairs


def date_conflicts(pairs: list[DatePair]) -> list[Conflict]:
    """Dates (or times) for the same happening that cannot meet: every comparable pair
    of one kind (days, or clock times) is apart."""
    for timed in (True, False):
        group = [p for p in pairs if (p.a.granularity == "time") == timed]
        if group and all(p.judgement == "conflict" for p in group):
            x, y = group[0].a, group[0].b
            return [Conflict("time" if timed else "date", x.text, y.text, "when it happened")]
    return []


def dates_disjoint(pairs: list[DatePair]) -> tuple[str, str] | None:
    """The two days as written when both claims are dated to days that do not meet."""
    days = [p for p in pairs if p.a.granularity != "time"]
    if days and all(p.judgement == "conflict" for p in days):
        return days[0].a.text, days[0].b.text
    return None


def same_times(pairs: list[DatePair]) -> list[DatePair]:
    """The clock times both claims give alike ("7:58 a.m." and "just before 8 a.m.")."""
    return [p for p in pairs if p.judgement == "same" and p.a.granularity == "time"]


_CLOSE_MINUTES = 2  # "9:03" and "9:04": one moment, as two clocks tell it
_LOOSE_MINUTES = 20  # "shortly after 9 a.m." and "9:03"


def _clocks_meet(x: AnchoredDate, y: AnchoredDate) -> bool:
    """Clock times compare in UTC when both carry a zone; otherwise as written, since an
    unzoned time in a news report is the local time of the place it happened."""
    cx, cy = _clock(x.start), _clock(y.start)
    if cx is None or cy is None:
        return True
    if cx.tzinfo is not None and cy.tzinfo is not None:
        mx, my = _utc_minutes(cx), _utc_minutes(cy)
    else:
        mx, my = cx.hour * 60 + cx.minute, cy.hour * 60 + cy.minute
    gap = min(abs(mx - my), 1440 - abs(mx - my))
    loose = any(w in TIME_HEDGES for w in re.findall(r"[a-z]+", f"{x.text} {y.text}".lower()))
    return gap <= (_LOOSE_MINUTES if loose else _CLOSE_MINUTES)


def _clock(value: str):
    try:
        return datetime.fromisoformat(value).timetz()
    except ValueError:
        try:
            return time.fromisoformat(value)
        except ValueError:
            return None


def _utc_minutes(clock: time) -> int:
    day = datetime(2000, 1, 2, clock.hour, clock.minute, tzinfo=clock.tzinfo).astimezone(timezone.utc)
    return day.hour * 60 + day.minute


def _range(d: AnchoredDate):
    """``(first day, last day)`` of a date; a clock time is compared as a clock."""
    if d.granularity == "time":
        return (d.start, d.start) if _clock(d.start) is not None else None
    try:
        return date.fromisoformat(d.start[:10]), date.fromisoformat((d.end or d.start)[:10])
    except ValueError:
        return None


# -- places ------------------------------------------------------------------------


def place_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """Where it happened, by the places each claim puts the event at ("in", "at", "off"):
    no pair can be one place, and at least one pair is known not to be."""
    return _places_apart([p for p in a.facts.places if p.role == "at"], [p for p in b.facts.places if p.role == "at"])


def _places_apart(pa: list[PlaceFact], pb: list[PlaceFact]) -> list[Conflict]:
    """A place conflict when no pair of the two lists can be one place and at least one
    pair is known not to be; none when one pair may be, or the gazetteer cannot tell."""
    verdicts = [_one_place(x, y) for x in pa for y in pb]
    if not verdicts or True in verdicts or False not in verdicts:
        return []
    return [Conflict("place", pa[0].text, pb[0].text, "where it happened")]


def shared_places(a: Claim, b: Claim) -> list[str]:
    """Places both claims give the same role ("from Tobruk" in both)."""
    return [x.text for x in a.facts.places for y in b.facts.places
            if x.role and x.role == y.role and _one_place(x, y) is True and (x.kind == "city" or not x.kind)]


# Head words of place names that name a kind of place: two different names with the
# same head ("the Aegean Sea", "the Ionian Sea") are two places of that kind.
_PLACE_HEADS = frozenset("sea ocean river lake gulf bay strait province county district state region city town "
                         "village island mountain valley desert airport station square street".split())


def _one_place(x: PlaceFact, y: PlaceFact) -> bool | None:
    known = same_place(x, y)
    if known is not None:
        return known
    hx, hy = x.text.lower().split(), y.text.lower().split()
    if hx and hy and hx[-1] == hy[-1] and hx[-1] in _PLACE_HEADS and hx != hy:
        return False
    return None


# -- the incident -------------------------------------------------------------------


def names_the_incident(claim: Claim) -> bool:
    """ "The accident occurred on Wednesday in the Ionian Sea": the claim says when or
    where the story's incident happened, calling it by a generic name."""
    facts = claim.facts
    subject = (facts.subject or "").lower()
    happens = (facts.predicate or "").lower() in HAPPEN_VERBS or (
        (facts.predicate or "").lower() == "take" and (facts.object or "").lower() == "place")
    return happens and subject.startswith("the ") and _head(subject) in INCIDENT_NOUNS


def incident_moments(claim: Claim) -> tuple[list[AnchoredDate], list[PlaceFact]]:
    """The clock times and places a claim gives for an act that is an incident ("crashed
    at 9:03", "sank in the Aegean Sea", "occurred at 9:07"), not for what came after."""
    acts = HAPPEN_VERBS | INCIDENT_VERBS
    times = [d for d in claim.facts.dates if d.granularity == "time" and d.act in acts]
    places = [p for p in claim.facts.places if p.role == "at" and p.act in acts]
    return times, places


def incident_told(a: Claim, b: Claim) -> str | None:
    """When one claim says when or where the story's incident happened and the other
    gives a time or place of an incident act: what the two set side by side."""
    if not (names_the_incident(a) or names_the_incident(b)):
        return None
    (ta, pa), (tb, pb) = incident_moments(a), incident_moments(b)
    if ta and tb:
        return f"when the incident happened ({ta[0].text} / {tb[0].text})"
    if pa and pb:
        return f"where the incident happened ({pa[0].text} / {pb[0].text})"
    return None


def incident_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """The time or place of the incident that one claim names and the other contradicts,
    for two claims ``incident_told`` pairs."""
    (ta, pa), (tb, pb) = incident_moments(a), incident_moments(b)
    return date_conflicts(pair_dates(ta, tb)) + _places_apart(pa, pb)


# -- records ------------------------------------------------------------------------


def same_records(a: Claim, b: Claim) -> list[dict]:
    """One record told by both: the same superlative from the same mark ("the deadliest
    assault since the infamous 2004 Beslan school siege", "the deadliest attack in
    Russia since the 2004 Beslan school siege"). Marks are the same when they share a
    year, a name or every word."""
    return [{"fact": "record", "a": f"{x.superlative} since {x.mark}", "b": f"{y.superlative} since {y.mark}"}
            for x in a.facts.records for y in b.facts.records
            if same_word(x.superlative, y.superlative) and _same_mark(x.mark, y.mark)]


def _same_mark(x: str, y: str) -> bool:
    wx, wy = x.lower().split(), y.lower().split()
    if [w for w in wx if w not in ("the", "a")] == [w for w in wy if w not in ("the", "a")]:
        return True
    telling = {w.lower() for w in x.split()[1:] + x.split()[:1] if w[:1].isdigit() or w[:1].isupper()}
    telling.discard("the")
    return bool(telling & {w.lower() for w in y.split() if w[:1].isdigit() or w[:1].isupper()})


# -- bearings -----------------------------------------------------------------------

_OPPOSED_DEGREES = 90  # north and north-west may be one direction, told loosely; north and west are not


def bearing_pairs(a: Claim, b: Claim) -> list[tuple[Bearing, Bearing]]:
    """Bearings of one named place from one reference place, one from each claim."""
    return [(x, y) for x in a.facts.bearings for y in b.facts.bearings
            if same_actor(x.located.lower(), y.located.lower()) and may_be_one_place(x.reference, y.reference)]


def bearing_conflicts(a: Claim, b: Claim) -> list[Conflict]:
    """One named place put on different sides of one place: "Moscow's northern suburb"
    and "just west of the capital"."""
    for x, y in bearing_pairs(a, b):
        gap = abs(x.degrees - y.degrees) % 360
        if min(gap, 360 - gap) >= _OPPOSED_DEGREES:
            return [Conflict("place", f"{x.direction} ({x.reference})", f"{y.direction} ({y.reference})",
                             f"which way {x.located} lies")]
    return []


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
    named = [e for e in claim.facts.entities
             if e.label in ACTOR_LABELS and e.text and (e.text in phrase or phrase in e.text)]
    if not named:
        return ""
    # The entity the phrase is about: the one holding its head word ("EU border agency
    # FRONTEX" is Frontex), else the longest.
    head = phrase.split()[-1]
    entity = next((e for e in named if head in e.text.split()), max(named, key=lambda e: len(e.text)))
    if entity.label == "NORP":
        return ""  # "the jihadist group": a description, not a name
    return (entity.canonical or entity.text).lower()


def same_actor(x: str, y: str) -> bool:
    """Names that may refer to one actor: equal, one inside the other ("Blinken" in
    "Antony Blinken"), or heads that are the same word."""
    if x == y or x in y or y in x:
        return True
    return same_word(x.split()[-1], y.split()[-1])


def shared_act(a: Claim, b: Claim, other_clauses: bool = False) -> dict | None:
    """The same act said of the same doer or done to the same thing: "no one was wearing
    a life jacket" and "none of the survivors wore a life jacket" (wear, life jacket).

    With ``other_clauses`` (two claims of one story) the acts of other clauses count
    too ("Video showed the plane attempting a belly landing" and "it attempted an
    emergency belly landing"), by what they were done to. Outside a story they do not:
    two captions of one scene share such acts without stating one fact."""
    main_a, main_b = _main_act(a), _main_act(b)
    found = _one_act(a, b, main_a, main_b, by_doer=True)
    if found is not None or not other_clauses:
        return found
    for x in [main_a, *a.facts.acts]:
        for y in [main_b, *b.facts.acts]:
            if (x is not main_a or y is not main_b) and (found := _one_act(a, b, x, y, by_doer=False)) is not None:
                return found
    return None


def _main_act(claim: Claim) -> Act:
    f = claim.facts
    return Act(predicate=f.predicate or "", subject=f.subject, object=f.object)


def _one_act(a: Claim, b: Claim, x: Act, y: Act, by_doer: bool) -> dict | None:
    if not (x.predicate and y.predicate and same_word(x.predicate, y.predicate)):
        return None
    if x.predicate.lower() in LIGHT_VERBS:
        return None
    sa, sb = _name(a, x.subject), _name(b, y.subject)
    if by_doer and sa and sb and same_actor(sa, sb):
        return {"fact": "act", "a": f"{x.subject} {x.predicate}", "b": f"{y.subject} {y.predicate}"}
    ha, hb = _head(x.subject or ""), _head(y.subject or "")
    doers_differ = ha and hb and ha not in PRONOUNS and hb not in PRONOUNS and not same_word(ha, hb)
    if doers_differ:
        return None  # "a man is cutting onions", "a woman is cutting an onion"
    if x.object and y.object and _head(x.object) and same_word(_head(x.object), _head(y.object)):
        return {"fact": "act", "a": f"{x.predicate} {x.object}", "b": f"{y.predicate} {y.object}"}
    return None


def _head(phrase: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", phrase)]
    return words[-1].lower() if words else ""


def same_predicate(a: Claim, b: Claim) -> bool:
    """The same act, named by a verb of its own (not "is", "has", "set")."""
    pa, pb = (a.facts.predicate or "").lower(), (b.facts.predicate or "").lower()
    return bool(pa and pb) and pa not in LIGHT_VERBS and same_word(pa, pb)


def same_subject(a: Claim, b: Claim) -> bool:
    """Both claims are about one definite thing: "the summit will take place in Geneva"
    and "the summit will be held in Vienna" speak of the same summit."""
    # A passive claim without its doer is about what it names ("the summit will be held").
    sa, sb = ((c.facts.subject or c.facts.object or "").lower() for c in (a, b))
    if not (sa.startswith("the ") and sb.startswith("the ")):
        return False
    ha, hb = _head(sa), _head(sb)
    return bool(ha) and ha not in PRONOUNS and same_word(ha, hb)
