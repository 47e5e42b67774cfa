"""Plain data that travels between the pipeline stages.

Each stage takes one of these and returns the next (see DESIGN.md):

    Article -> CleanedText -> [Segment] -> [Claim] (+ vectors) -> [Candidate] -> [Relation]

Nothing here knows about SQLite, Flask or models. Every object round-trips through
``to_dict``/``from_dict`` so the store can keep facts as JSON and the relate stage can
compare a new claim with a stored one on equal terms.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

BLOCK_KINDS = ("paragraph", "heading", "list_item", "table_row")
CLAIM_KINDS = ("event", "quantity", "quote", "opinion", "prediction")
RELATION_KINDS = ("agreement", "contradiction", "related")
CONFLICT_TYPES = (
    "number",
    "date",
    "time",
    "place",
    "actor",
    "negation",
    "antonym",
    "outcome",
    "count",
    "attribution",
    "other",
)
REVIEW_STATUSES = ("suggested", "confirmed", "rejected")


class _Plain:
    """Mixin: dict round-trip that ignores unknown keys (older stored JSON keeps loading)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None):
        data = data or {}
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Article(_Plain):
    """What a client posts: plain text or HTML, and what it knows about the source."""

    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published_at: str | None = None  # ISO 8601 date or datetime
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Block(_Plain):
    """A structural unit of cleaned text: ``text[start:end]`` is its content.

    ``context`` carries what a reader sees around it and a claim needs: the heading
    above a paragraph, or a table's header cells for a row.
    """

    kind: str  # one of BLOCK_KINDS
    start: int
    end: int
    context: str = ""


