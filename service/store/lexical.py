"""BM25 over claim texts in a tantivy index that stops early, kept in step with a store.

SQLite's FTS5 ranked a query by scoring every claim that holds any of its words: at a
million claims one common word is tens of thousands of claims, and a search took
hundreds of milliseconds. tantivy answers a top-k disjunction with block-max WAND:
it skips every block of postings that cannot reach the k-th best score, so the cost
follows the answer, not the corpus (docs/performance.md).

The index is derived data; the store's claims table is the truth. It remembers the
store's id and the watermarks it has seen (claims added, claims removed) in
``marks.json`` beside its files, written after each commit, and is brought up to date
from the store when a search finds it behind (in the background once it is open),
never during an ingest, so an ingest stays one SQLite transaction. Catching up first deletes whatever the index holds past its recorded
watermark, so a crash between a commit and its marks costs a redo, not a duplicate.
An index of another database, of a newer store, or of another format is rebuilt.
Processes sharing a database share the folder: one catches up at a time (a file
lock), the others reload what it committed.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import Stemmer
import tantivy

log = logging.getLogger(__name__)

FORMAT = 2  # bump when the schema or ``terms`` changes: older indexes are rebuilt
READ_CHUNK = 50_000  # claims read from the store at a time while catching up
WRITER_HEAP = 64_000_000  # bytes the writer buffers before it flushes a segment


@dataclass(frozen=True)
class Marks:
    """How far an index has followed a store: its id, the last claim added and the
    last entry of its removal log."""

    store_id: str
    added: int
    removed: int


@dataclass
class Source:
    """What catching up reads from the store, without the index knowing SQL.

    ``marks()`` says where the store stands now; ``claims_since(seq, limit)`` gives
    ``(seq, claim_id, text)`` of claims after ``seq``, oldest first; ``removed_since(mark)``
    gives the removed claim ids after ``mark`` and the new mark."""

    marks: Callable[[], Marks]
    claims_since: Callable[[int, int], list[tuple[int, str, str]]]
    removed_since: Callable[[int], tuple[list[str], int]]


_WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer kept
_STEMMERS = threading.local()  # a Snowball stemmer must not be shared between threads


def terms(text: str) -> list[str]:
    """The index terms of ``text``: words lower-cased, accents folded, Porter-stemmed,
    so "Doses" finds "dose". The same analysis as FTS5's ``porter unicode61``, which
    the search fusion was tuned with: the Snowball English stemmer instead cost
    CheckThat! 2A dev-test MAP@5 0.0025 (docs/performance.md)."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    stemmer = getattr(_STEMMERS, "porter", None)
    if stemmer is None:
        stemmer = _STEMMERS.porter = Stemmer.Stemmer("porter")
    return stemmer.stemWords(_WORD.findall(folded))


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("seq", indexed=True, fast=True)  # the claim's row: fast to read back and range-delete
    builder.add_text_field("id", tokenizer_name="raw")  # the claim's id, to remove it by
    # Terms come analysed (``terms``), space-separated; BM25 needs no positions.
    builder.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    return builder.build()


