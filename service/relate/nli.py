"""The optional NLI backend: a local sentence-transformers CrossEncoder directory.

No NLI model can be downloaded here, so structured checks come first; a team that has
one points ``CROSSFACT_NLI_MODEL`` at its directory and its probabilities join the
evidence (see ``classify.combine``).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

# The label order of the public NLI cross-encoders, used when a model names none.
DEFAULT_LABELS = ("contradiction", "entailment", "neutral")
_ALIASES = {"contradiction": "contradiction", "entailment": "entailment", "neutral": "neutral",
            "c": "contradiction", "e": "entailment", "n": "neutral"}


class NLIModelMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class NLIScores:
    contradiction: float
    entailment: float
    neutral: float


class NLIBackend:
    """Loads the cross-encoder once, on first use, and scores statement pairs."""

    def __init__(self, path: str):
        if not os.path.isdir(path):
            raise NLIModelMissing(f"NLI model directory not found: {path} (CROSSFACT_NLI_MODEL)")
        self.path = path
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import CrossEncoder

                self._model = CrossEncoder(self.path, device="cpu", local_files_only=True)
            return self._model

    def labels(self) -> tuple[str, ...]:
        """The model's label names in output order, from its config when it has real ones."""
        id2label = getattr(self.model.model.config, "id2label", None) or {}
        names = [_ALIASES.get(str(id2label[i]).lower()) for i in sorted(id2label)]
        if len(names) == 3 and all(names) and len(set(names)) == 3:
            return tuple(names)
        return DEFAULT_LABELS

    def score(self, pairs: list[tuple[str, str]]) -> list[NLIScores]:
        if not pairs:
            return []
        probs = np.asarray(self.model.predict(pairs, apply_softmax=True, show_progress_bar=False))
        probs = probs.reshape(len(pairs), -1)
        labels = self.labels()
        return [NLIScores(**{name: float(row[i]) for i, name in enumerate(labels)}) for row in probs]
