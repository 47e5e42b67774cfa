"""ClaimDiff (train): how well candidate matching separates related from unrelated pairs.

    python bench/eval_matching.py [--data ../shared/data]

Every ClaimDiff pair joins two claims of different outlets' articles on one topic.
ClaimDiff ships one set of pairs twice: the strength file marks the pairs where one
claim strengthens the other, the weak file the same pairs where one weakens the other.
A pair is *related* when either file marks it, which is the decision that
``relate_min_score`` makes; the remaining pairs share a topic and nothing more, like
the weak links a fact-checker should not have to read.

Since both files hold the same pairs, holding out a file would hold out nothing; the
split is by topic instead (an md5 of the topic, so it never changes): thresholds are
tuned on the "tune" topics and reported on the "held-out" ones. Scores are exactly
``service.match``'s: the cosine of the two embeddings and ``rescore`` of the two claims,
built by the real stages (``CachedPipeline`` parses and encodes each claim once).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CachedPipeline

from service.config import Settings
from service.match import WEIGHTS, rescore, rescore_features
from service.store import SQLiteStore

# The precision a fact-checker's "related" link should reach on the tune topics. ClaimDiff's
# pairs are mostly related (base rate 0.76-0.85), so a modest target such as 0.7 is met by
# keeping everything; 0.95 asks for a third of the errors that keeping everything makes.
TARGET_PRECISION = 0.95
CUTS = [round(0.25 + 0.05 * i, 2) for i in range(10)]


@dataclass
class Pair:
    a: str
    b: str
    topic: str
    related: bool
    features: tuple[float, ...] = ()  # service.match.rescore_features, the cosine first
    score: float = 0.0

    @property
    def similarity(self) -> float:
        return self.features[0]


def load(data: str) -> list[Pair]:
    """The train pairs once each, related when the strength or the weak file says so."""
    files = [os.path.join(data, "claimdiff", f"ClaimDiff-{kind}-train.json") for kind in ("strength", "weak")]
    rows = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            for row in json.load(f)["data"]:
                pair = rows.setdefault(row["pair_id"], Pair(row["claim_a"], row["claim_b"], row["topic"], False))
                pair.related = pair.related or row["relation"] == 1
    return list(rows.values())


def split_of(topic: str) -> str:
    return "tune" if int(hashlib.md5(topic.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "held-out"


def score_pairs(pairs: list[Pair], settings: Settings) -> None:
    """Fill in each pair's cosine and re-score, through the stages ingest uses."""
    with tempfile.TemporaryDirectory() as tmp:
        pipeline = CachedPipeline(settings, SQLiteStore(os.path.join(tmp, "bench.db")))
        pipeline.prepare(t for p in pairs for t in (p.a, p.b))
        for p in pairs:
            claim_a, vec_a = pipeline.statement(p.a)
            claim_b, vec_b = pipeline.statement(p.b)
            similarity = float(np.dot(vec_a, vec_b))
            p.features = rescore_features(claim_a, claim_b, similarity)
            p.score = rescore(claim_a, claim_b, similarity)


def kept(pairs: list[Pair], match_min_similarity: float, relate_min_score: float) -> list[bool]:
    """Which pairs ``find_candidates`` would keep: both cuts, as there."""
    return [p.similarity >= match_min_similarity and p.score >= relate_min_score for p in pairs]


def precision_recall(pairs: list[Pair], said: list[bool]) -> tuple[float, float, float]:
    tp = sum(p.related and s for p, s in zip(pairs, said))
    precision = tp / sum(said) if any(said) else 0.0
    recall = tp / sum(p.related for p in pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def tune(pairs: list[Pair], min_similarity: float) -> float:
    """The lowest ``relate_min_score`` whose links reach TARGET_PRECISION on ``pairs``."""
    for cut in np.arange(0.30, 0.90, 0.01):
        precision, recall, _ = precision_recall(pairs, kept(pairs, min_similarity, cut))
        if precision >= TARGET_PRECISION and recall > 0:
            return round(float(cut), 2)
    raise SystemExit(f"no relate_min_score reaches precision {TARGET_PRECISION} on the tune topics")


def report(name: str, pairs: list[Pair], settings: Settings) -> None:
    """Ranking quality of both scores, then precision/recall at the configured cuts."""
    gold = [p.related for p in pairs]
    print(f"{name}: n={len(pairs)}, related {sum(gold)} (base rate {sum(gold) / len(gold):.3f})")
    for label, values in (("cosine", [p.similarity for p in pairs]), ("re-score", [p.score for p in pairs])):
        print(f"  {label:8s} ROC AUC {roc_auc_score(gold, values):.3f}, average precision "
              f"{average_precision_score(gold, values):.3f}")
    gate = settings.match_min_similarity
    for label, min_score in (("cosine alone", 0.0), ("re-score", settings.relate_min_score)):
        precision, recall, f1 = precision_recall(pairs, kept(pairs, gate, min_score))
        print(f"  {label:12s} at match_min_similarity {gate}, relate_min_score {min_score}: "
              f"precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")


def sweep(parts: dict[str, list[Pair]], settings: Settings, name: str) -> None:
    """Precision / recall of each split as one setting rises, the other as configured."""
    print(f"\n{name} sweep (precision / recall)")
    print(f"{name} | " + " | ".join(parts))
    for value in CUTS:
        cuts = {"match_min_similarity": settings.match_min_similarity, "relate_min_score": settings.relate_min_score}
        cuts[name] = value
        cells = [precision_recall(part, kept(part, **cuts))[:2] for part in parts.values()]
        print(f"{value:.2f} | " + " | ".join(f"{p:.3f} / {r:.3f}" for p, r in cells))


def refit_weights(tune_pairs: list[Pair], held_out: list[Pair]) -> None:
    """Would other re-score weights rank better? A logistic fit on the tune topics, scored held out."""
    model = LogisticRegression().fit([p.features for p in tune_pairs], [p.related for p in tune_pairs])
    weights = model.coef_[0] / model.coef_[0].sum()
    auc = roc_auc_score([p.related for p in held_out], model.decision_function([p.features for p in held_out]))
    print(f"\nRe-score weights refitted on the tune topics (cosine, wording, entities, figure; now {WEIGHTS}): "
          f"{tuple(round(float(w), 2) for w in weights)}, held-out ROC AUC {auc:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    pairs = load(args.data)
    score_pairs(pairs, settings)
    parts = {name: [p for p in pairs if split_of(p.topic) == name] for name in ("tune", "held-out")}
    print("ClaimDiff train, split by topic; configured thresholds")
    for name, part in parts.items():
        report(name, part, settings)
    for name in ("relate_min_score", "match_min_similarity"):
        sweep(parts, settings, name)
    refit_weights(parts["tune"], parts["held-out"])
    cut = tune(parts["tune"], settings.match_min_similarity)
    precision, recall, f1 = precision_recall(parts["held-out"], kept(parts["held-out"], settings.match_min_similarity, cut))
    print(f"\nLowest relate_min_score with precision >= {TARGET_PRECISION} on the tune topics: {cut}; "
          f"held-out precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
