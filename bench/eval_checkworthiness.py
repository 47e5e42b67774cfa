"""Check-worthiness on held-out public sets: F1 and average precision of the check-worthy class.

    python bench/eval_checkworthiness.py [--data ../shared/data] [--split NAME ...]

Splits (none of them is read by bench/train_checkworthiness.py, which trains and tunes
on ClaimBuster's two-class training set only):

- ``claimbuster-test``: ClaimBuster two-class test set, debate sentences, balanced.
- ``ct19-test``: CheckThat! 2019 task 1 test, debate transcripts at their natural rate
  of check-worthy sentences (about 2%), the realistic case for a whole article.
- ``ct22-1a-dev``: CheckThat! 2022 task 1A English dev, COVID-19 tweets: another genre.

Sentences that also occur in the training set are dropped from a test split (counted
in the output). F1, precision and recall are at the shipped threshold; AP is threshold
free, and "base rate" is the AP a random ranking would get.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score

sys.path.insert(0, os.path.dirname(__file__))

from checkworthiness_data import DEFAULT_DATA, load_split, normal  # noqa: E402
from checkworthiness_features import claims_and_vectors  # noqa: E402

from service.text.checkworthiness import CheckworthinessModel, score_checkworthiness  # noqa: E402

TEST_SPLITS = ("claimbuster-test", "ct19-test", "ct22-1a-dev")


def evaluate(name: str, data: str, seen: set[str], model: CheckworthinessModel) -> dict:
    rows = [(text, label) for text, label in load_split(name, data) if text.strip()]
    kept = [(text, label) for text, label in rows if normal(text) not in seen]
    texts, y = [t for t, _ in kept], np.array([label for _, label in kept])
    claims, vectors = claims_and_vectors(texts)
    scores = np.array([c.checkworthiness for c in score_checkworthiness(claims, vectors, model)])
    predicted = scores >= model.threshold
    return {
        "split": name, "sentences": len(kept), "dropped": len(rows) - len(kept), "positives": int(y.sum()),
        "f1": f1_score(y, predicted), "precision": precision_score(y, predicted, zero_division=0),
        "recall": recall_score(y, predicted), "ap": average_precision_score(y, scores), "base_rate": float(y.mean()),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--split", action="append", choices=TEST_SPLITS, help="repeatable; default: all three")
    args = parser.parse_args(argv)

    seen = {normal(text) for text, _ in load_split("claimbuster-train", args.data)}
    model = CheckworthinessModel.load()
    print(f"threshold {model.threshold:.3f}\n")
    print("| split | sentences (dropped) | check-worthy | F1 | precision | recall | AP | base rate |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.split or TEST_SPLITS:
        r = evaluate(name, args.data, seen, model)
        print(f"| {r['split']} | {r['sentences']} ({r['dropped']}) | {r['positives']} | {r['f1']:.3f} | "
              f"{r['precision']:.3f} | {r['recall']:.3f} | {r['ap']:.3f} | {r['base_rate']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
