"""The shapes of the HTTP API: request bodies and queries (validated), responses (documented).

Pydantic models are the one description of each shape: requests are validated
through them, and /v1/openapi.json is generated from them, so the contract and the
code cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.models import CONFLICT_TYPES, RELATION_KINDS, REVIEW_STATUSES

RelationKind = Literal["agreement", "contradiction", "related"]
ReviewStatus = Literal["suggested", "confirmed", "rejected"]
assert set(RelationKind.__args__) == set(RELATION_KINDS)  # type: ignore[attr-defined]
assert set(ReviewStatus.__args__) == set(REVIEW_STATUSES)  # type: ignore[attr-defined]


def iso_timestamp(value: str | None) -> str | None:
    """Accept an ISO 8601 date or datetime; return it in canonical ISO form."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise ValueError("must be an ISO 8601 date or datetime, e.g. 2024-07-27 or 2024-07-27T10:00:00Z") from None


class _Input(BaseModel):
    """Strict enough to reject what the store cannot keep (lone surrogates, NUL bytes)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise ValueError("must not contain NUL characters")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("must be valid Unicode text") from None
        return value


class DocumentIn(_Input):
    text: str | None = Field(None, description="The article as plain text (may carry stray markup).")
    html: str | None = Field(None, description="The article as HTML.")
    url: str | None = Field(None, max_length=2048)
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=200, description="Outlet or feed the article came from.")
    published_at: str | None = Field(None, description="ISO 8601 date or datetime; relative dates anchor to it.")
    metadata: dict[str, Any] | None = None

    check_published_at = field_validator("published_at")(lambda cls, v: iso_timestamp(v))

    @model_validator(mode="after")
    def _one_body(self):
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        if not (self.text or self.html or "").strip():
            raise ValueError("the article is empty")
        return self


class BatchIn(_Input):
    documents: list[dict[str, Any]] = Field(..., min_length=1, description="Articles, each as for POST /v1/documents.")


class ReviewIn(_Input):
    status: ReviewStatus
    note: str | None = Field(None, max_length=10_000)


class CheckIn(_Input):
    text: str = Field(..., min_length=1)
    published_at: str | None = None

    check_published_at = field_validator("published_at")(lambda cls, v: iso_timestamp(v))


class CompareIn(_Input):
    a: str = Field(..., min_length=1)
    b: str = Field(..., min_length=1)
    a_published_at: str | None = None
    b_published_at: str | None = None

    check_published_at = field_validator("a_published_at", "b_published_at")(lambda cls, v: iso_timestamp(v))


# -- queries ---------------------------------------------------------------------------


class PageQuery(_Input):
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page.")


class DocumentsQuery(PageQuery):
    source: str | None = None
    since: str | None = Field(None, description="published on or after (ISO 8601)")
    until: str | None = Field(None, description="published on or before (ISO 8601)")
    story: str | None = Field(None, description="only the documents of this story")

    check_range = field_validator("since", "until")(lambda cls, v: iso_timestamp(v))


class StoriesQuery(PageQuery):
    source: str | None = Field(None, description="stories with a document of this source")
    since: str | None = Field(None, description="stories seen on or after this day (ISO 8601)")
    until: str | None = Field(None, description="stories seen on or before this day (ISO 8601)")
    min_documents: int | None = Field(None, ge=1, description="stories of at least this many documents")

    check_range = field_validator("since", "until")(lambda cls, v: iso_timestamp(v))


class StoryQuery(_Input):
    limit: int = Field(100, ge=1, le=500, description="at most this many documents, timeline claims, agreements "
                                                      "and contradictions each")


class RelationsQuery(PageQuery):
    kind: RelationKind | None = None
    conflict: Literal[CONFLICT_TYPES] | None = None  # type: ignore[valid-type]
    document: str | None = None
    story: str | None = Field(None, description="relations between two documents of this story")
    source: str | None = None
    status: ReviewStatus | None = None
    min_confidence: float | None = Field(None, ge=0, le=1)


class SearchQuery(_Input):
    q: str = Field(..., min_length=1, max_length=2000)
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
