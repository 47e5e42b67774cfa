"""The one place where an article travels through the house, stage by stage:

    clean -> segment -> facts -> embed -> story -> match -> relate -> store

Every stage is a plain function over the dataclasses of ``service.models``; this
module only orders them, and owns the models and the vector index that the stages
share. The HTTP API and the CLI both call it; neither knows the stages.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from embeddings.encoder import Encoder
from embeddings.index import one_blas_thread
from service.config import Settings
from service.match import find_candidates
from service import story
from service.models import Article, Claim, CleanedText, Document, Relation, Segment, StoryMember, Verdict
from service.relate import Relater
from service.search import HybridNeighbours, hybrid_search
from service.store import DuplicateDocument, Store
from service.text.clean import clean
from service.text.checkworthiness import score_checkworthiness
from service.text.facts import extract_claims
from service.text.nlp import load_nlp, nlp_loaded
from service.text.segment import segment, segment_many

log = logging.getLogger("crossfact.pipeline")


@dataclass
class Analysis:
    """An article's text after the stages that need no corpus: clean, segment, facts, embed."""

    cleaned: CleanedText
    claims: list[Claim]
    vectors: np.ndarray


@dataclass
class IngestResult:
    document: Document
    duplicate: bool
    relations: dict[str, int] = field(default_factory=lambda: {"agreement": 0, "contradiction": 0, "related": 0})


@dataclass
class Match:
    claim: Claim
    verdict: Verdict
    similarity: float
    score: float
    widened: bool = False  # found only by the wider search within the story (see service.match)


# Names a place, a date and a figure, so that the stages' lazily loaded tables load.
_WARM_UP_TEXT = "Officials in Lyon said on 3 May 2021 that 12 people were hurt. The mayor denied it."


class EmptyArticle(ValueError):
    """Nothing is left of an article once markup and boilerplate are out."""


class EmptyStatement(EmptyArticle):
    """A statement to compare is empty once cleaned; ``field`` says which one."""

    def __init__(self, field: str):
        super().__init__(f"'{field}' has no text once markup is removed")
        self.field = field


def content_hash(cleaned_text: str) -> str:
    """Same words, same hash: case and whitespace do not make a new document."""
    normal = re.sub(r"\s+", " ", cleaned_text).strip().lower()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _remembered(relate, verdicts: dict, claim: Claim, other: Claim, similarity: float) -> Verdict:
    """``relate``'s verdict on the pair, given once per pair, stories and similarity:
    everything a verdict reads that can differ between two matches of one ingest."""
    key = (claim.id, claim.story_id, other.id, other.story_id, similarity)
    if key not in verdicts:
        verdicts[key] = relate(claim, other, similarity)
    return verdicts[key]


def relation(claim: Claim, other: Claim, verdict: Verdict, similarity: float) -> Relation:
    """A new relation from ``claim`` (of the later document) to ``other``."""
    return Relation(
        id=new_id("rel"), claim_a_id=claim.id, claim_b_id=other.id, kind=verdict.kind,
        confidence=verdict.confidence, similarity=similarity, explanation=verdict.explanation,
        conflicts=verdict.conflicts, evidence=verdict.evidence,
    )


