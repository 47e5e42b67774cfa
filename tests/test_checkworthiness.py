"""Check-worthiness: the shipped model scores claims from their embedding and facts."""

import os

import numpy as np

from service.models import Segment
from service.text.checkworthiness import (
    MODEL_PATH,
    STRUCTURAL_FEATURES,
    CheckworthinessModel,
    score_checkworthiness,
    structural_features,
)
from service.text.facts import extract_claims


def claims_of(nlp, texts):
    return [extract_claims([Segment(text=t, start=0, end=len(t))], nlp)[0] for t in texts]


def test_shipped_model_is_small_and_fits_the_features(encoder):
    assert os.path.getsize(MODEL_PATH) < 300_000
    model = CheckworthinessModel.load()
    assert model.weights.shape == (encoder.dimension + len(STRUCTURAL_FEATURES),)
    assert 0.0 < model.threshold < 1.0


def test_structural_features_follow_their_names(nlp):
    (claim,) = claims_of(nlp, ["According to the ministry, 44 Palestinians were killed in Gaza on Tuesday."])
    features = dict(zip(STRUCTURAL_FEATURES, structural_features(claim)))
    assert len(features) == len(STRUCTURAL_FEATURES)
    assert features["has_figure"] == 1.0 and features["has_entity"] == 1.0 and features["attributed"] == 1.0
    assert features["kind_quantity"] == 1.0 and features["kind_event"] == 0.0


def test_scores_are_probabilities_set_on_each_claim(nlp, encoder):
    texts = ["Thank you all for coming tonight.", "Unemployment rose to 9 percent in 2010, the highest in 25 years."]
    claims = claims_of(nlp, texts)
    scored = score_checkworthiness(claims, encoder.encode(texts))
    assert scored is claims
    greeting, figure = (c.checkworthiness for c in claims)
    assert 0.0 <= greeting < figure <= 1.0


def test_no_claims_no_work():
    assert score_checkworthiness([], np.zeros((0, 384), dtype=np.float32)) == []


def test_pipeline_scores_every_claim(pipeline):
    analysis = pipeline.analyze(text="Hamas fired 200 rockets at Tel Aviv on Monday. What a day it was.",
                                published_at="2024-10-22")
    assert analysis.claims and all(0.0 < c.checkworthiness < 1.0 for c in analysis.claims)
    assert analysis.claims[0].checkworthiness > analysis.claims[-1].checkworthiness
