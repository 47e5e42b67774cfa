"""Same event first: before two claims can contradict, they must be about one thing.

Figures reported at different times, figures of different scopes (one day's toll vs a
cumulative toll; visits to a country vs tours of a region) and accounts of different
events are *related*, never contradictory. ``assess`` says which, in words that go
straight into the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.models import Claim
from service.relate import places, slots
from service.relate.lexicon import (
    CUMULATIVE_SCOPE,
    CUMULATIVE_SCOPE_PHRASES,
    LIGHT_VERBS,
    NEGATION_CUES,
    REGION_WORDS,
    REPORTING,
    SINGLE_SCOPE,
    SINGLE_SCOPE_PHRASES,
    SYNONYMS,
    same_word,
)


@dataclass(frozen=True)
class Thresholds:
    """Where the classifier draws its lines; tuned on SICK TRAIN (see docs/quality.md)."""

    same_overlap: float = 0.5  # share of the shorter claim's content words the other has
    same_similarity: float = 0.75  # or embeddings this close
    opposition_overlap: float = 0.9  # a negation or antonym must oppose the same content
    strong_overlap: float = 0.6  # dated differently yet this close: a date conflict...
    strong_similarity: float = 0.7  # ...rather than two events
    inside_overlap: float = 0.85  # or one claim lies this far inside the other (a premise paragraph)
    agree_similarity: float = 0.85
    agree_overlap: float = 1.0  # complete overlap agrees at a lower similarity
    agree_overlap_similarity: float = 0.6
    agree_act_similarity: float = 0.7  # the same act between the same actors agrees from here


@dataclass
class EventMatch:
    overlap: float
    shared: list[str] = field(default_factory=list)  # shared content lemmas, as a has them
    actors: list[str] = field(default_factory=list)  # shared actors, by canonical name
    difference: str | None = None  # why these are different events or scopes
    same_act: bool = False  # two or more shared actors and the same act between them
    same: bool = False


def assess(a: Claim, b: Claim, similarity: float, thresholds: Thresholds) -> EventMatch:
    ca, cb = content_words(a), content_words(b)
    shared, overlap = word_overlap(ca, cb)
    match = EventMatch(overlap=overlap, shared=shared, actors=shared_actors(a, b))
    match.same_act = len(match.actors) >= 2 and (same_act(a, cb) or same_act(b, ca))
    close = overlap >= thresholds.inside_overlap or (
        overlap >= thresholds.strong_overlap and similarity >= thresholds.strong_similarity
    )
    match.difference = scope_difference(a, b) or time_difference(a, b, close)
    match.same = match.difference is None and (
        overlap >= thresholds.same_overlap or similarity >= thresholds.same_similarity or match.same_act
    )
    return match


def same_act(claim: Claim, other_words: list[str]) -> bool:
    """Does the other claim name this claim's act ("meet" / "meetings")? Light verbs
    ("be", "have", "set") name no act of their own."""
    verb = (claim.facts.predicate or "").lower()
    return bool(verb) and verb not in LIGHT_VERBS and any(same_word(verb, w) for w in other_words)


def content_words(claim: Claim) -> list[str]:
    """The claim's content lemmas, in order, once: less reporting verbs, negations and
    the words naming who reports it ("Iran's army denies firing" is about firing)."""
    source = set(_source(claim).lower().replace("'s", " ").replace("’s", " ").split())
    seen = []
    for lemma in claim.facts.lemmas:
        lemma = lemma.lower()
        if lemma not in REPORTING and lemma not in NEGATION_CUES and lemma not in source and lemma not in seen:
            seen.append(lemma)
    return seen


def _source(claim: Claim) -> str:
    """Who the claim is attributed to, or the subject of a reporting verb ("X denies")."""
    facts = claim.facts
    if facts.attribution:
        return facts.attribution
    reports = (facts.predicate or "").lower() in REPORTING
    return (facts.subject or "") if reports else ""


def shared_actors(a: Claim, b: Claim) -> list[str]:
    names_b = {_actor(e) for e in b.facts.entities if e.label in slots.ACTOR_LABELS}
    found = []
    for entity in a.facts.entities:
        name = _actor(entity)
        if entity.label in slots.ACTOR_LABELS and name not in found and any(slots.same_actor(name, n) for n in names_b):
            found.append(name)
    return found


def _actor(entity) -> str:
    return (entity.canonical or entity.text).lower()


def word_overlap(ca: list[str], cb: list[str]) -> tuple[list[str], float]:
    """The words of ``ca`` that ``cb`` shares, and the share of the shorter claim's
    words that the other has (so a claim inside a longer one overlaps fully)."""
    shared = [x for x in ca if any(same_word(x, y) for y in cb)]
    shared_b = [y for y in cb if any(same_word(x, y) for x in ca)]
    return shared, max(_share(shared, ca), _share(shared_b, cb))


def _share(part: list[str], whole: list[str]) -> float:
    return len(part) / len(whole) if whole else 0.0


# -- scopes ------------------------------------------------------------------------


def scope_difference(a: Claim, b: Claim) -> str | None:
    """Figures of different scopes: one day vs a running total, a country vs a region."""
    if not (slots.figures(a) and slots.figures(b)):
        return None
    sa, sb = _time_scope(a), _time_scope(b)
    if sa != sb and "cumulative" in (sa, sb):
        noun = _figure_noun(a, b)
        single = f"a single day's {noun}" if "single" in (sa, sb) else f"a {noun} for one report"
        first, second = (single, f"a cumulative {noun}") if sb == "cumulative" else (f"a cumulative {noun}", single)
        return f"different scopes ({first} vs {second})"
    ra, rb = _region_scope(a), _region_scope(b)
    if ra and rb and ra != rb:
        return f"different scopes ({ra} vs {rb})"
    return None


def _time_scope(claim: Claim) -> str | None:
    text = claim.text.lower()
    words = set(claim.facts.lemmas) | set(text.split())
    if words & CUMULATIVE_SCOPE or any(p in text for p in CUMULATIVE_SCOPE_PHRASES):
        return "cumulative"
    if words & SINGLE_SCOPE or any(p in text for p in SINGLE_SCOPE_PHRASES):
        return "single"
    return None


def _region_scope(claim: Claim) -> str | None:
    """What a figure covers: "the region" when the claim says so, else its first country."""
    text = claim.text.lower()
    if any(f" {w} " in f" {text} " for w in REGION_WORDS):
        return "the region"
    for entity in claim.facts.entities:
        if entity.label in slots.PLACE_LABELS:
            place = places.resolve(entity.canonical or entity.text)
            if place is not None:
                return place.name
    return None


def _figure_noun(a: Claim, b: Claim) -> str:
    casualties = next(group for group in SYNONYMS if "kill" in group)
    counted = " ".join(q.counts for q in a.facts.quantities + b.facts.quantities).lower().split()
    words = set(counted) | set(a.facts.lemmas) | set(b.facts.lemmas)
    return "toll" if words & casualties else "figure"


# -- times -------------------------------------------------------------------------


def time_difference(a: Claim, b: Claim, close: bool) -> str | None:
    """Dated apart: figures reported at different times, or different events — unless
    the claims are otherwise so close that the dates themselves are what conflicts."""
    apart = slots.dates_disjoint(a, b)
    if apart is None:
        return None
    if slots.figures(a) and slots.figures(b):
        return f"figures reported at different times ({apart[0]} vs {apart[1]})"
    if close:
        return None
    return f"different events ({apart[0]} vs {apart[1]})"