class Pipeline:
    def __init__(self, settings: Settings, store: Store, encoder: Encoder | None = None):
        one_blas_thread()
        self.settings = settings
        self.store = store
        self.encoder = encoder or Encoder(settings.embedding_model, settings.encode_batch_size, settings.encoder_runtime)
        self.index = store.nearest_claims(settings)
        self.relater = Relater(settings)
        # Threads of this process queue here for their turn (see _commit), rather than
        # on the database's lock, which makes a waiting thread poll.
        self._commit_lock = threading.Lock()

    @property
    def nlp(self):
        return load_nlp(self.settings.spacy_model)

    def warm_up(self) -> None:
        """Load both models and the indexes now, and check one made-up sentence through
        every stage, rather than on the first requests: the first checks of a fresh
        process cost 5 to 10 times the later ones (lazy tables, first model runs)."""
        self.nlp
        self.encoder.model
        self.index.refresh(self.store)
        self.store.warm_up()
        self.check(_WARM_UP_TEXT)

    def readiness(self) -> dict[str, bool]:
        try:
            store_ok = self.store.ping()
        except Exception:  # an unreachable store is exactly what readiness reports
            store_ok = False
        return {"store": store_ok, "embedding_model": self.encoder.loaded,
                "language_model": nlp_loaded(self.settings.spacy_model)}

    # -- stages without the corpus ---------------------------------------------------

    def analyze(self, text: str | None = None, html: str | None = None, published_at: str | None = None) -> Analysis:
        cleaned = clean(text=text, html=html)
        claims = extract_claims(segment(cleaned, self.nlp), self.nlp, published_at)
        return Analysis(cleaned, claims, self._embed(claims))

    def _embed(self, claims: list[Claim]) -> np.ndarray:
        """One batch of vectors; check-worthiness is scored here because it reads them."""
        vectors = self.encoder.encode([c.text for c in claims])
        score_checkworthiness(claims, vectors)
        return vectors

    def statement(self, text: str, published_at: str | None = None,
                  field: str = "text") -> tuple[Claim, np.ndarray]:
        """One statement as one claim (no segmentation), for comparing two statements."""
        cleaned = clean(text=text).text
        if not cleaned.strip():
            raise EmptyStatement(field)
        return self._statements([cleaned], published_at)[0]

    def statements(self, texts: list[str], published_at: str | None = None) -> list[tuple[Claim, np.ndarray]]:
        """Statements as one claim each, parsed and embedded in one batch.

        Each is its own document for the facts stage: names normalise within a
        statement, never across two of them.
        """
        return self._statements([clean(text=t).text for t in texts], published_at)

    def _statements(self, cleaned: list[str], published_at: str | None) -> list[tuple[Claim, np.ndarray]]:
        claims = [
            extract_claims([Segment(text=c, start=0, end=len(c), analysis=doc[:])], self.nlp, published_at)[0]
            for c, doc in zip(cleaned, self.nlp.pipe(cleaned))
        ]
        for claim in claims:
            claim.published_at = published_at
        return list(zip(claims, self._embed(claims)))

    # -- stages with the corpus ------------------------------------------------------

    def ingest(self, article: Article) -> IngestResult:
        """Ingest one article; raises EmptyArticle when nothing is left of it."""
        (result,) = self.ingest_many([article])
        if isinstance(result, Exception):
            raise result
        return result

    def ingest_many(self, articles: list[Article],
                    on_stored: Callable[[int, IngestResult], None] | None = None) -> list[IngestResult | Exception]:
        """Ingest articles in order, one result each: an IngestResult, an EmptyArticle,
        or the exception that failed that article alone (logged here).

        The claims of all of them are embedded in one batch, which the encoder runs
        much faster than many small ones; each document still commits on its own, so
        one failure loses nothing else, and later articles relate to earlier ones.

        ``on_stored(i, result)`` is called for each article that reaches the store
        (stored, or found a duplicate there), inside the transaction that stores it:
        what it writes commits with the document, and if it raises, the document is not
        stored (that article's result is then the exception).
        """
        results: list[IngestResult | Exception | None] = [None] * len(articles)
        fresh: list[tuple[int, Document, CleanedText]] = []
        for i, article in enumerate(articles):
            try:
                prepared = self._prepare(article)
            except Exception as exc:  # one article's failure is its own, never its batch's
                log.exception("ingesting article %d of %d failed", i + 1, len(articles))
                prepared = exc
            if isinstance(prepared, (IngestResult, Exception)):
                results[i] = prepared
            else:
                fresh.append((i, *prepared))
        extracted = self._extract([(document, cleaned) for _, document, cleaned in fresh])
        ready = []
        for (i, document, _), found in zip(fresh, extracted):
            if isinstance(found, Exception):
                results[i] = found
            else:
                ready.append((i, document, found))
        vectors = self._embed([c for _, _, found in ready for c in found])
        offset = 0
        for i, document, found in ready:
            stored = (lambda result, i=i: on_stored(i, result)) if on_stored else None
            try:
                results[i] = self._commit(document, found, vectors[offset : offset + len(found)], stored)
            except Exception as exc:
                log.exception("storing article %d of %d failed", i + 1, len(articles))
                results[i] = exc
            offset += len(found)
        return results  # type: ignore[return-value]

    def _prepare(self, article: Article):
        """Clean and deduplicate: a new Document and its cleaned text, or the answer
        already known (a duplicate, or an article with nothing in it)."""
        cleaned = clean(text=article.text, html=article.html)
        if not cleaned.text.strip():
            return EmptyArticle("the article has no text once markup and boilerplate are removed")
        digest = content_hash(cleaned.text)
        existing = self.store.find_duplicate(article.url, digest)
        if existing is not None:
            return IngestResult(existing, duplicate=True)
        document = Document(
            id=new_id("doc"), text=cleaned.text, content_hash=digest, url=article.url,
            title=article.title or cleaned.title, source=article.source, published_at=article.published_at,
            metadata=article.metadata or {},
        )
        return document, cleaned

    def _extract(self, fresh: list[tuple[Document, CleanedText]]) -> list[list[Claim] | Exception]:
        """Segment and extract facts: each document's claims, or the exception that failed
        that document alone. Every text is parsed in one spaCy batch (one by one if the
        batch fails); facts are still read per document (names normalise within one)."""
        try:
            segmented = segment_many([cleaned for _, cleaned in fresh], self.nlp)
        except Exception:
            log.exception("parsing %d articles in one batch failed; parsing them one by one", len(fresh))
            segmented = [self._segment_alone(cleaned) for _, cleaned in fresh]
        found: list[list[Claim] | Exception] = []
        for (document, _), segments in zip(fresh, segmented):
            if isinstance(segments, Exception):
                found.append(segments)
                continue
            try:
                claims = extract_claims(segments, self.nlp, document.published_at)
            except Exception as exc:  # one article's failure is its own, never its batch's
                log.exception("extracting the claims of %s failed", document.id)
                found.append(exc)
                continue
            for claim in claims:
                claim.id, claim.document_id = new_id("clm"), document.id
                claim.source, claim.published_at = document.source, document.published_at
            found.append(claims)
        return found

    def _segment_alone(self, cleaned: CleanedText):
        try:
            return segment(cleaned, self.nlp)
        except Exception as exc:
            log.exception("segmenting an article failed")
            return exc

    def _commit(self, document: Document, claims: list[Claim], vectors: np.ndarray,
                on_stored: Callable[[IngestResult], None] | None = None) -> IngestResult:
        """Place in a story, match, relate and store one document, in its turn.

        No relation may depend on which process stored what: a document's claims must
        be related to every claim stored before it, by any process on any host. So the
        four steps run in one turn of the store's ``exclusive_ingest``, which no other
        thread or process shares: the index first catches up with every claim committed
        before the turn began, the story and the relations are decided against that,
        and the document commits before the next turn begins. Two related articles
        stored at the same moment by two processes are thus taken one after the other,
        and the later one is related to the earlier one (and joins its story).

        A lock around the whole step, rather than relating after commit from a shared
        watermark, keeps one place where relations are made and the all-or-nothing
        ingest. What it costs is that the steps in the turn run one at a time; cleaning,
        parsing and embedding still run in parallel. To keep the turn short, the same
        decision is first made before it, against the corpus as this process sees it
        then: the turn makes it again, but judges only the pairs it has not judged
        already (those with claims committed meanwhile, or whose story changed), so
        the turn's answer is the one judging every pair in it would give
        (docs/performance.md measures both).
        """
        # A story the document starts has one id in both decisions, so its verdicts carry over.
        verdicts: dict = {}
        new_story_id = new_id("sty")
        self.index.refresh(self.store)
        self._decide(document, claims, vectors, verdicts, new_story_id)
        with self._commit_lock, self.store.exclusive_ingest():
            return self._store_in_turn(document, claims, vectors, verdicts, new_story_id, on_stored)

    def _store_in_turn(self, document: Document, claims: list[Claim], vectors: np.ndarray, verdicts: dict,
                       new_story_id: str, on_stored: Callable[[IngestResult], None] | None) -> IngestResult:
        """What ``_commit`` does in its turn: catch up, decide again, store."""
        self.index.refresh(self.store)
        member, relations = self._decide(document, claims, vectors, verdicts, new_story_id)
        try:
            stored = self.store.add_document(document, claims, vectors, relations, member)
        except DuplicateDocument as dup:
            result = IngestResult(dup.existing, duplicate=True)
        else:
            result = IngestResult(stored, duplicate=False)
            result.relations.update(Counter(r.kind for r in relations))
        if on_stored is not None:
            on_stored(result)
        return result

    def _decide(self, document: Document, claims: list[Claim], vectors: np.ndarray, verdicts: dict,
                new_story_id: str | None) -> tuple[StoryMember, list[Relation]]:
        """The document's story and relations against the corpus as the index has it now."""
        member = self.place_in_story(document, claims, vectors, new_story_id)
        return member, self.relations(claims, vectors, self.story_pool(member.story_id), verdicts=verdicts)

    def place_in_story(self, document: Document, claims: list[Claim], vectors: np.ndarray,
                       new_story_id: str | None = None) -> StoryMember:
        """The story stage: the story the document joins (or starts, as ``new_story_id``
        if given), set on the document and its claims so that relate can read it."""
        member = story.document_member(document, claims, vectors)
        candidates = self.store.candidate_stories(story.window(member.date, self.settings),
                                                  self.settings.story_max_candidates)
        placed = story.place(member, candidates, self.settings).story_id
        member.story_id = placed or new_story_id or new_id("sty")
        document.story_id = member.story_id
        for claim in claims:
            claim.story_id = member.story_id
        return member

    def story_pool(self, story_id: str) -> tuple[list[Claim], np.ndarray]:
        """The stored claims of a story (its newest, up to a bound) and their vectors."""
        pool = self.store.story_claims(story_id, self.settings.story_match_max_claims)
        vectors = self.store.get_vectors([c.id for c in pool])
        pool = [c for c in pool if c.id in vectors]
        return pool, np.stack([vectors[c.id] for c in pool]) if pool else np.zeros((0, 0), dtype=np.float32)

    def relations(self, claims: list[Claim], vectors: np.ndarray, story_pool=None, neighbours=None,
                  verdicts: dict | None = None) -> list[Relation]:
        """The relations worth storing: every verdict on the top-k candidates, and the
        decisive ones (agreement, contradiction) of the wider search within the story."""
        return [
            relation(claim, m.claim, m.verdict, m.similarity)
            for claim, match in zip(claims, self.match(claims, vectors, neighbours, story_pool, verdicts))
            for m in match
            if not (m.widened and m.verdict.kind == "related")
        ]

    def match(self, claims: list[Claim], vectors: np.ndarray, neighbours=None, story_pool=None,
              verdicts: dict | None = None) -> list[list[Match]]:
        """For each claim, the corpus claims it relates to, with the verdict for each pair.

        ``neighbours`` finds the candidates (default: the vector index alone, which is
        all an ingest can afford per claim); ``story_pool`` widens the search within the
        claims' story (see ``service.match``). ``verdicts`` keeps the verdicts given,
        so that a second match of the same claims judges only the pairs that are new."""
        neighbours = neighbours if neighbours is not None else self.index
        candidates = find_candidates(claims, vectors, neighbours, self.store.get_claims, self.settings, story_pool)
        judge = self.relater.relate if verdicts is None else partial(_remembered, self.relater.relate, verdicts)
        return [
            [Match(c.claim, judge(claim, c.claim, c.similarity), c.similarity, c.score, c.widened) for c in found]
            for claim, found in zip(claims, candidates)
        ]

    def check(self, text: str, published_at: str | None = None) -> list[tuple[Claim, list[Match]]]:
        """Segment ``text`` and match its claims against the corpus; stores nothing."""
        analysis = self.analyze(text=text, published_at=published_at)
        self.index.refresh(self.store)
        neighbours = HybridNeighbours(self.index, self.store, [c.text for c in analysis.claims])
        return list(zip(analysis.claims, self.match(analysis.claims, analysis.vectors, neighbours)))

    def compare(self, a: str, b: str, a_published_at: str | None = None, b_published_at: str | None = None):
        claim_a, vec_a = self.statement(a, a_published_at, field="a")
        claim_b, vec_b = self.statement(b, b_published_at, field="b")
        similarity = float(np.dot(vec_a, vec_b))
        return claim_a, claim_b, similarity, self.relater.relate(claim_a, claim_b, similarity)

    def search(self, query: str, limit: int) -> list[tuple[Claim, float]]:
        """Claims ranked by meaning and wording."""
        self.index.refresh(self.store)
        ranked = hybrid_search(query, self.encoder.encode, self.index, self.store, limit)
        claims = self.store.get_claims([cid for cid, _ in ranked])
        return [(claims[cid], score) for cid, score in ranked if cid in claims]
