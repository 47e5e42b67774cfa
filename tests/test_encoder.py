"""The encoder's two runtimes give the same vectors, and a model ONNX Runtime cannot
run alike stays on PyTorch."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from embeddings import onnx
from embeddings.encoder import Encoder, bundled_model_dir, load_sentence_model
from embeddings.onnx import NotConvertible, OnnxSentenceModel
from service.config import Settings

TEXTS = [
    "Israel and Hamas reached a ceasefire on Tuesday, officials in Cairo said.",
    "Hamas resisted the ceasefire.",
    "At least 44 people were killed when the train derailed near Odisha.",
    "",
    "   spaces around   ",
    "Ünïcödé names: Zelenskyy met Erdoğan in Ankara.",
    "word " * 400,  # past the model's 256 word pieces: truncated alike
]


def test_the_default_runtime_is_onnx_and_gives_pytorchs_vectors(encoder):
    assert isinstance(encoder.model, OnnxSentenceModel)
    torch_vectors = Encoder(runtime="torch").encode(TEXTS)
    onnx_vectors = encoder.encode(TEXTS)
    assert onnx_vectors.dtype == np.float32 and onnx_vectors.shape == (len(TEXTS), 384)
    assert np.abs(onnx_vectors - torch_vectors).max() < 1e-5
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1, atol=1e-5)


def test_batching_and_order_do_not_change_a_vector(encoder):
    whole = encoder.encode(TEXTS)
    one_by_one = np.vstack([encoder.encode([text]) for text in TEXTS])
    reversed_ = encoder.encode(TEXTS[::-1])[::-1]
    assert np.abs(whole - one_by_one).max() < 1e-5
    assert np.abs(whole - reversed_).max() < 1e-5


def test_no_text_gives_no_vectors(encoder):
    assert encoder.encode([]).shape == (0, 384)


def test_a_graph_that_gives_other_vectors_is_refused(encoder):
    class Shifted:
        def encode(self, texts):
            return encoder.encode(texts) + 1e-3

    expected = Encoder(runtime="torch").encode(onnx.PROBES)
    onnx.check_probes(encoder.model, expected)  # the real graph passes
    with pytest.raises(NotConvertible, match="differ from PyTorch's"):
        onnx.check_probes(Shifted(), expected)


def test_the_graph_is_exported_once_and_then_read_from_the_cache(encoder, monkeypatch):
    model_dir = bundled_model_dir()
    assert onnx.cached_graph_path(model_dir).exists()  # the session's encoder exported it

    def no_export(model_dir, graph):
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx, "export_in_child", no_export)
    again = OnnxSentenceModel.load(model_dir)
    assert np.abs(again.encode(TEXTS) - encoder.encode(TEXTS)).max() == 0


def test_a_cache_that_cannot_be_written_gets_a_graph_for_this_process(encoder, monkeypatch, tmp_path):
    model_dir = bundled_model_dir()
    cached = onnx.cached_graph_path(model_dir)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(onnx.os, "access", lambda path, mode: False)
    written = []

    def export_copy(model_dir, graph):  # what the child writes, without its 10 to 30 s
        written.append(graph)
        shutil.copyfile(cached.with_suffix(".json"), graph.with_suffix(".json"))
        shutil.copyfile(cached, graph)

    monkeypatch.setattr(onnx, "export_in_child", export_copy)
    model = OnnxSentenceModel.load(model_dir)
    assert model.get_embedding_dimension() == 384
    assert not written[0].exists()  # a temporary folder, gone once loaded
    assert not list(tmp_path.rglob("*.onnx"))


def test_an_unknown_runtime_is_refused_at_start():
    with pytest.raises(ValueError, match="CROSSFACT_ENCODER_RUNTIME"):
        Settings.from_env({"CROSSFACT_ENCODER_RUNTIME": "tensorflow"})
    assert Settings.from_env({"CROSSFACT_ENCODER_RUNTIME": "torch"}).encoder_runtime == "torch"


def test_a_model_that_cannot_be_converted_is_encoded_with_pytorch(monkeypatch, caplog):
    from embeddings import encoder as encoder_module

    def refuse(model_dir):
        raise NotConvertible("exporting the model to ONNX failed: not this model")

    torch_model = load_sentence_model(runtime="torch")
    monkeypatch.setattr(OnnxSentenceModel, "load", staticmethod(refuse))
    assert encoder_module._load(encoder_module.bundled_model_dir(), "onnx") is torch_model
    assert "encoding with PyTorch: exporting the model to ONNX failed" in caplog.text


def test_a_server_process_loads_the_graph_whatever_it_imported_first(encoder):
    """usearch's extension breaks an onnxruntime loaded after it (a misread graph with
    1.22, SIGSEGV with 1.23 on); embeddings.ann loads onnxruntime first. A process that
    imports what the server imports must still run the graph, not fall back."""
    script = ("import service.api.server, embeddings.ann, usearch.index\n"
              "from embeddings.encoder import Encoder\n"
              "print(type(Encoder().model).__name__)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "OnnxSentenceModel", done.stderr[-2000:]


def test_a_graph_that_no_longer_reads_right_is_not_used(encoder, monkeypatch):
    original = OnnxSentenceModel.encode
    monkeypatch.setattr(OnnxSentenceModel, "encode", lambda self, texts, **kw: original(self, texts, **kw)[:, ::-1])
    with pytest.raises(NotConvertible, match="differ"):
        OnnxSentenceModel.load(bundled_model_dir())
