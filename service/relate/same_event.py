"""Same event first: before two claims can contradict, they must be about one thing.

Figures reported at different times, figures of different scopes (one day's toll vs a
cumulative toll; a country vs the region) and accounts of different events are
*related*, never contradictory. ``assess`` says which, in words that go straight into
the explanation, and records the reasons it weighed.

Stories scope the judgement: claims of one story about the same act are one event
unless their times or scopes differ; claims of two different stories are not, however
alike they sound (``Claim.story_id``; unknown for ``/v1/compare``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.lexicon import NEGATORS, NOT_CONTENT, SYNONYMS, same_word
from service.models import Claim
from service.relate import slots
from service.relate.align import FigurePair, figures_agree


@dataclass(frozen=True)
class Thresholds:
    """Where the classifier draws its lines. The values live in ``Settings``
    (``CROSSFACT_RELATE_*``, see service/config.py); this is the relate stage's view."""

    same_overlap: float
    same_similarity: float
    opposition_overlap: float
    strong_overlap: float
    strong_similarity: float
    inside_overlap: float
    agree_similarity: float
    agree_overlap: float
    agree_overlap_similarity: float
    agree_act_similarity: float
    aligned_similarity: float
    story_similarity: float

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(**{name: getattr(settings, f"relate_{name}") for name in cls.__dataclass_fields__})


@dataclass
class EventMatch:
    overlap: float
    similarity: float = 0.0
    shared: list[str] = field(default_factory=list)  # shared content lemmas, as a has them
    actors: list[str] = field(default_factory=list)  # shared actors, by canonical name
    story: str = "unknown"  # "same", "different" or "unknown"
    difference: str | None = None  # why these are different events or scopes
    same_act: bool = False  # two or more shared actors and the same act between them
    group: str | None = None  # within one story, a group one side counts whole ("all four perpetrators")
    incident: str | None = None  # within one story, both say when or where its incident happened
    located: str | None = None  # both say which way one named place lies from another
    same: bool = False
    reasons: list[str] = field(default_factory=list)  # why ``same`` is what it is


def assess(a: Claim, b: Claim, similarity: float, thresholds: Thresholds, figures: list[FigurePair],
           dates: list[slots.DatePair]) -> EventMatch:
    """Are ``a`` and ``b`` about one event? ``figures`` and ``dates`` are their aligned
    figures and dates (``align.align_figures``, ``slots.align_dates``): the
    same figure on both sides outweighs dates or scope words that differ (the dates
    then speak of different moments of one story, "Friday's crash" and "on Saturday
    the toll rose to 288")."""
    ca, cb = content_words(a), content_words(b)
    shared, overlap = word_overlap(ca, cb)
    match = EventMatch(overlap=overlap, similarity=similarity, shared=shared, actors=shared_actors(a, b),
                       story=story_relation(a, b))
    match.same_act = len(match.actors) >= 2 and (same_act(a, cb) or same_act(b, ca))
    if match.story == "different":
        match.difference = "different stories (the two articles report different incidents)"
        match.reasons.append("the documents belong to different stories")
        return match
    close = overlap >= thresholds.inside_overlap or (
        overlap >= thresholds.strong_overlap and similarity >= thresholds.strong_similarity
    )
    # "The accident occurred in the Ionian Sea" is about the story's incident, whatever
    # scope or day the claims' figures have.
    match.incident = slots.incident_told(a, b) if match.story == "same" else None
    settled = figures_agree(figures) or match.incident
    match.difference = None if settled else scope_difference(a, b) or time_difference(a, b, close, dates)
    if match.difference:
        match.reasons.append(match.difference)
        return match
    if overlap >= thresholds.same_overlap:
        match.reasons.append(f"content overlap {overlap:.2f} >= {thresholds.same_overlap}")
    if similarity >= thresholds.same_similarity:
        match.reasons.append(f"similarity {similarity:.2f} >= {thresholds.same_similarity}")
    if match.same_act:
        match.reasons.append(f"the same act between the same actors ({', '.join(match.actors[:3])})")
    if slots.same_subject(a, b) and similarity >= thresholds.aligned_similarity:
        match.reasons.append(f"the same subject ({a.facts.subject}) at similarity {similarity:.2f} "
                             f">= {thresholds.aligned_similarity}")
    same_figures = [f"{f.a.text} = {f.b.text}" for f in figures if f.judgement == "same"]
    if same_figures and similarity >= thresholds.aligned_similarity:
        match.reasons.append(f"the same figure on both sides ({same_figures[0]}) at similarity "
                             f"{similarity:.2f} >= {thresholds.aligned_similarity}")
    telling = [f"{f.a.text} = {f.b.text}" for f in figures if f.judgement == "same" and f.distinctive]
    telling += [f"{p.a.text} = {p.b.text}" for p in slots.same_times(dates)]
    telling += [f"{r['a']} = {r['b']}" for r in slots.same_records(a, b)]
    if match.story == "same" and telling:
        # Within one incident, a figure no other fact shares by chance ("179", "50 miles")
        # or the same clock time is the same fact, however differently the rest is told.
        match.reasons.append(f"one story, and the same telling value on both sides ({telling[0]})")
    if match.incident:
        match.reasons.append(f"one story, and both say {match.incident}")
    placed = slots.bearing_pairs(a, b)
    if placed:
        match.located = placed[0][0].located
        match.reasons.append(f"both say which way {match.located} lies from {placed[0][0].reference}")
    whole = next((f for f in figures if f.whole and f.judgement == "conflict"), None)
    if match.story == "same" and whole is not None:
        # "All four perpetrators were detained" speaks of every one of them: within one
        # incident, any other account of the perpetrators is about the same people.
        match.group = whole.group
        match.reasons.append(f"one story, and one side counts the whole group ({whole.group})")
    if match.story == "same" and (same_act(a, cb) or same_act(b, ca)) and similarity >= thresholds.story_similarity:
        match.reasons.append(f"one story, the same act, similarity {similarity:.2f} >= {thresholds.story_similarity}")
    match.same = bool(match.reasons)
    if not match.same:
        match.reasons.append(f"overlap {overlap:.2f} < {thresholds.same_overlap} and similarity "
                             f"{similarity:.2f} < {thresholds.same_similarity}, no shared act")
    return match


