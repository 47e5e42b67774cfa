"""The shapes of the HTTP API: request bodies and queries (validated), responses (documented).

Pydantic models are the one description of each shape: requests are validated
through them, and /v1/openapi.json is generated from them, so the contract and the
code cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from service.models import CONFLICT_TYPES, RELATION_KINDS, REVIEW_STATUSES
from service.store import CURSOR_PATTERN, JOB_STATES

RelationKind = Literal["agreement", "contradiction", "related"]
ReviewStatus = Literal["suggested", "confirmed", "rejected"]
JobState = Literal["queued", "running", "done", "failed"]
assert set(RelationKind.__args__) == set(RELATION_KINDS)  # type: ignore[attr-defined]
assert set(ReviewStatus.__args__) == set(REVIEW_STATUSES)  # type: ignore[attr-defined]
assert set(JobState.__args__) == set(JOB_STATES)  # type: ignore[attr-defined]


# What each kind of input string may hold, as JSON Schema patterns (Python ``re.search``
# semantics, which are also how requests are checked): the OpenAPI document says
# exactly what the service takes, so generated clients and fuzzers agree with it.
NO_NUL = r"^[^\x00]*$"  # SQLite and most clients cannot keep a NUL character
HAS_WORD = r"^(?=[\s\S]*[^\W_])[^\x00]*$"  # and at least one letter or digit, in any script
_YEAR = r"(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DATE = (rf"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
         rf"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)")
_TIME = (r"[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
         r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?")
ISO_8601 = rf"^{_DATE}(?:{_TIME})?$"  # a calendar date, or one with a time and an optional offset
ISO_HELP = ("ISO 8601 date (2024-07-27) or date and time (2024-07-27T10:00, 2024-07-27T10:00:00.5+02:00, "
            "2024-07-27 10:00:00Z, 2024-07-27T10:00-0500), years 0001 to 9999; fractions beyond microseconds "
            "are dropped")
# What the pattern cannot say: the words must be outside markup.
_LEFT_AFTER_CLEANING = ("Some of its letters or digits must remain once markup and boilerplate are removed "
                        "(only tags or character references is a 422).")
SQLITE_MAX_INT = 2**63 - 1  # the largest integer a query parameter can be compared with in the store

PATTERN_ERRORS = {
    NO_NUL: "must not contain NUL characters",
    HAS_WORD: "must hold at least one letter or digit, and no NUL characters",
    CURSOR_PATTERN: "is not a cursor this service handed out (a next_cursor value)",
    ISO_8601: "must be an ISO 8601 date or datetime, e.g. 2024-07-27 or 2024-07-27T10:00:00Z",
}


def iso_timestamp(value: str | None) -> str | None:
    """An ``ISO_8601`` string in canonical ISO form."""
    if value is None:
        return None
    text = value.strip()  # the pattern's ``$`` admits one trailing newline
    if len(text) == 10:
        return date.fromisoformat(text).isoformat()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()


def _text(pattern: str = NO_NUL, **field) -> Any:
    """A string field that must match ``pattern``, which its schema documents."""
    return Field(json_schema_extra={"pattern": pattern}, **field)


def _timestamp(meaning: str = "", **field) -> Any:
    return _text(ISO_8601, description=f"{meaning}: {ISO_HELP}" if meaning else ISO_HELP, **field)


class _Input(BaseModel):
    """Strict enough to reject what the store cannot keep (lone surrogates, NUL
    characters, non-finite numbers); each string field is checked against the pattern
    its schema documents, so the schema and the checks cannot disagree."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _documented_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str):
            return value
        if "\x00" in value:
            raise ValueError(PATTERN_ERRORS[NO_NUL])
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
        extra = cls.model_fields[info.field_name].json_schema_extra
        pattern = extra.get("pattern") if isinstance(extra, dict) else None
        if pattern is not None and not re.search(pattern, value):
            raise ValueError(PATTERN_ERRORS[pattern])
        return value


