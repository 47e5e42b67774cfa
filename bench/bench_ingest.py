"""Ingest throughput, and how far it is above the floor that encoding alone sets.

Ingests ~1,100 articles built from public data (bench/articles.py) into a fresh
store through ``Pipeline.ingest`` (every stage: clean, segment, facts, embed, match,
relate, store), then, in the same run, times the bare sentence-transformers encode
(PyTorch, the plain floor) of the very claims that were stored, in one call with the
pipeline's batch size: the least any ingest of them costs with the plain model. The
pipeline's own encoder (ONNX Runtime by default, ``CROSSFACT_ENCODER_RUNTIME``) is
timed on the same claims too, and the ingest reported against both.

    python bench/bench_ingest.py --batch 1           # one article per call (as POST /v1/documents)
    python bench/bench_ingest.py --batch 16          # 16 per call (as POST /v1/documents/batch)
    python bench/bench_ingest.py --batch 16 --http   # through a real server's POST /v1/documents/batch
    python bench/bench_ingest.py --batch 16 --also-floor-batch 64   # the floor at another batch size too
    python bench/bench_ingest.py --profile 100 --batch 16   # where the time of 100 goes (cProfile), and the turn's share
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

# As in bench_search: passive OpenMP waits, here and in the server this may start, so
# that no process spins on the cores another needs (this machine has two).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import public_articles  # noqa: E402

from embeddings.encoder import Encoder  # noqa: E402
from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")
OUT = os.path.join(HERE, "out")


def fresh_path(name: str) -> str:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def fresh_pipeline(name: str) -> Pipeline:
    path = fresh_path(name)
    settings = Settings.from_env(db_path=path)
    pipeline = Pipeline(settings, SQLiteStore(path))
    pipeline.warm_up()
    return pipeline


def stored_claim_texts(store: SQLiteStore, document_ids: list[str]) -> list[str]:
    texts = []
    for document_id in document_ids:
        texts += [c.text for c in store.document_claims(document_id, limit=10_000, cursor=None).items]
    return texts


def ingest_in_process(articles, batch: int, budget: float) -> tuple[SQLiteStore, list[str], Counter, float]:
    """Articles through ``Pipeline.ingest_many``, ``batch`` per call: the store, the ids
    stored, the failures, and the seconds it took."""
    pipeline = fresh_pipeline("ingest.db")
    documents, failures = [], Counter()
    started = time.perf_counter()
    for first in range(0, len(articles), batch):
        chunk = articles[first : first + batch]
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
        if budget and time.perf_counter() - started > budget:
            break
    return pipeline.store, documents, failures, time.perf_counter() - started


def ingest_over_http(articles, batch: int, budget: float) -> tuple[SQLiteStore, list[str], Counter, float]:
    """The same through a real server, ``batch`` articles per POST /v1/documents/batch
    (one per POST /v1/documents when ``batch`` is 1); timed from the first request,
    once the server answers."""
    from bench_search import Server

    path = fresh_path("ingest-http.db")
    server = Server(path)
    documents, failures = [], Counter()
    try:
        server.wait_until_ready()
        started = time.perf_counter()
        for first in range(0, len(articles), batch):
            chunk = [_article_json(a) for a in articles[first : first + batch]]
            if batch == 1:
                status, body = server.call("POST", "/v1/documents", chunk[0])
                items = [{"status": status, "result": body}]
            else:
                status, body = server.call("POST", "/v1/documents/batch", {"documents": chunk})
                items = body["data"] if status == 200 else [{"status": status}] * len(chunk)
            for item in items:
                if item["status"] in (200, 201):
                    documents.append(item["result"]["id"])
                else:
                    failures[f"HTTP {item['status']}"] += 1
            if budget and time.perf_counter() - started > budget:
                break
        ingest_s = time.perf_counter() - started
    finally:
        server.stop()
    return SQLiteStore(path), documents, failures, ingest_s


def _article_json(article) -> dict:
    fields = {"text": article.text, "title": article.title, "source": article.source,
              "published_at": article.published_at}
    return {k: v for k, v in fields.items() if v is not None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--articles", type=int, default=0, help="ingest only the first N articles")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile the ingest of N articles")
    parser.add_argument("--batch", type=int, default=1, metavar="N",
                        help="ingest N articles per Pipeline.ingest_many call (as POST /v1/documents/batch and "
                             "crossfact ingest do); 1 = one Pipeline.ingest per article")
    parser.add_argument("--http", action="store_true",
                        help="ingest through a real server (crossfact serve) instead of in this process")
    parser.add_argument("--also-floor-batch", type=int, default=0, metavar="N",
                        help="also time the bare encode at N sentences per forward pass (an earlier setting)")
    parser.add_argument("--budget", type=float, default=0, metavar="SECONDS",
                        help="stop ingesting after this long (a loaded machine) and report what was done")
    args = parser.parse_args()
    articles = public_articles(args.data)
    if args.articles:
        articles = articles[: args.articles]
    if args.profile:
        profile(articles[: args.profile], args.batch)
        return

    load = os.getloadavg()[0]
    ingest = ingest_over_http if args.http else ingest_in_process
    store, documents, failures, ingest_s = ingest(articles, args.batch, args.budget)

    texts = stored_claim_texts(store, documents)
    settings = Settings.from_env()
    encoder = Encoder(settings.embedding_model, settings.encode_batch_size, runtime="torch")  # the plain floor
    encode_s = timed_encode(encoder, texts)
    pipelines = Encoder(settings.embedding_model, settings.encode_batch_size, settings.encoder_runtime)
    pipelines_s = timed_encode(pipelines, texts)
    other_s = None
    if args.also_floor_batch:
        other = Encoder(settings.embedding_model, args.also_floor_batch, runtime="torch")
        started = time.perf_counter()
        other.encode(texts)
        other_s = time.perf_counter() - started

    tried = len(documents) + sum(failures.values())
    chars = sum(len(a.text) for a in articles[:tried])
    print(f"batch: {args.batch} article(s) per call, {'over HTTP' if args.http else 'in process'}")
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {load:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end")
    print(f"articles: {tried} ({chars / tried:.0f} characters each), stored: {len(documents)}, claims: {len(texts)}")
    for failure, count in failures.items():
        print(f"failed: {count} x {failure}")
    print(f"ingest: {ingest_s:.1f} s = {tried / ingest_s:.2f} articles/s, {len(texts) / ingest_s:.1f} claims/s")
    print(f"bare sentence-transformers encode of the same claims (PyTorch), {encoder.batch_size} per forward "
          f"pass as in the pipeline: {encode_s:.1f} s = {len(texts) / encode_s:.1f} claims/s")
    print(f"the pipeline's encoder ({type(pipelines.model).__name__}): {pipelines_s:.1f} s = "
          f"{len(texts) / pipelines_s:.1f} claims/s")
    print(f"ingest / encode: {ingest_s / encode_s:.2f} (against the pipeline's encoder: {ingest_s / pipelines_s:.2f})")
    if other_s is not None:
        print(f"bare encode at {args.also_floor_batch} per forward pass: {other_s:.1f} s = "
              f"{len(texts) / other_s:.1f} claims/s; ingest / that encode: {ingest_s / other_s:.2f}")


def timed_encode(encoder: Encoder, texts: list[str]) -> float:
    """Seconds ``encoder`` takes over ``texts``, its model loaded and warmed first."""
    encoder.encode(texts[:64])
    started = time.perf_counter()
    encoder.encode(texts)
    return time.perf_counter() - started


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{os.path.relpath(frame.filename)}:{frame.lineno}"


def profile(articles, batch: int) -> None:
    pipeline = fresh_pipeline("ingest-profile.db")
    profiler = cProfile.Profile()
    profiler.enable()
    for first in range(0, len(articles), batch):
        try:
            pipeline.ingest_many(articles[first : first + batch])
        except Exception as exc:  # reported, not profiled around
            print(f"failed: {type(exc).__name__} at {_where(exc)}")
    profiler.disable()
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).sort_stats("cumulative")
    stats.print_stats(40)
    # The pipeline's own steps, whatever their rank: _store_in_turn is the ingest turn
    # (docs/performance.md, "Ingest with several processes on one database").
    stats.print_stats(r"service/pipeline.py")
    print(report.getvalue())


if __name__ == "__main__":
    main()