def story_relation(a: Claim, b: Claim) -> str:
    if not a.story_id or not b.story_id:
        return "unknown"
    return "same" if a.story_id == b.story_id else "different"


def same_act(claim: Claim, other_words: list[str]) -> bool:
    """Does the other claim name this claim's act ("meet" / "meetings")? Light verbs
    ("be", "have", "set") name no act of their own."""
    verb = (claim.facts.predicate or "").lower()
    return bool(verb) and verb not in slots.LIGHT_VERBS and any(same_word(verb, w) for w in other_words)


def content_words(claim: Claim) -> list[str]:
    """The claim's content lemmas, in order, once: less reporting verbs, negations and
    the words naming who reports it ("Iran's army denies firing" is about firing)."""
    source = set(_source(claim).lower().replace("'s", " ").replace("’s", " ").split())
    seen = []
    for lemma in claim.facts.lemmas:
        lemma = lemma.lower()
        if lemma not in NOT_CONTENT and lemma not in NEGATORS and lemma not in source and lemma not in seen:
            seen.append(lemma)
    return seen


def _source(claim: Claim) -> str:
    """Who the claim is attributed to, or the subject of a reporting verb ("X denies")."""
    facts = claim.facts
    if facts.attribution:
        return facts.attribution
    reports = (facts.predicate or "").lower() in NOT_CONTENT
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
    pairs = [(x, y) for x in ca for y in cb if same_word(x, y)]  # each pair once: this runs per candidate
    in_a, in_b = {x for x, _ in pairs}, {y for _, y in pairs}
    shared, shared_b = [x for x in ca if x in in_a], [y for y in cb if y in in_b]
    return shared, max(_share(shared, ca), _share(shared_b, cb))


def _share(part: list[str], whole: list[str]) -> float:
    return len(part) / len(whole) if whole else 0.0


# -- scopes ------------------------------------------------------------------------


def scope_difference(a: Claim, b: Claim) -> str | None:
    """Figures of different scopes: one day vs a running total, a country vs the region."""
    if not (a.facts.quantities and b.facts.quantities):
        return None
    sa, sb = a.facts.scope, b.facts.scope
    if sa != sb and "cumulative" in (sa, sb):
        noun = _figure_noun(a, b)
        single = f"a single day's {noun}" if "single" in (sa, sb) else f"a {noun} for one report"
        first, second = (single, f"a cumulative {noun}") if sb == "cumulative" else (f"a cumulative {noun}", single)
        return f"different scopes ({first} vs {second})"
    ra, rb = _region_scope(a), _region_scope(b)
    if ra and rb and ra != rb and "the region" in (ra, rb):
        return f"different scopes ({ra} vs {rb})"
    return None


def _region_scope(claim: Claim) -> str | None:
    """What a figure covers: "the region" when the claim says so, else its first country."""
    if claim.facts.region:
        return "the region"
    return next((p.name for p in claim.facts.places if p.kind == "country"), None)


def _figure_noun(a: Claim, b: Claim) -> str:
    casualties = next(group for group in SYNONYMS if "kill" in group)
    counted = " ".join(q.counts for q in a.facts.quantities + b.facts.quantities).lower().split()
    words = set(counted) | set(a.facts.lemmas) | set(b.facts.lemmas)
    return "toll" if words & casualties else "figure"


# -- times -------------------------------------------------------------------------


def time_difference(a: Claim, b: Claim, close: bool, dates: list[slots.DatePair]) -> str | None:
    """Dated apart: figures reported at different times, or different events — unless
    the claims are otherwise so close that the dates themselves are what conflicts."""
    apart = slots.dates_disjoint(dates)
    if apart is None:
        return None
    if a.facts.quantities and b.facts.quantities:
        return f"figures reported at different times ({apart[0]} vs {apart[1]})"
    if close:
        return None
    return f"different events ({apart[0]} vs {apart[1]})"


def reported_apart(a: Claim, b: Claim) -> str | None:
    """Published on different days: a figure that grows as a story unfolds (a toll, the
    injured) may differ between the two without either being wrong."""
    pa, pb = (a.published_at or "")[:10], (b.published_at or "")[:10]
    if pa and pb and pa != pb:
        return f"figures reported at different times (published {pa} vs {pb})"
    return None
