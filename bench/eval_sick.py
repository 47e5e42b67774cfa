"""SICK through /v1/compare: contradiction precision, recall, F1 and 3-way accuracy.

    python bench/eval_sick.py [--data ../shared/data] [--split TRIAL] [--limit N] [--tune]

Gold ENTAILMENT is "agreement", CONTRADICTION "contradiction", NEUTRAL "related" (an
unrelated pair counts as related here: the endpoint always answers one of the three).
The classifier's thresholds were tuned with ``--split TRAIN --tune``; report TRIAL.
``--tune`` sweeps the thresholds on the chosen split and prints the best settings.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
from dataclasses import replace

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient, confusion, contradiction_scores  # noqa: E402

from service.relate.classify import DEFAULT_THRESHOLDS, classify  # noqa: E402

GOLD = {"ENTAILMENT": "agreement", "CONTRADICTION": "contradiction", "NEUTRAL": "related"}

# The grid --tune searches; each key is a field of service.relate.same_event.Thresholds.
GRID = {
    "opposition_overlap": (0.6, 0.7, 0.8, 0.9, 1.0),
    "same_overlap": (0.4, 0.5, 0.6),
    "agree_similarity": (0.8, 0.85, 0.9),
    "agree_overlap": (0.85, 1.0),
}


def load(data: str, split: str, limit: int | None) -> list[tuple[str, str, str]]:
    path = os.path.join(data, "sick", "SICK_train_trial.txt")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["SemEval_set"].strip() == split]
    rows = rows[:limit] if limit else rows
    return [(r["sentence_A"], r["sentence_B"], GOLD[r["entailment_label"].strip()]) for r in rows]


def tune(client: CompareClient, rows) -> None:
    """Sweep the thresholds with the cached claims; print the best by F1 at precision >= 0.85."""
    cached = client.pipeline.cache
    pairs = [(cached[a][0], cached[b][0], float(np.dot(cached[a][1], cached[b][1]))) for a, b, _ in rows]
    gold = [g for _, _, g in rows]
    results = []
    for values in itertools.product(*GRID.values()):
        t = replace(DEFAULT_THRESHOLDS, **dict(zip(GRID, values)))
        predicted = [classify(a, b, s, t).kind for a, b, s in pairs]
        results.append((contradiction_scores(gold, predicted), dict(zip(GRID, values))))
    ok = [r for r in results if r[0]["precision"] >= 0.85] or results
    for scores, values in sorted(ok, key=lambda r: (-r[0]["f1"], -r[0]["accuracy"]))[:5]:
        print(f"f1 {scores['f1']:.3f} p {scores['precision']:.3f} r {scores['recall']:.3f} "
              f"acc {scores['accuracy']:.3f}  {values}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--split", default="TRIAL", choices=("TRAIN", "TRIAL", "TEST"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--errors", type=int, default=0, help="print this many misclassified pairs")
    args = parser.parse_args(argv)

    rows = load(args.data, args.split, args.limit)
    client = CompareClient()
    answers = client.compare_all([(a, b) for a, b, _ in rows])
    gold = [g for _, _, g in rows]
    predicted = [r["kind"] for r in answers]
    s = contradiction_scores(gold, predicted)
    print(f"SICK {args.split} through /v1/compare (Flask test client), n={s['n']}")
    print(f"contradiction precision {s['precision']:.3f} recall {s['recall']:.3f} F1 {s['f1']:.3f}; "
          f"3-way accuracy {s['accuracy']:.3f}")
    print(confusion(gold, predicted))
    wrong = [(r, g, a) for r, g, a in zip(rows, gold, answers) if g != a["kind"]]
    for (a, b, _), g, answer in wrong[: args.errors]:
        print(f"- gold {g}, got {answer['kind']}: {a} || {b} -- {answer['explanation']}")
    if args.tune:
        tune(client, rows)


if __name__ == "__main__":
    main()
