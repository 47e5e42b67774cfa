"""Shared by the relation benchmarks: statement pairs through ``POST /v1/compare``.

Each benchmark sends its pairs through the Flask test client, so what it scores is
what the endpoint answers. The one shortcut is a cache: every distinct statement is
parsed and encoded once, in batches (``Pipeline.statements``), before the pairs are
sent; ``Pipeline.statement``, what the endpoint calls, is the same for one text.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service.api import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
LABELS = ("agreement", "contradiction", "related")


class CachedPipeline(Pipeline):
    """A pipeline whose statements are analysed ahead, in batches, and kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache = {}

    def prepare(self, texts: Iterable[str]) -> None:
        todo = sorted({t for t in texts if t not in self.cache})
        self.cache.update(zip(todo, self.statements(todo)))

    def statement(self, text, published_at=None, **kwargs):
        if published_at is None and text in self.cache:
            return self.cache[text]
        return super().statement(text, published_at, **kwargs)


class CompareClient:
    """Posts pairs to /v1/compare on an app built around a ``CachedPipeline``."""

    def __init__(self, settings: Settings | None = None):
        self._tmp = tempfile.TemporaryDirectory()
        settings = settings or Settings.from_env(db_path=os.path.join(self._tmp.name, "bench.db"))
        self.pipeline = CachedPipeline(settings, SQLiteStore(settings.db_path))
        self.client = create_app(pipeline=self.pipeline).test_client()

    def compare_all(self, pairs: list[tuple[str, str]]) -> list[dict]:
        self.pipeline.prepare(t for pair in pairs for t in pair)
        out = []
        for a, b in pairs:
            response = self.client.post("/v1/compare", json={"a": a, "b": b})
            if response.status_code != 200:
                raise RuntimeError(f"/v1/compare answered {response.status_code}: {response.get_data(as_text=True)}")
            out.append(response.get_json())
        return out


def contradiction_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Precision, recall and F1 of the contradiction label, and 3-way accuracy."""
    tp = sum(g == p == "contradiction" for g, p in zip(gold, predicted))
    fp = sum(p == "contradiction" != g for g, p in zip(gold, predicted))
    fn = sum(g == "contradiction" != p for g, p in zip(gold, predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy, "n": len(gold)}


def confusion(gold: list[str], predicted: list[str]) -> str:
    """A small gold-by-predicted table, rows gold, columns predicted."""
    lines = ["gold \\ predicted | " + " | ".join(LABELS)]
    for g in LABELS:
        counts = [sum(1 for x, y in zip(gold, predicted) if x == g and y == p) for p in LABELS]
        lines.append(f"{g} | " + " | ".join(str(c) for c in counts))
    return "\n".join(lines)
