"""Cost growth: time per ingested article as the corpus grows from 1k to 1M claims.

Ingest must not do all-pairs work: each new claim costs one index query and a few
candidate comparisons, whatever the corpus holds. For each size the bench copies a
pre-filled store (bench_search.fill: real sentences, synthetic vectors), ingests the
same real articles (bench/articles.py) through ``Pipeline.ingest``, and reports the
time per article. The articles' claims are new to the corpus, so every stage runs.

    python bench/bench_growth.py --sizes 1000,10000,100000,1000000 --articles 60
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import datetime, timezone

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import claimdiff_articles  # noqa: E402
from bench_search import DEFAULT_DATA, OUT, fill  # noqa: E402

from embeddings.encoder import Encoder  # noqa: E402
from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402


def copy_store(source: str, target: str) -> None:
    for leftover in (target, target + "-wal", target + "-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    for folder in (".index", ".lexical"):  # the vector and lexical indexes beside the file
        shutil.rmtree(target + folder, ignore_errors=True)
    SQLiteStore(source).db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)
    for folder in (".index", ".lexical"):
        if os.path.isdir(source + folder):
            shutil.copytree(source + folder, target + folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--articles", type=int, default=60, help="articles ingested at each size")
    args = parser.parse_args()
    articles = claimdiff_articles(args.data)[: args.articles]
    encoder = Encoder()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f}")
    print("| claims before | index | ms per article (mean) | p50 | p95 | claims ingested | articles failed |")
    print("|---|---|---|---|---|---|---|")
    for size in map(int, args.sizes.split(",")):
        path = os.path.join(OUT, "growth.db")
        copy_store(fill(size, args.data), path)
        pipeline = Pipeline(Settings.from_env(db_path=path), SQLiteStore(path), encoder=encoder)
        pipeline.warm_up()
        times, claims, failed = [], 0, 0
        for article in articles:
            started = time.perf_counter()
            try:
                claims += pipeline.ingest(article).document.claims_count
            except Exception:  # a stage's bug is bench_ingest's to report; time the rest
                failed += 1
                continue
            times.append((time.perf_counter() - started) * 1000)
        kind = "approximate" if pipeline.index.approximate else "exact"
        p50, p95 = np.percentile(times, [50, 95])
        print(f"| {size:,} | {kind} | {np.mean(times):.0f} | {p50:.0f} | {p95:.0f} | {claims} | {failed} |")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
