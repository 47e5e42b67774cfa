"""The optional NLI backend: loading a local CrossEncoder directory and joining its
scores to the structured verdict. The model is a tiny BERT with random weights that the
test builds and saves itself: nothing is downloaded."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.models import Claim, Facts
from service.relate import Relater, classify
from service.relate.classify import combine
from service.relate.nli import DEFAULT_LABELS, NLIBackend, NLIModelMissing, NLIScores
from service.relate.same_event import EventMatch

WORDS = "a man is playing guitar there no woman the cat sleeps on sofa".split()


def tiny_cross_encoder(path, id2label=None):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir()
    vocab = path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    labels = {"id2label": id2label, "label2id": {v: k for k, v in id2label.items()}} if id2label else {}
    config = BertConfig(vocab_size=5 + len(WORDS), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=3, **labels)
    BertForSequenceClassification(config).save_pretrained(path)
    BertTokenizer(str(vocab)).save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    return tiny_cross_encoder(tmp_path_factory.mktemp("nli") / "model", labels)


def claim(text, lemmas, **facts):
    return Claim(text=text, span=(0, len(text)), facts=Facts(lemmas=lemmas.split(), **facts))


def test_backend_loads_a_local_cross_encoder_and_returns_probabilities(model_dir):
    backend = NLIBackend(model_dir)
    assert backend.labels() == ("entailment", "neutral", "contradiction")
    (scores,) = backend.score([("a man is playing guitar", "no man is playing guitar")])
    assert scores.contradiction + scores.entailment + scores.neutral == pytest.approx(1.0, abs=1e-5)


def test_a_model_without_label_names_uses_the_public_nli_order(tmp_path):
    backend = NLIBackend(tiny_cross_encoder(tmp_path / "plain"))
    assert backend.labels() == DEFAULT_LABELS


def test_a_missing_directory_is_reported_by_name(tmp_path):
    with pytest.raises(NLIModelMissing, match="CROSSFACT_NLI_MODEL"):
        NLIBackend(str(tmp_path / "nowhere"))


def test_relater_uses_the_model_named_in_settings(model_dir):
    relater = Relater(Settings(nli_model=model_dir))
    a = claim("a man is playing guitar", "man play guitar")
    b = claim("the cat sleeps on the sofa", "cat sleep sofa")
    verdict = relater.relate(a, b, 0.2)
    assert verdict.kind in ("agreement", "contradiction", "related")
    assert 0.0 <= verdict.confidence <= 1.0


def test_relater_without_a_model_is_the_structured_classifier():
    a = claim("a man is playing guitar", "man play guitar")
    b = claim("there is no man playing guitar", "man play guitar", polarity="negated", negation_cues=["no"])
    assert Relater(Settings()).relate(a, b, 0.9) == classify(a, b, 0.9)


def test_a_confident_contradiction_reading_turns_a_same_topic_pair_into_a_contradiction():
    a = claim("The talks went well", "talk go well")
    b = claim("The talks were a disaster", "talk disaster")
    structured = classify(a, b, 0.6)
    assert structured.kind == "related"
    joined = combine(structured, EventMatch(overlap=0.5, same=True), NLIScores(0.9, 0.05, 0.05), a, b)
    assert joined.kind == "contradiction"
    assert [c.type for c in joined.conflicts] == ["other"]
    assert "NLI model" in joined.explanation


def test_typed_conflicts_stand_whatever_the_model_says():
    a = claim("A man is playing a guitar", "man play guitar")
    b = claim("There is no man playing a guitar", "man play guitar", polarity="negated", negation_cues=["no"])
    structured = classify(a, b, 0.9)
    joined = combine(structured, EventMatch(overlap=1.0, same=True), NLIScores(0.01, 0.98, 0.01), a, b)
    assert joined.kind == "contradiction" and [c.type for c in joined.conflicts] == ["negation"]


def test_a_confident_entailment_reading_agrees_only_for_the_same_event():
    a = claim("The talks went well", "talk go well")
    b = claim("The talks were a success", "talk success")
    related = classify(a, b, 0.6)
    sure = NLIScores(0.05, 0.9, 0.05)
    assert combine(related, EventMatch(overlap=0.5, same=True), sure, a, b).kind == "agreement"
    assert combine(classify(a, b, 0.6), EventMatch(overlap=0.0, same=False), sure, a, b).kind == "related"