class LexicalIndex:
    """Claim texts under BM25, in ``folder`` (or in memory when ``folder`` is None)."""

    def __init__(self, folder: str | None):
        self.folder = folder
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._seen: Marks | None = None  # what this process's searcher reflects
        self._memory_marks: Marks | None = None  # marks.json of an in-memory index
        self._lock = threading.Lock()
        self._pending = False  # a background catch-up is under way
        self._lock_pending = threading.Lock()

    # -- searching -------------------------------------------------------------------

    def search(self, text: str, limit: int) -> list[tuple[int, float]]:
        """``(seq, score)`` of the best ``limit`` claims for any of the words of ``text``."""
        unique = list(dict.fromkeys(terms(text)))
        if not unique or self._index is None or limit <= 0:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", term)) for term in unique]
        )
        searcher = self._index.searcher()
        # count=False: counting every match would visit every posting, the cost WAND avoids.
        hits = searcher.search(query, limit, count=False).hits
        seqs = searcher.fast_field_values("seq", [address for _, address in hits])
        return [(seq, score) for (score, _), seq in zip(hits, seqs)]

    # -- keeping up with the store -----------------------------------------------------

    def refresh(self, source: Source, wait: bool = True) -> None:
        """Bring the index up to what the store holds now; cheap when it is there already.

        With ``wait=False`` an index that is open already is caught up in a background
        thread and the caller goes on with what it holds: a commit costs about 100 ms
        here (tantivy syncs its files), which a search right after each ingest would
        otherwise pay. Until then the newest claims are found by meaning only, and a
        deleted claim is dropped by the store's lookup of the hits.
        """
        if self._seen == source.marks():
            return
        if wait or self._index is None:
            self._bring_up_to_date(source)
            return
        with self._lock_pending:
            if self._pending:
                return
            self._pending = True
        threading.Thread(target=self._in_background, args=(source,), name="lexical-catch-up", daemon=True).start()

    def _in_background(self, source: Source) -> None:
        try:
            self._bring_up_to_date(source)
        except Exception:  # the next search tries again; a search never fails for this
            log.exception("catching up the lexical index failed")
        finally:
            with self._lock_pending:
                self._pending = False

    def _bring_up_to_date(self, source: Source) -> None:
        with self._lock, self._exclusive():
            if self._index is None:
                self._index = self._open()
            marks = self._read_marks()
            # Read after the index's marks, under the lock: the index is never ahead of it
            # unless it belongs to another database (or to a newer copy of this one).
            current = source.marks()
            if marks is None or marks.store_id != current.store_id or marks.added > current.added \
                    or marks.removed > current.removed:
                self._index = self._open(fresh=True)
                marks = Marks(current.store_id, 0, 0)
            if marks != current:
                marks = self._catch_up(marks, current, source)
                self._write_marks(marks)
            self._index.reload()
            self._seen = marks

    def _catch_up(self, marks: Marks, current: Marks, source: Source) -> Marks:
        writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
        try:
            # Anything past the recorded mark is a commit whose marks were never written.
            writer.delete_documents_by_query(tantivy.Query.range_query(
                self.schema, "seq", tantivy.FieldType.Integer, marks.added + 1, None))
            added = marks.added
            while True:
                rows = source.claims_since(added, READ_CHUNK)
                if not rows:
                    break
                for seq, claim_id, text in rows:
                    writer.add_document(tantivy.Document(seq=seq, id=claim_id, text=" ".join(terms(text))))
                added = rows[-1][0]
            removed_ids, removed = source.removed_since(marks.removed)
            for claim_id in removed_ids:
                writer.delete_documents_by_term("id", claim_id)
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()  # and gives the writer's lock back, even on failure
        # Claims deleted since they were added leave the store's mark above the last row read.
        return Marks(marks.store_id, max(added, current.added), removed)

    # -- files -------------------------------------------------------------------------

    def _open(self, fresh: bool = False) -> tantivy.Index:
        if self.folder is None:
            index = tantivy.Index(self.schema)
            self._memory_marks = None
        else:
            files = os.path.join(self.folder, "index")
            if fresh or not self._format_matches():
                shutil.rmtree(files, ignore_errors=True)
                self._remove_marks()
            os.makedirs(files, exist_ok=True)
            index = tantivy.Index(self.schema, path=files, reuse=True)
        index.config_reader(reload_policy="Manual")
        return index

    def _format_matches(self) -> bool:
        try:
            with open(os.path.join(self.folder, "marks.json"), encoding="utf-8") as f:
                return json.load(f).get("format") == FORMAT
        except (OSError, ValueError):
            return False

    def _read_marks(self) -> Marks | None:
        if self.folder is None:
            return self._memory_marks
        try:
            with open(os.path.join(self.folder, "marks.json"), encoding="utf-8") as f:
                data = json.load(f)
            if data.get("format") != FORMAT:
                return None
            return Marks(data["store_id"], int(data["added"]), int(data["removed"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_marks(self, marks: Marks) -> None:
        if self.folder is None:
            self._memory_marks = marks
            return
        path = os.path.join(self.folder, "marks.json")
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "store_id": marks.store_id, "added": marks.added,
                       "removed": marks.removed}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)

    def _remove_marks(self) -> None:
        try:
            os.remove(os.path.join(self.folder, "marks.json"))
        except FileNotFoundError:
            pass

    @contextmanager
    def _exclusive(self):
        """One process at a time reads the marks, writes the index and the marks."""
        if self.folder is None:
            yield
            return
        os.makedirs(self.folder, exist_ok=True)
        with open(os.path.join(self.folder, "lock"), "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
