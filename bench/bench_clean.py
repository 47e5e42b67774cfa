"""Speed of the first two stages, clean and segment, next to the parse they feed.

    python bench/bench_clean.py [--seeds ../shared/seeds] [--rounds 10]

Times ``clean`` (no model) and ``segment`` (one spaCy parse of every block) on the
seed articles, best of ``--rounds``, and prints milliseconds per article and
characters per second. Segmenting is the parse that the facts stage then reuses
through ``Segment.analysis``; cleaning should stay a small share of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from service.text.clean import clean  # noqa: E402
from service.text.nlp import load_nlp  # noqa: E402
from service.text.segment import segment  # noqa: E402

DEFAULT_SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")


def best_of(rounds: int, fn) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="folder of .txt articles (default: ../shared/seeds)")
    parser.add_argument("--rounds", type=int, default=10, help="repetitions; the best is reported")
    args = parser.parse_args(argv)

    nlp = load_nlp()
    names = sorted(n for n in os.listdir(args.seeds) if n.endswith(".txt"))
    print(f"{'article':28} {'chars':>6} {'claims':>6} {'clean ms':>9} {'segment ms':>11} {'clean share':>11}")
    for name in names:
        with open(os.path.join(args.seeds, name), encoding="utf-8") as f:
            raw = f.read()
        cleaned = clean(text=raw)  # warms the word list and the regexes
        claims = len(segment(cleaned, nlp))
        clean_s = best_of(args.rounds, lambda: clean(text=raw))
        segment_s = best_of(args.rounds, lambda: segment(cleaned, nlp))
        print(
            f"{name:28} {len(raw):6} {claims:6} {1000 * clean_s:9.1f} {1000 * segment_s:11.1f} "
            f"{clean_s / (clean_s + segment_s):11.0%}"
        )


if __name__ == "__main__":
    main()
