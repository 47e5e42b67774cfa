"""Re-analysis: the stored corpus read and judged again, after a rule or threshold change.

Relations are fixed when the later article is stored; once the facts stage, the
relate stage or a setting changes, ``crossfact reanalyze`` replays every stored
document in the order it was stored, as if it were ingested again:

- its claims keep their ids, spans, texts and vectors (no new segmentation or
  embedding); their facts, kind, event date and check-worthiness are extracted again
  from the stored claim texts;
- it is placed in a story again: stories are rebuilt from nothing as the replay goes;
- its claims are matched against the claims of the documents replayed before it (an
  index of those alone, as at ingest, plus its story's claims) and judged again.

Reviews survive: a claim pair judged again keeps its relation (id, status, note); a
confirmed or rejected pair is always judged again, even when it is no longer a
candidate, so no person's review is lost. When the new kind differs from the kind the
person reviewed, the relation keeps the review and says so (``reviewed_kind``, and
``review_outdated`` in the API) for a person to look again; nothing is flipped silently.
Unreviewed pairs that are no longer candidates are dropped.

Each document commits in one transaction together with the watermark in the store's
meta table, so a run stopped at any point (killed, crashed) resumes after the last
document it committed. Documents ingested while a run goes are placed and related by
ingest as usual and are not part of the run. Two runs at once do the work twice but
save each document once (the first to commit wins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from embeddings.ann import ApproximateIndex
from embeddings.index import ExactIndex
from service.models import Claim, Document, Relation, Segment
from service.pipeline import Pipeline, relation
from service.store import RelationFilter
from service.text.checkworthiness import score_checkworthiness
from service.text.facts import extract_claims

READ_CHUNK = 50_000  # vectors read at a time when a resumed run rebuilds its index


@dataclass
class Progress:
    total: int  # documents in the run
    finished: int  # documents committed so far (before this process, when resumed)
    resumed: bool


class Reanalysis:
    def __init__(self, pipeline: Pipeline, batch_size: int = 16):
        self.pipeline = pipeline
        self.store = pipeline.store
        self.batch_size = batch_size
        self._index = None

    def start(self, restart: bool = False) -> Progress:
        """Resume the unfinished run, or begin one over every document stored now."""
        state = None if restart else self.store.reanalysis_state()
        resumed = state is not None
        if state is None:
            state = self.store.begin_reanalysis()
        self._index = self._index_through(state["done"])
        return Progress(total=state["total"], finished=state["finished"], resumed=resumed)

    def run(self, on_document: Callable[[Document], None] = lambda document: None) -> None:
        """Replay the documents left, in batches; ``on_document`` hears of each one committed."""
        if self._index is None:
            self.start()
        while True:
            state = self.store.reanalysis_state()
            batch = self.store.documents_to_reanalyze(state["done"], state["until"], self.batch_size)
            if not batch:
                break
            for seq, document, claims, vectors in self._reread(batch):
                self._replay(seq, document, claims, vectors)
                on_document(document)
        self.store.end_reanalysis()

    # -- one batch -----------------------------------------------------------------------

    def _reread(self, batch: list[tuple[int, Document]]):
        """Each document's stored claims with their facts extracted again, and vectors."""
        for seq, document in batch:
            stored = self.store.document_claims(document.id, limit=1_000_000, cursor=None).items
            found = self.store.get_vectors([c.id for c in stored])
            vectors = np.stack([found[c.id] for c in stored]) if stored else np.zeros((0, 0), dtype=np.float32)
            yield seq, document, self._facts_again(document, stored, vectors), vectors

    def _facts_again(self, document: Document, stored: list[Claim], vectors: np.ndarray) -> list[Claim]:
        if not stored:
            return []
        segments = [Segment(text=c.text, start=c.span[0], end=c.span[1], context=c.context) for c in stored]
        fresh = extract_claims(segments, self.pipeline.nlp, document.published_at)
        for old, new in zip(stored, fresh):
            new.id, new.document_id, new.source, new.published_at = old.id, old.document_id, old.source, old.published_at
        return score_checkworthiness(fresh, vectors)

    def _replay(self, seq: int, document: Document, claims: list[Claim], vectors: np.ndarray) -> None:
        member = self.pipeline.place_in_story(document, claims, vectors)
        relations: list[Relation] = []
        if claims:
            pool = self.pipeline.story_pool(member.story_id)
            relations = self.pipeline.relations(claims, vectors, pool, neighbours=self._index)
            relations += self._reviewed_again(document, claims, vectors, relations)
        # False when another run saved this document first: its result stands, and the replay goes on.
        self.store.save_reanalysis(seq, document, claims, member, relations)
        if claims:
            self._add(claims, vectors)

    def _reviewed_again(self, document: Document, claims: list[Claim], vectors: np.ndarray,
                        relations: list[Relation]) -> list[Relation]:
        """The document's reviewed relations that are no longer candidates, judged again."""
        judged = {(r.claim_a_id, r.claim_b_id) for r in relations}
        reviewed = [
            r for status in ("confirmed", "rejected")
            for r in self.store.list_relations(RelationFilter(document=document.id, status=status),
                                               limit=1_000_000, cursor=None).items
            if r.claim_a.document_id == document.id and (r.claim_a_id, r.claim_b_id) not in judged
        ]
        if not reviewed:
            return []
        mine = {c.id: (c, v) for c, v in zip(claims, vectors)}
        others = self.store.get_claims([r.claim_b_id for r in reviewed])
        other_vectors = self.store.get_vectors([r.claim_b_id for r in reviewed])
        out = []
        for r in reviewed:
            if r.claim_a_id not in mine or r.claim_b_id not in others:
                continue
            claim, vector = mine[r.claim_a_id]
            similarity = float(np.dot(vector, other_vectors[r.claim_b_id]))
            verdict = self.pipeline.relater.relate(claim, others[r.claim_b_id], similarity)
            out.append(relation(claim, others[r.claim_b_id], verdict, similarity))
        return out

    # -- the index of the documents replayed so far ----------------------------------------

    def _index_through(self, document_seq: int):
        self._index = None
        after = 0
        while True:
            batch = self.store.vectors_through(document_seq, after, READ_CHUNK)
            if not batch.ids:
                break
            self._add_vectors(batch.ids, batch.vectors)
            after = batch.watermark
        return self._index if self._index is not None else _Empty()

    def _add(self, claims: list[Claim], vectors: np.ndarray) -> None:
        self._add_vectors([c.id for c in claims], vectors)

    def _add_vectors(self, ids: list[str], vectors: np.ndarray) -> None:
        if self._index is None or isinstance(self._index, _Empty):
            self._index = ExactIndex(vectors.shape[1])
        self._index.add(ids, vectors)
        if isinstance(self._index, ExactIndex) and len(self._index) > self.pipeline.settings.exact_index_max:
            approximate = ApproximateIndex(self._index.dimension)
            for chunk_ids, chunk in self._index.chunks():
                approximate.add(chunk_ids, chunk)
            self._index = approximate


class _Empty:
    """The index before any document is replayed: it finds nothing."""

    def __len__(self) -> int:
        return 0

    def search(self, vectors, k: int):
        return [[] for _ in range(len(vectors))]
