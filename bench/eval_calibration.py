"""Does a confidence mean something? A reliability table over /v1/compare verdicts.

    python bench/eval_calibration.py [--data ../shared/data]

Sends SICK TRIAL (ENTAILMENT = agreement, CONTRADICTION = contradiction, NEUTRAL =
related) and the newsdev labelled pairs (agree, contradict, unrelated = related; with
their publication dates, borderline pairs included) to /v1/compare, bins every verdict
by its confidence, and prints for each bin how many verdicts fall in it and what
share of them is right, for all verdicts and for agreements and contradictions alone.
The figure the issue asks for is the last line: of the verdicts at confidence 0.8 or
more, the share that is right.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient  # noqa: E402
from eval_sick import GOLD, load as load_sick  # noqa: E402

NEWS_GOLD = {"agree": "agreement", "contradict": "contradiction", "unrelated": "related"}
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def newsdev(data: str) -> list[tuple[dict, str]]:
    dates = {}
    for path in glob.glob(os.path.join(data, "newsdev", "clusters", "*.json")):
        for article in json.load(open(path, encoding="utf-8"))["articles"]:
            dates[article["id"]] = article["date"]
    rows = []
    for path in sorted(glob.glob(os.path.join(data, "newsdev", "pairs", "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            if line.strip():
                p = json.loads(line)
                body = {"a": p["a_text"], "b": p["b_text"], "a_published_at": dates[p["a"]],
                        "b_published_at": dates[p["b"]]}
                rows.append(({k: v for k, v in body.items() if v}, NEWS_GOLD[p["label"]]))
    return rows


def table(name: str, verdicts: list[tuple[str, float, str]]) -> None:
    print(f"\n{name}: {len(verdicts)} verdicts")
    print("| confidence | verdicts | right | agreements (right) | contradictions (right) |")
    print("|---|---|---|---|---|")
    for low, high in zip(BINS, BINS[1:]):
        inside = [(k, g) for k, c, g in verdicts if low <= c < high]
        right = sum(k == g for k, g in inside)
        agree = [(k, g) for k, g in inside if k == "agreement"]
        contra = [(k, g) for k, g in inside if k == "contradiction"]
        print(f"| {low:.1f}–{min(high, 1.0):.1f} | {len(inside)} | {_share(right, len(inside))} | "
              f"{len(agree)} ({_share(sum(k == g for k, g in agree), len(agree))}) | "
              f"{len(contra)} ({_share(sum(k == g for k, g in contra), len(contra))}) |")
    sure = [(k, g) for k, c, g in verdicts if c >= 0.8]
    print(f"at confidence >= 0.8: {sum(k == g for k, g in sure)} of {len(sure)} right "
          f"({_share(sum(k == g for k, g in sure), len(sure))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args()
    compare = CompareClient()

    sick = load_sick(args.data, "TRIAL", None)
    answers = compare.compare_all([(a, b) for a, b, _ in sick])
    sick_verdicts = [(r["kind"], r["confidence"], GOLD[g] if g in GOLD else g) for r, (_, _, g) in zip(answers, sick)]

    news = newsdev(args.data)
    compare.pipeline.prepare(t for body, _ in news for t in (body["a"], body["b"]))
    news_verdicts = []
    for body, gold in news:
        r = compare.client.post("/v1/compare", json=body).get_json()
        news_verdicts.append((r["kind"], r["confidence"], gold))

    table("SICK TRIAL", sick_verdicts)
    table("newsdev (all pairs, quotes alone)", news_verdicts)
    table("both", sick_verdicts + news_verdicts)


def _share(n: int, d: int) -> str:
    return f"{n / d:.2f}" if d else "-"


if __name__ == "__main__":
    main()
