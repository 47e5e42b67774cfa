"""Story: which incident a document reports on, decided once, at ingest.

Articles about one incident (a crash, a vote, a visit) form a story. A new document
joins the story it fits best, or starts a new one; nothing already assigned moves
(``crossfact reanalyze`` re-assigns the whole corpus). Three cues decide, each with
a setting (``Settings.story_*``, measured in docs/quality.md by bench/eval_stories.py):

- **time**: its date lies within ``story_window_days`` of the story's dates. News
  about one incident comes out within days; the same people meeting months apart is
  another story (Blinken's January tour and his October visit);
- **names**: it shares at least ``story_min_shared_names`` named actors and places
  (canonical names) with the story. Two disasters are told in the same words, but
  never with the same airline, ship or town;
- **meaning**: the cosine between its vector (the mean of its claims' vectors) and
  the story's centroid is at least ``story_min_similarity``.

Of the stories that pass all three, the closest in meaning wins. A document's date is
its publication date; an undated one takes the day its claims report most often, and
one with neither is placed by names and meaning alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from service.models import Claim, Document, StoryMember, StoryState

# Names that identify an incident: actors, organisations, places, groups, events.
# Dates, figures and titles of works say little about which incident it is.
STORY_NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


@dataclass
class Placement:
    """The story a document goes to, and why: the cosine and shared names it won with."""

    story_id: str | None  # None: a new story
    similarity: float = 0.0
    shared_names: tuple[str, ...] = ()


def document_member(document: Document, claims: list[Claim], vectors: np.ndarray) -> StoryMember:
    """What a document brings to a story (its story id is set once placed)."""
    vector = None
    headline = document.title or ""
    if len(claims):
        mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        if norm > 0:
            vector = (mean / norm).astype(np.float32)
            if not headline:
                # The claim closest to the document's mean says best what it is about.
                headline = claims[int(np.argmax(np.asarray(vectors) @ vector))].text
    return StoryMember(
        story_id="", vector=vector, names=story_names(claims), date=document_date(document, claims),
        headline=headline or document.text[:200],
    )


def story_names(claims: list[Claim]) -> list[str]:
    """The document's names that identify an incident, lower-cased canonical forms."""
    return sorted({
        (e.canonical or e.text).lower() for c in claims for e in c.facts.entities if e.label in STORY_NAME_LABELS
    })


def document_date(document: Document, claims: list[Claim]) -> str | None:
    """Its publication day; else the day its claims report most often; else None."""
    if document.published_at:
        return document.published_at[:10]
    days = Counter(c.event_date for c in claims if c.event_date)
    return days.most_common(1)[0][0] if days else None


def window(day: str | None, settings) -> tuple[str, str] | None:
    """The dates a story must reach for a document of ``day`` to join it."""
    if day is None:
        return None
    d = date.fromisoformat(day)
    width = timedelta(days=settings.story_window_days)
    # Clamped to the calendar: a publication in year 1 or 9999 has no days beyond it.
    start = d - width if d - date.min >= width else date.min
    end = d + width if date.max - d >= width else date.max
    return start.isoformat(), end.isoformat()


def place(member: StoryMember, stories: list[StoryState], settings) -> Placement:
    """The story among ``stories`` that the document joins, or a new one."""
    best = Placement(None)
    if member.vector is None:
        return best
    names = set(member.names)
    reach = window(member.date, settings)
    for story in stories:
        if reach is not None and story.first_seen is not None and not (
            story.first_seen <= reach[1] and story.last_seen >= reach[0]
        ):
            continue
        shared = tuple(sorted(names & set(story.names)))
        if len(shared) < settings.story_min_shared_names:
            continue
        similarity = centroid_similarity(member.vector, story.vector_sum)
        if similarity >= settings.story_min_similarity and similarity > best.similarity:
            best = Placement(story.id, similarity, shared)
    return best


def centroid_similarity(vector: np.ndarray, vector_sum: np.ndarray) -> float:
    norm = float(np.linalg.norm(vector_sum))
    return float(np.dot(vector, vector_sum) / norm) if norm > 0 else 0.0


def joined(story: StoryState | None, member: StoryMember) -> StoryState:
    """The story once ``member`` is in it (a new story when ``story`` is None)."""
    if story is None:
        story = StoryState(member.story_id, None, None, 0, np.zeros_like(member.vector), {})
    dates = [d for d in (story.first_seen, story.last_seen, member.date) if d]
    names = Counter(story.names)
    names.update(member.names)
    return StoryState(
        id=story.id, first_seen=min(dates) if dates else None, last_seen=max(dates) if dates else None,
        documents_count=story.documents_count + 1, vector_sum=_plus(story.vector_sum, member.vector, 1),
        names=dict(names),
    )


def left(story: StoryState, member: StoryMember) -> StoryState:
    """The story once ``member`` has left it; its dates are the caller's to recompute
    from the documents that remain."""
    names = Counter(story.names)
    names.subtract(member.names)
    return StoryState(
        id=story.id, first_seen=story.first_seen, last_seen=story.last_seen,
        documents_count=story.documents_count - 1, vector_sum=_plus(story.vector_sum, member.vector, -1),
        names={n: k for n, k in names.items() if k > 0},
    )


def _plus(total, vector, sign: int):
    if vector is None:
        return total
    if total is None or not np.size(total):
        total = np.zeros_like(vector)
    return (np.asarray(total, dtype=np.float32) + sign * np.asarray(vector, dtype=np.float32)).astype(np.float32)