@dataclass
class CleanedText(_Plain):
    """The article as plain text with its structure; all spans point into ``text``."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None

    @classmethod
    def from_dict(cls, data):
        data = dict(data or {})
        data["blocks"] = [Block.from_dict(b) for b in data.get("blocks", [])]
        return super().from_dict(data)


@dataclass
class Segment(_Plain):
    """One candidate claim: ``text`` is the cleaned text's ``[start, end)`` slice
    (possibly trimmed), ``context`` what it needs to be read alone (heading, row header)."""

    text: str
    start: int
    end: int
    block_kind: str = "paragraph"
    context: str = ""
    analysis: Any = field(default=None, repr=False, compare=False)  # the spaCy Span, if parsed

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "analysis"}


@dataclass
class Entity(_Plain):
    """A named actor, place or thing; ``canonical`` is what to compare across documents."""

    text: str  # as written
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    canonical: str = ""  # the document's fullest name for it ("Antony Blinken")


@dataclass
class QuantityInterval(_Plain):
    """A figure as the interval it asserts: "300+" is [300, inf), "nearly 200" is [180, 200).

    "about 1,000" is [900, 1100] and "dozens" [24, 99], both ``approximate``; "up to 50"
    is (None, 50]; "between 30 and 40" is [30, 40].
    ``None`` bounds are open ends. ``counts`` names what is counted or measured
    ("palestinians killed", "missiles", "hours"), ``ordinal`` marks "11th" or "eleventh".
    """

    low: float | None
    high: float | None
    counts: str = ""
    text: str = ""
    ordinal: bool = False
    approximate: bool = False
    value: float | None = None  # the figure as written ("at least 44" -> 44); None for ranges
    # "all" when the figure is the whole group ("all 175 passengers"), "all but" when it is
    # what the whole leaves out ("all but two passengers": two are not among the killed)
    share: str = ""

    @property
    def nominal(self) -> float | None:
        """The figure the text gives: ``value``, else the one bound a closed point has."""
        if self.value is not None:
            return self.value
        return self.low if self.low is not None and self.low == self.high else None

    def overlaps(self, other: QuantityInterval) -> bool:
        lo = max(_lo(self.low), _lo(other.low))
        hi = min(_hi(self.high), _hi(other.high))
        return lo <= hi


def _lo(v: float | None) -> float:
    return float("-inf") if v is None else v


def _hi(v: float | None) -> float:
    return float("inf") if v is None else v


@dataclass
class AnchoredDate(_Plain):
    """A date or time expression resolved against the publication date.

    ``start``/``end`` are ISO 8601 (dates, or datetimes with offset when a time is
    known) and bound the range the expression allows; ``granularity`` is one of
    "time", "day", "week", "month", "year". A clock time whose day the claim does not
    name is a time alone with its zone ("04:00:00+00:00" for "04:00 GMT", "07:30:00+03:30"
    for "07:30 in Tehran"); relative expressions without a publication date are left out.
    """

    text: str
    start: str
    end: str
    granularity: str = "day"
    act: str = ""  # the verb it dates ("crashed at 9:03" -> "crash"): a claim may date several acts


@dataclass
class PlaceFact(_Plain):
    """A place a claim names, resolved in the gazetteer where it can be.

    ``role`` is how it relates to what happened, read off its preposition: "at" (where:
    "in Gaza", "off Pylos"), "from" or "to" (a journey's ends), or "" (a name only).
    ``country`` is an ISO 3166 code and ``kind`` "city", "country" or "" when unknown.
    """

    text: str
    name: str = ""
    kind: str = ""
    country: str = ""
    role: str = ""
    act: str = ""  # the verb it places ("sank in the Aegean" -> "sink")


@dataclass
class Outcome(_Plain):
    """What became of something that has an outcome: "reached" or "not reached"."""

    topic: str  # the lemma of the thing ("ceasefire", "motion")
    state: str  # "reached" | "not reached"
    word: str  # the word that says so, as written ("resisting", "agreed")


@dataclass
class Bearing(_Plain):
    """Which way a named place lies from another: "Crocus City Hall, located just west of
    the capital" is ``Bearing("west", 270.0, "capital", "Crocus City Hall")``."""

    direction: str  # as written: "west", "northern", "south-southwest"
    degrees: float  # clockwise from north
    reference: str  # the place it is reckoned from, as written, without "the"
    located: str  # the named place it locates


@dataclass
class Act(_Plain):
    """An act a claim states besides its main one, or within it: "Video showed the plane
    attempting a belly landing" states an attempt at a belly landing."""

    predicate: str  # the verb's lemma
    subject: str | None = None
    object: str | None = None


@dataclass
class Record(_Plain):
    """ "the deadliest attack since the 2004 Beslan siege": a superlative (as a lemma,
    "deadly") and the mark it is measured from, as written."""

    superlative: str
    mark: str


@dataclass
class Facts(_Plain):
    """What a claim asserts, in comparable form: everything the relate stage reads."""

    entities: list[Entity] = field(default_factory=list)
    quantities: list[QuantityInterval] = field(default_factory=list)
    dates: list[AnchoredDate] = field(default_factory=list)
    polarity: str = "affirmed"  # or "negated"
    negation_cues: list[str] = field(default_factory=list)  # "no", "not", "denied", "refused", ... as written
    negated: list[str] = field(default_factory=list)  # lemmas of what the cues deny ("death" in "no deaths")
    attribution: str | None = None  # who says it ("Hochstein", "sources", "the ministry")
    subject: str | None = None  # of the main clause, or of the reported clause when attributed
    predicate: str | None = None  # lemma of the main verb ("meet" in "is set to meet")
    object: str | None = None
    lemmas: list[str] = field(default_factory=list)  # content-word lemmas, for overlap
    scope: str | None = None  # "single" (one day's figure) or "cumulative" (a running total)
    region: bool = False  # speaks of a region ("across the Middle East") rather than one country
    places: list[PlaceFact] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    bearings: list[Bearing] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)  # the acts of its other clauses, with their objects

    @classmethod
    def from_dict(cls, data):
        data = dict(data or {})
        data["places"] = [PlaceFact.from_dict(p) for p in data.get("places", [])]
        data["bearings"] = [Bearing.from_dict(b) for b in data.get("bearings", [])]
        data["records"] = [Record.from_dict(r) for r in data.get("records", [])]
        data["acts"] = [Act.from_dict(a) for a in data.get("acts", [])]
        data["outcomes"] = [Outcome.from_dict(o) for o in data.get("outcomes", [])]
        data["entities"] = [Entity.from_dict(e) for e in data.get("entities", [])]
        data["quantities"] = [QuantityInterval.from_dict(q) for q in data.get("quantities", [])]
        data["dates"] = [AnchoredDate.from_dict(d) for d in data.get("dates", [])]
        return super().from_dict(data)


