"""The same sentence model run by ONNX Runtime instead of PyTorch.

On the 2-core box, with the same float32 weights, ONNX Runtime encodes one query in
about a third of PyTorch's time (5.5 against 14.2 ms), batches of claims as fast on an
idle machine and 2 to 2.7 times faster when the cores are shared; the vectors differ
by at most 4e-7 (docs/performance.md), so retrieval, matching thresholds and the
check-worthiness model, all measured on PyTorch's vectors, hold unchanged.

The graph is exported once per model and library versions, in a child process, into
the user's cache (``$XDG_CACHE_HOME/crossfact/onnx``, else ``~/.cache``; a temporary
folder where that cannot be written), and later starts only load it: they need
neither PyTorch's copy of the model nor sentence-transformers. A child process,
because usearch's extension carries its own copy of the C++ runtime, and once it is
loaded torch's exporter no longer finishes (measured: over 100 s instead of 2).
Before the graph is written, its vectors are compared with PyTorch's on a few probe
texts (a long one is truncated, an empty one pads); a model whose graph does not give
the same vectors (another pooling, say) is not converted, and the caller keeps
PyTorch.

    python -m embeddings.onnx MODEL_DIR OUT.onnx   # what the child process runs
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np

# Texts whose vectors must match PyTorch's before the graph is trusted: ordinary news
# claims, padding against a longer one, an empty text, and one past the model's
# max_seq_length (256 word pieces), which both runtimes must truncate alike.
PROBES = [
    "The ceasefire was reached on Tuesday after talks in Cairo.",
    "  At least 44 people were killed.  ",
    "",
    "Ünïcödé names: Zelenskyy met Erdoğan in Ankara.",
    " ".join(["Officials said the toll could rise as rescuers searched the rubble."] * 40),
]
# Float32 arithmetic in another order moves a unit vector's coordinates by ~1e-7.
TOLERANCE = 1e-4
EXPORT_TIMEOUT_S = 600  # the child imports torch and the model: 10 to 30 s here
# What the cached graph depends on besides the model's files.
_LIBRARIES = ("torch", "transformers", "onnx", "onnxruntime")
_FORMAT = 2  # bump when the exported graph's inputs or outputs change


class NotConvertible(RuntimeError):
    """The model cannot be run by ONNX Runtime with the same vectors."""


class OnnxSentenceModel:
    """A mean-pooled, normalised transformer encoder run by ONNX Runtime.

    It answers ``encode`` and ``get_embedding_dimension`` as a SentenceTransformer does,
    for the arguments ``embeddings.encoder.Encoder`` passes."""

    def __init__(self, graph: str | bytes, model_dir: str, max_seq_length: int, dimension: int):
        import onnxruntime
        from transformers import AutoTokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # its warnings about unused initialisers are noise
        self.session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.max_seq_length = max_seq_length
        self.dimension = dimension
        self._inputs = [i.name for i in self.session.get_inputs()]

    @classmethod
    def load(cls, model_dir: str) -> OnnxSentenceModel:
        """The model's graph from the cache, exported first if it is not there."""
        graph = cached_graph_path(model_dir)
        if not graph.exists():
            try:
                graph.parent.mkdir(parents=True, exist_ok=True)
                writable = os.access(graph.parent, os.W_OK)
            except OSError:
                writable = False
            if not writable:  # a read-only home: export for this process alone
                with tempfile.TemporaryDirectory() as folder:
                    graph = Path(folder) / "model.onnx"
                    export_in_child(model_dir, graph)
                    return cls._from_files(graph, model_dir)
            export_in_child(model_dir, graph)
        return cls._from_files(graph, model_dir)

    @classmethod
    def _from_files(cls, graph: Path, model_dir: str) -> OnnxSentenceModel:
        """The graph and what the export recorded beside it; checked again on the probes
        against PyTorch's vectors as recorded, since a runtime broken by what else the
        process loaded reads a good file wrong (see embeddings/ann.py)."""
        recorded = json.loads(graph.with_suffix(".json").read_text())
        try:
            model = cls(graph.read_bytes(), model_dir, recorded["max_seq_length"], recorded["dimension"])
        except Exception as exc:  # onnxruntime refuses a graph with its own exception types
            raise NotConvertible(f"ONNX Runtime cannot load the exported graph: {exc}") from exc
        check_probes(model, np.asarray(recorded["probes"], dtype=np.float32))
        return model

    def get_embedding_dimension(self) -> int:
        return self.dimension

    def encode(self, sentences: list[str], batch_size: int = 16, **_) -> np.ndarray:
        """Unit vectors of ``sentences``, longest first in batches as sentence-transformers
        does (batches of similar length pad less), returned in the given order."""
        vectors = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        order = np.argsort([-len(s) for s in sentences], kind="stable")
        for start in range(0, len(sentences), batch_size):
            chosen = order[start : start + batch_size]
            vectors[chosen] = self._encode_batch([sentences[i].strip() for i in chosen])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        features = self.tokenizer(texts, padding=True, truncation="longest_first",
                                  max_length=self.max_seq_length, return_tensors="np")
        tokens = self.session.run(None, {name: features[name].astype(np.int64) for name in self._inputs})[0]
        mask = features["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def cached_graph_path(model_dir: str) -> Path:
    """Where the graph of ``model_dir`` is kept: named by the model's files (names, sizes,
    times) and the versions of the libraries that export and run it."""
    key = hashlib.sha256(str(_FORMAT).encode())
    for path in sorted(Path(model_dir).resolve().rglob("*")):
        if path.is_file():
            stat = path.stat()
            key.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for library in _LIBRARIES:
        try:
            key.update(f"{library}={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            key.update(f"{library}=none\0".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "crossfact" / "onnx" / f"{key.hexdigest()[:32]}.onnx"


def export_in_child(model_dir: str, graph: Path) -> None:
    """Run ``python -m embeddings.onnx`` to write ``graph`` (and its .json beside it)."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "embeddings.onnx", model_dir, str(graph)], env=env,
                              capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise NotConvertible(f"exporting the model to ONNX took over {EXPORT_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise NotConvertible(f"exporting the model to ONNX failed: {reason}")


def export(model_dir: str, graph: Path) -> None:
    """Export ``model_dir``'s transformer, check it on the probes, and only then write it
    (through a temporary name, so a process starting meanwhile never reads half a file)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    shape = {"max_seq_length": int(model.max_seq_length), "dimension": int(get())}
    expected = model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    onnx_bytes = _export(model[0].auto_model)
    check_probes(OnnxSentenceModel(onnx_bytes, model_dir, **shape), expected)
    recorded = {**shape, "probes": expected.tolist()}
    for suffix, content in ((".json", json.dumps(recorded).encode()), (".onnx", onnx_bytes)):
        partial = graph.with_name(f"{graph.stem}.{os.getpid()}.partial")
        partial.write_bytes(content)
        os.replace(partial, graph.with_suffix(suffix))  # the graph last: its presence means both are there


def check_probes(converted, expected: np.ndarray) -> None:
    """Raise NotConvertible unless ``converted`` gives PyTorch's vectors (``expected``) of PROBES."""
    difference = float(np.abs(converted.encode(PROBES) - expected).max())
    if not difference <= TOLERANCE:
        raise NotConvertible(f"ONNX vectors differ from PyTorch's by {difference:.2g} on the probes")


def _export(transformer) -> bytes:
    """The ONNX graph of a Hugging Face encoder, as bytes: token ids, attention mask and
    token types in, every token's last hidden state out."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((2, 8), dtype=torch.int64)
    mask = example.clone()
    mask[1, 4:] = 0  # padded, so that the traced graph keeps the mask
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing are not ours to act on
        torch.onnx.export(
            LastHiddenState(transformer.eval()), (example, mask, torch.zeros_like(example)), buffer,
            input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
            opset_version=17, dynamo=False,
        )
    return buffer.getvalue()


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    export(sys.argv[1], Path(sys.argv[2]))
