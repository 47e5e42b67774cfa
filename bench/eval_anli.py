"""ANLI rounds 1-2 (annotated dev sets) through /v1/compare: contradiction recall per
reasoning tag, and how often entailment pairs are wrongly called contradictions.

    python bench/eval_anli.py [--data ../shared/data] [--rounds 1 2] [--limit N]

The premise (a paragraph) is statement ``a``, the hypothesis statement ``b``. Nothing is
tuned on ANLI: the thresholds are the ones tuned on SICK TRAIN.
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient  # noqa: E402

TAGS = ("Numerical", "Dates", "Names", "Negation", "Location")


def load(data: str, rounds: list[int], limit: int | None) -> list[dict]:
    rows = []
    for r in rounds:
        path = os.path.join(data, "anli_annotated", f"ANLI_analysis_r{r}_dev.csv")
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                row["round"] = r
                row["tag_list"] = ast.literal_eval(row["tags"]) if row["tags"] else []
                rows.append(row)
    return rows[:limit] if limit else rows


def report(rows: list[dict], kinds: list[str]) -> list[str]:
    lines = ["| tag | contradiction pairs | recall | entailment pairs | called contradiction |", "|---|---|---|---|---|"]
    for tag in (None, *TAGS):
        chosen = [(r, k) for r, k in zip(rows, kinds) if tag is None or tag in r["tag_list"]]
        c = [k for r, k in chosen if r["gold_label"] == "c"]
        e = [k for r, k in chosen if r["gold_label"] == "e"]
        recall = sum(k == "contradiction" for k in c) / len(c) if c else 0.0
        false = sum(k == "contradiction" for k in e) / len(e) if e else 0.0
        lines.append(f"| {tag or 'all'} | {len(c)} | {recall:.3f} | {len(e)} | {false:.3f} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--rounds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--errors", type=int, default=0, help="print this many false contradictions")
    args = parser.parse_args(argv)

    rows = load(args.data, args.rounds, args.limit)
    answers = CompareClient().compare_all([(r["context"], r["statement"]) for r in rows])
    kinds = [a["kind"] for a in answers]
    print(f"ANLI rounds {args.rounds} dev through /v1/compare (Flask test client), n={len(rows)}")
    print("\n".join(report(rows, kinds)))
    conflict_types = Counter(c["type"] for r, a in zip(rows, answers) if r["gold_label"] == "c" for c in a["conflicts"])
    print("conflict types on true contradictions:", dict(conflict_types))
    shown = 0
    for r, a in zip(rows, answers):
        if shown < args.errors and r["gold_label"] == "e" and a["kind"] == "contradiction":
            print(f"- {r['statement']} -- {a['explanation']}")
            shown += 1


if __name__ == "__main__":
    main()