@dataclass
class Claim(_Plain):
    """A checkable statement with its facts. ``span`` is ``[start, end)`` into the
    document's cleaned text. ``id``/``document_id``/``source`` are set once stored."""

    text: str
    span: tuple[int, int]
    kind: str = "event"
    checkworthiness: float = 0.0
    facts: Facts = field(default_factory=Facts)
    event_date: str | None = None
    context: str = ""
    id: str | None = None
    document_id: str | None = None
    source: str | None = None
    published_at: str | None = None
    story_id: str | None = None  # the document's story; None when not known (e.g. /v1/compare)

    @classmethod
    def from_dict(cls, data):
        data = dict(data or {})
        data["facts"] = Facts.from_dict(data.get("facts"))
        data["span"] = tuple(data.get("span", (0, 0)))
        return super().from_dict(data)


@dataclass
class Conflict(_Plain):
    """One way two claims disagree: ``a`` and ``b`` are the two values as written."""

    type: str  # one of CONFLICT_TYPES
    a: str
    b: str
    about: str = ""


@dataclass
class Verdict(_Plain):
    """The relate stage's answer for one pair of claims."""

    kind: str  # one of RELATION_KINDS
    confidence: float
    explanation: str
    conflicts: list[Conflict] = field(default_factory=list)
    # Why: the aligned facts and their values, the same-event reasoning, the checks that
    # ran or were skipped and their thresholds. Plain JSON, stored with the relation.
    evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data):
        data = dict(data or {})
        data["conflicts"] = [Conflict.from_dict(c) for c in data.get("conflicts", [])]
        return super().from_dict(data)


@dataclass
class Candidate(_Plain):
    """A claim of another document found near a new claim, with how near."""

    claim: Claim
    similarity: float  # cosine of the embeddings
    score: float  # similarity re-scored with lexical, entity and number overlap
    # Found only by the wider search within the claim's story (not the top-k): worth
    # storing only when the verdict is decisive (agreement or contradiction).
    widened: bool = False


@dataclass
class Document(_Plain):
    id: str
    text: str
    content_hash: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published_at: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    claims_count: int = 0
    created_at: str | None = None
    story_id: str | None = None


@dataclass
class Story(_Plain):
    """Documents that report one incident, as a reader sees them.

    ``first_seen``/``last_seen`` bound its documents' dates (each document's
    publication date, or the day its claims report when it has none).
    """

    id: str
    title: str
    first_seen: str | None = None
    last_seen: str | None = None
    documents_count: int = 0
    sources: list[str] = field(default_factory=list)
    # relations between two of its documents, by kind
    relations: dict[str, int] = field(default_factory=lambda: {k: 0 for k in RELATION_KINDS})
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class StoryState:
    """What assigning a document to a story needs to know about the story, kept up to
    date at every ingest and delete: its dates, its size, the sum of its documents'
    vectors (the centroid, unnormalised) and how many of its documents name each name."""

    id: str
    first_seen: str | None
    last_seen: str | None
    documents_count: int
    vector_sum: Any  # numpy float32 vector
    names: dict[str, int] = field(default_factory=dict)


@dataclass
class StoryMember:
    """What one document brings to its story; stored with the document so that deleting
    it (or re-assigning stories) can take exactly this back out of the story."""

    story_id: str
    vector: Any  # numpy float32 unit vector, or None for a document without claims
    names: list[str] = field(default_factory=list)
    date: str | None = None  # YYYY-MM-DD
    headline: str = ""  # the story's title when this document is its first


@dataclass
class SourceVersus(_Plain):
    """How often one source's claims agree and conflict with another's."""

    source: str | None
    agreements: int = 0
    contradictions: int = 0


@dataclass
class SourceStats(_Plain):
    """One source's documents and claims, and its agreements and contradictions with each other source."""

    source: str | None
    documents: int
    claims: int
    versus: list[SourceVersus] = field(default_factory=list)


@dataclass
class Relation(_Plain):
    """A stored verdict between two claims of different documents.

    ``claim_a`` is the claim that arrived later (the one whose ingest found the pair).
    """

    id: str
    claim_a_id: str
    claim_b_id: str
    kind: str
    confidence: float
    similarity: float
    explanation: str
    conflicts: list[Conflict] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    status: str = "suggested"
    note: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    reviewed_kind: str | None = None  # the kind a person confirmed or rejected (a re-analysis may change kind)
    claim_a: Claim | None = None
    claim_b: Claim | None = None


def finite(value):
    """``value`` with every NaN or infinity made None, in lists and dicts too: strict
    JSON (what the API answers and what PostgreSQL's jsonb keeps) has neither."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value
