"""Ingest throughput, and how far it is above the floor that encoding alone sets.

Ingests ~1,100 articles built from public data (bench/articles.py) into a fresh
store through ``Pipeline.ingest`` (every stage: clean, segment, facts, embed, match,
relate, store), then, in the same run, times the bare sentence-transformers encode
of the very claims that were stored: the least any ingest of them can cost here.

    python bench/bench_ingest.py                     # all articles
    python bench/bench_ingest.py --profile 100       # and where the time of 100 goes (cProfile)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
import traceback
from collections import Counter
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import public_articles  # noqa: E402

from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")
OUT = os.path.join(HERE, "out")


def fresh_pipeline(name: str) -> Pipeline:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    settings = Settings.from_env(db_path=path)
    pipeline = Pipeline(settings, SQLiteStore(path))
    pipeline.warm_up()
    return pipeline


def stored_claim_texts(pipeline: Pipeline, document_ids: list[str]) -> list[str]:
    texts = []
    for document_id in document_ids:
        texts += [c.text for c in pipeline.store.document_claims(document_id, limit=10_000, cursor=None).items]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--articles", type=int, default=0, help="ingest only the first N articles")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile the ingest of N articles")
    parser.add_argument("--batch", type=int, default=1, metavar="N",
                        help="ingest N articles per Pipeline.ingest_many call (as POST /v1/documents/batch and "
                             "crossfact ingest do); 1 = one Pipeline.ingest per article")
    parser.add_argument("--budget", type=float, default=0, metavar="SECONDS",
                        help="stop ingesting after this long (a loaded machine) and report what was done")
    args = parser.parse_args()
    articles = public_articles(args.data)
    if args.articles:
        articles = articles[: args.articles]
    if args.profile:
        profile(articles[: args.profile])
        return

    pipeline = fresh_pipeline("ingest.db")
    load = os.getloadavg()[0]
    documents, failures = [], Counter()
    started = time.perf_counter()
    for first in range(0, len(articles), args.batch):
        chunk = articles[first : first + args.batch]
        try:
            results = pipeline.ingest_many(chunk)
        except Exception as exc:  # a bug in a stage must not hide the throughput of the rest
            failures[f"{type(exc).__name__} at {_where(exc)}"] += len(chunk)
            results = []
        for result in results:
            if hasattr(result, "document"):
                documents.append(result.document.id)
            else:
                failures[type(result).__name__] += 1
        if args.budget and time.perf_counter() - started > args.budget:
            break
    ingest_s = time.perf_counter() - started

    texts = stored_claim_texts(pipeline, documents)
    started = time.perf_counter()
    pipeline.encoder.encode(texts)
    encode_s = time.perf_counter() - started

    tried = len(documents) + sum(failures.values())
    chars = sum(len(a.text) for a in articles[:tried])
    print(f"batch: {args.batch} article(s) per call")
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {load:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end")
    print(f"articles: {tried} ({chars / tried:.0f} characters each), stored: {len(documents)}, claims: {len(texts)}")
    for failure, count in failures.items():
        print(f"failed: {count} x {failure}")
    print(f"ingest: {ingest_s:.1f} s = {tried / ingest_s:.2f} articles/s, {len(texts) / ingest_s:.1f} claims/s")
    print(f"bare encode of the same claims: {encode_s:.1f} s = {len(texts) / encode_s:.1f} claims/s")
    print(f"ingest / encode: {ingest_s / encode_s:.2f}")


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{os.path.relpath(frame.filename)}:{frame.lineno}"


def profile(articles) -> None:
    pipeline = fresh_pipeline("ingest-profile.db")
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        try:
            pipeline.ingest(article)
        except Exception as exc:  # reported, not profiled around
            print(f"failed: {type(exc).__name__} at {_where(exc)}")
    profiler.disable()
    report = io.StringIO()
    pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(40)
    print(report.getvalue())


if __name__ == "__main__":
    main()