class DocumentIn(_Input):
    """An article: exactly one of text and html."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["text"], "properties": {"text": {"type": "string"}}},
        {"required": ["html"], "properties": {"html": {"type": "string"}}},
    ]})

    text: str | None = _text(HAS_WORD, default=None, description=(
        "The article as plain text (may carry stray markup). " + _LEFT_AFTER_CLEANING))
    html: str | None = _text(HAS_WORD, default=None, description=f"The article as HTML. {_LEFT_AFTER_CLEANING}")
    url: str | None = _text(default=None, max_length=2048)
    title: str | None = _text(default=None, max_length=1000)
    source: str | None = _text(default=None, max_length=200, description="Outlet or feed the article came from.")
    published_at: str | None = _timestamp("relative dates in the article anchor to it", default=None)
    metadata: dict[str, Any] | None = None

    check_published_at = field_validator("published_at")(lambda cls, v: iso_timestamp(v))

    @model_validator(mode="after")
    def _one_body(self):
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class BatchIn(_Input):
    documents: list[dict[str, Any]] = Field(
        ..., min_length=1,
        description="Articles, each as for POST /v1/documents; an invalid one fails alone, in its own result.")


class JobIn(BatchIn):
    """The body of a batch, queued for the workers."""


class ReviewIn(_Input):
    status: ReviewStatus
    note: str | None = _text(default=None, max_length=10_000)


class CheckIn(_Input):
    text: str = _text(min_length=1)
    published_at: str | None = _timestamp(default=None)

    check_published_at = field_validator("published_at")(lambda cls, v: iso_timestamp(v))


class CompareIn(_Input):
    a: str = _text(HAS_WORD, description=_LEFT_AFTER_CLEANING)
    b: str = _text(HAS_WORD, description=_LEFT_AFTER_CLEANING)
    a_published_at: str | None = _timestamp(default=None)
    b_published_at: str | None = _timestamp(default=None)

    check_published_at = field_validator("a_published_at", "b_published_at")(lambda cls, v: iso_timestamp(v))


# -- queries ---------------------------------------------------------------------------


class PageQuery(_Input):
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = _text(CURSOR_PATTERN, default=None, description="next_cursor of the previous page.")


class DocumentsQuery(PageQuery):
    source: str | None = _text(default=None)
    since: str | None = _timestamp("published on or after", default=None)
    until: str | None = _timestamp("published on or before", default=None)
    story: str | None = _text(default=None, description="only the documents of this story")

    check_range = field_validator("since", "until")(lambda cls, v: iso_timestamp(v))


class StoriesQuery(PageQuery):
    source: str | None = _text(default=None, description="stories with a document of this source")
    since: str | None = _timestamp("stories seen on or after this day", default=None)
    until: str | None = _timestamp("stories seen on or before this day", default=None)
    min_documents: int | None = Field(None, ge=1, le=SQLITE_MAX_INT,
                                      description="stories of at least this many documents")

    check_range = field_validator("since", "until")(lambda cls, v: iso_timestamp(v))


class StoryQuery(_Input):
    limit: int = Field(100, ge=1, le=500, description="at most this many documents, timeline claims, agreements "
                                                      "and contradictions each")


class RelationsQuery(PageQuery):
    kind: RelationKind | None = None
    conflict: Literal[CONFLICT_TYPES] | None = None  # type: ignore[valid-type]
    document: str | None = _text(default=None)
    story: str | None = _text(default=None, description="relations between two documents of this story")
    source: str | None = _text(default=None)
    status: ReviewStatus | None = None
    min_confidence: float | None = Field(None, ge=0, le=1)


class SearchQuery(_Input):
    q: str = _text(min_length=1, max_length=2000)
    limit: int = Field(10, ge=1, le=500)


# -- responses ---------------------------------------------------------------------------

EVIDENCE = ("What the verdict rests on: the aligned facts with their values, why the two claims are or are not "
            "the same event, the checks that ran or were skipped and their thresholds.")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] = []


class DocumentOut(BaseModel):
    id: str
    url: str | None
    title: str | None
    source: str | None
    published_at: str | None
    text: str | None = Field(None, description="The cleaned text; omitted in lists.")
    claims_count: int
    content_hash: str
    created_at: str | None
    metadata: dict[str, Any] = {}
    story_id: str | None = Field(None, description="the story (incident) the document reports on")


class ClaimOut(BaseModel):
    id: str | None
    document_id: str | None
    source: str | None
    text: str
    span: list[int] = Field(..., description="[start, end) character offsets into the document's cleaned text")
    kind: str
    checkworthiness: float
    facts: dict[str, Any]
    event_date: str | None
    context: str = ""
    story_id: str | None = Field(None, description="its document's story")


class ConflictOut(BaseModel):
    type: str
    a: str
    b: str
    about: str


class RelationOut(BaseModel):
    id: str
    kind: RelationKind
    confidence: float
    similarity: float
    conflicts: list[ConflictOut]
    explanation: str
    evidence: dict[str, Any] = Field(default_factory=dict, description=EVIDENCE)
    status: ReviewStatus
    note: str | None
    reviewed_kind: RelationKind | None = Field(None, description="the kind the person confirmed or rejected")
    review_outdated: bool = Field(False, description="a re-analysis has changed the kind since the review")
    claim_a: ClaimOut
    claim_b: ClaimOut
    created_at: str | None
    updated_at: str | None


class RelationCounts(BaseModel):
    agreement: int
    contradiction: int
    related: int


class IngestOut(DocumentOut):
    claims: int
    relations: RelationCounts
    duplicate: bool


class BatchItemOut(BaseModel):
    status: int
    result: IngestOut | None = None
    problem: Problem | None = None


class BatchOut(BaseModel):
    data: list[BatchItemOut]


class JobItemOut(BaseModel):
    status: int | None = Field(None, description="as in a batch's results; null while the item waits")
    result: IngestOut | None = None
    problem: Problem | None = None


class JobProgress(BaseModel):
    total: int = Field(..., description="documents in the job")
    done: int = Field(..., description="documents with a result (stored, duplicate or failed)")
    failed: int = Field(..., description="documents whose result is an error")


class JobOut(BaseModel):
    id: str
    state: JobState = Field(
        ..., description="queued: waiting for a worker; running: a worker holds it; done: every document has its "
                         "result; failed: its workers stopped too often (see error)")
    progress: JobProgress
    attempts: int = Field(..., description="workers that took it up")
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    items: list[JobItemOut] = Field(..., description="one per document, in the order posted")


def _page_of(item: type[BaseModel], name: str) -> type[BaseModel]:
    return type(name, (BaseModel,), {"__annotations__": {"data": list[item], "next_cursor": str | None}})


DocumentPage = _page_of(DocumentOut, "DocumentPage")
ClaimPage = _page_of(ClaimOut, "ClaimPage")
RelationPage = _page_of(RelationOut, "RelationPage")


class VerdictOut(BaseModel):
    kind: RelationKind
    confidence: float
    similarity: float
    conflicts: list[ConflictOut]
    explanation: str
    evidence: dict[str, Any] = Field(default_factory=dict, description=EVIDENCE)


class MatchOut(BaseModel):
    claim: ClaimOut
    relation: VerdictOut


class CheckedClaimOut(BaseModel):
    text: str
    span: list[int]
    kind: str
    checkworthiness: float
    facts: dict[str, Any]
    event_date: str | None
    matches: list[MatchOut]


class CheckOut(BaseModel):
    claims: list[CheckedClaimOut]


class StatementOut(BaseModel):
    text: str
    facts: dict[str, Any]


class CompareOut(VerdictOut):
    a: StatementOut
    b: StatementOut


class SearchHitOut(BaseModel):
    claim: ClaimOut
    document: DocumentOut
    score: float


class SearchOut(BaseModel):
    data: list[SearchHitOut]
    next_cursor: None = None


class StoryOut(BaseModel):
    id: str
    title: str = Field(..., description="its first document's title, or that document's most central claim")
    first_seen: str | None = Field(..., description="the earliest of its documents' dates (YYYY-MM-DD)")
    last_seen: str | None = Field(..., description="the latest of its documents' dates (YYYY-MM-DD)")
    documents_count: int
    sources: list[str]
    relations: RelationCounts = Field(..., description="relations between two of its documents, by kind")
    created_at: str
    updated_at: str


StoryPage = _page_of(StoryOut, "StoryPage")


class StoryDetailOut(StoryOut):
    documents: list[DocumentOut] = Field(..., description="its documents (without text), oldest first")
    timeline: list[ClaimOut] = Field(..., description="its claims that say when, ordered by the day they report")
    agreements: list[RelationOut]
    contradictions: list[RelationOut]


class SourceVersusOut(BaseModel):
    source: str | None
    agreements: int
    contradictions: int


class SourceOut(BaseModel):
    source: str | None
    documents: int
    claims: int
    with_: list[SourceVersusOut] = Field(..., alias="with")


class SourcesOut(BaseModel):
    data: list[SourceOut]


class HealthOut(BaseModel):
    status: str
    version: str


class ReadyOut(BaseModel):
    status: str
    checks: dict[str, bool]
