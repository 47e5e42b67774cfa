"""MSRP (train) through /v1/compare: paraphrase detection as "agreement".

    python bench/eval_msrp.py [--data ../shared/data] [--limit N]

A pair is predicted a paraphrase when the endpoint answers "agreement". Reports
precision, recall and F1 of the paraphrase class, and accuracy. Nothing is tuned on MSRP.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient  # noqa: E402


def load(data: str, limit: int | None) -> list[tuple[str, str, bool]]:
    path = os.path.join(data, "msrp", "msr_paraphrase_train.txt")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = [(r["#1 String"], r["#2 String"], r["Quality"] == "1")
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return rows[:limit] if limit else rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)

    rows = load(args.data, args.limit)
    answers = CompareClient().compare_all([(a, b) for a, b, _ in rows])
    gold = [g for *_, g in rows]
    said = [a["kind"] == "agreement" for a in answers]
    tp = sum(g and s for g, s in zip(gold, said))
    precision = tp / sum(said) if any(said) else 0.0
    recall = tp / sum(gold) if any(gold) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(g == s for g, s in zip(gold, said)) / len(rows)
    kinds = {k: sum(a["kind"] == k for a in answers) for k in ("agreement", "contradiction", "related")}
    print(f"MSRP train through /v1/compare (Flask test client), n={len(rows)}: paraphrase precision "
          f"{precision:.3f} recall {recall:.3f} F1 {f1:.3f}; accuracy {accuracy:.3f}; answers {kinds}")


if __name__ == "__main__":
    main()
