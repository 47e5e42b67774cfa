"""negation_nli (Hossain et al. 2020) through /v1/compare: 3-way accuracy and
contradiction precision/recall on NLI pairs rewritten to hinge on a negation.

    python bench/eval_negation.py [--data ../shared/data] [--sets SNLI MNLI] [--limit N]

Gold entailment is "agreement", contradiction "contradiction", neutral "related".
Nothing is tuned here: the thresholds are the ones tuned on SICK TRAIN.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient, confusion, contradiction_scores  # noqa: E402

GOLD = {"entailment": "agreement", "contradiction": "contradiction", "neutral": "related"}


def load(data: str, name: str, limit: int | None) -> list[tuple[str, str, str]]:
    path = os.path.join(data, "negation_nli", f"{name}.txt")
    # A few rows carry stray Windows-1252 quotes; replace those bytes rather than fail.
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        rows = [(r["Text"], r["Hypothesis"], GOLD[r["gold_label"].strip()])
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return rows[:limit] if limit else rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--sets", nargs="+", default=["SNLI", "MNLI"], choices=("SNLI", "MNLI"))
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)

    client = CompareClient()
    for name in args.sets:
        rows = load(args.data, name, args.limit)
        answers = client.compare_all([(a, b) for a, b, _ in rows])
        gold, predicted = [g for *_, g in rows], [a["kind"] for a in answers]
        s = contradiction_scores(gold, predicted)
        print(f"negation_nli {name} through /v1/compare (Flask test client), n={s['n']}: "
              f"3-way accuracy {s['accuracy']:.3f}; contradiction precision {s['precision']:.3f} "
              f"recall {s['recall']:.3f} F1 {s['f1']:.3f}")
        print(confusion(gold, predicted))


if __name__ == "__main__":
    main()
