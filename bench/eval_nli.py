"""SNLI dev and FEVER-Symmetric dev through /v1/compare: contradiction and agreement
precision and recall on two more public NLI sets.

    python bench/eval_nli.py snli [--limit N]     # ../shared/data/snli_dev, 9,842 pairs
    python bench/eval_nli.py fever                # ../shared/data/fever_symmetric, 708 pairs

SNLI: entailment = agreement, contradiction = contradiction, neutral = related.
FEVER-Symmetric: the evidence sentence is ``a``, the claim ``b``; SUPPORTS = agreement,
REFUTES = contradiction (it has no neutral pairs). Nothing is tuned on either set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient, confusion  # noqa: E402

SNLI = {"entailment": "agreement", "contradiction": "contradiction", "neutral": "related"}
FEVER = {"SUPPORTS": "agreement", "REFUTES": "contradiction"}


def load(name: str, data: str) -> list[tuple[str, str, str]]:
    if name == "snli":
        folder = os.path.join(data, "snli_dev")
        lines = [open(os.path.join(folder, f), encoding="utf-8").read().splitlines() for f in ("s1.dev", "s2.dev", "labels.dev")]
        return [(a.strip(), b.strip(), SNLI[g.strip()]) for a, b, g in zip(*lines) if g.strip() in SNLI]
    path = os.path.join(data, "fever_symmetric", "fever_symmetric_dev.jsonl")
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [(r["evidence"], r["claim"], FEVER[r["gold_label"]]) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=("snli", "fever"))
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    rows = load(args.set, args.data)[: args.limit]
    answers = CompareClient().compare_all([(a, b) for a, b, _ in rows])
    gold = [g for *_, g in rows]
    predicted = [a["kind"] for a in answers]
    print(f"{args.set} through /v1/compare, n={len(rows)}")
    for kind in ("contradiction", "agreement"):
        said = sum(p == kind for p in predicted)
        real = sum(g == kind for g in gold)
        right = sum(p == g == kind for p, g in zip(predicted, gold))
        print(f"{kind}: precision {right / said if said else 0:.3f} recall {right / real if real else 0:.3f} "
              f"({right} right of {said} said, {real} real)")
    print(confusion(gold, predicted))


if __name__ == "__main__":
    main()
