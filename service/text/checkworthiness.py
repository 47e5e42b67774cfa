"""Check-worthiness: how much a claim deserves a fact-checker's time, from 0 to 1.

A logistic regression over the claim's sentence embedding and a few facts that make
a statement checkable (a figure, a name, a date, its kind). It is trained by
``bench/train_checkworthiness.py`` on ClaimBuster and shipped as a small ``.npz``
next to this module; ``bench/eval_checkworthiness.py`` measures it on held-out sets
(see docs/quality.md). The score needs the embedding, so the pipeline calls it right
after encoding, not in the facts stage.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass

import numpy as np

from service.models import CLAIM_KINDS, Claim
from service.text.facts import states_figure

MODEL_PATH = os.path.join(os.path.dirname(__file__), "checkworthiness.npz")
STRUCTURAL_FEATURES = (
    "has_figure", "has_entity", "entity_count", "has_date", "negated", "attributed", "log_words",
    *(f"kind_{kind}" for kind in CLAIM_KINDS),
)

_LOCK = threading.Lock()
_MODEL: dict[str, CheckworthinessModel] = {}


@dataclass(frozen=True)
class CheckworthinessModel:
    """Weights over [embedding, structural features]; ``threshold`` marks "check-worthy"."""

    weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: str = MODEL_PATH) -> CheckworthinessModel:
        with _LOCK:
            if path not in _MODEL:
                with np.load(path) as data:
                    _MODEL[path] = cls(data["weights"].astype(np.float32), float(data["bias"]), float(data["threshold"]))
            return _MODEL[path]

    def save(self, path: str = MODEL_PATH) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float32), bias=np.float32(self.bias),
                            threshold=np.float32(self.threshold), features=np.array(STRUCTURAL_FEATURES))

    def scores(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))


def structural_features(claim: Claim) -> list[float]:
    """The facts that make a statement checkable, as numbers, in STRUCTURAL_FEATURES order."""
    f = claim.facts
    return [
        float(any(states_figure(q) for q in f.quantities)),
        float(bool(f.entities)),
        math.log1p(len(f.entities)),
        float(bool(f.dates)),
        float(f.polarity == "negated"),
        float(f.attribution is not None),
        math.log1p(len(claim.text.split())),
        *(float(claim.kind == kind) for kind in CLAIM_KINDS),
    ]


def feature_matrix(claims: list[Claim], vectors: np.ndarray) -> np.ndarray:
    """One row per claim: its embedding, then its structural features."""
    structural = np.array([structural_features(c) for c in claims], dtype=np.float32).reshape(len(claims), -1)
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(claims), -1), structural])


def score_checkworthiness(claims: list[Claim], vectors: np.ndarray, model: CheckworthinessModel | None = None) -> list[Claim]:
    """Set each claim's ``checkworthiness`` from its embedding (row of ``vectors``) and facts."""
    if not claims:
        return claims
    model = model or CheckworthinessModel.load()
    for claim, score in zip(claims, model.scores(feature_matrix(claims, vectors))):
        claim.checkworthiness = round(float(score), 4)
    return claims
