"""Ingest throughput with one and with several server processes on one database: what
the ingest turn (``Store.exclusive_ingest``: match, relate and store one document at a
time across every process) costs.

Starts PROCESSES ``crossfact serve`` processes on one fresh SQLite file and posts the
public-data articles (bench/articles.py) to them, 16 per ``POST /v1/documents/batch``,
one client per process taking the next batch from one shared list; timed from the
first request, once every server is ready.

    python bench/bench_processes.py --processes 1 --articles 200
    python bench/bench_processes.py --processes 2 --articles 200
    python bench/bench_processes.py --processes 2 --articles 200 --code /tmp/old   # servers of another checkout
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from datetime import datetime, timezone

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import public_articles  # noqa: E402
from bench_ingest import DEFAULT_DATA, _article_json, fresh_path  # noqa: E402
from bench_search import ROOT, Server  # noqa: E402

BATCH = 16


def run(articles, processes: int, code: str) -> tuple[float, int, int]:
    """Seconds, documents stored, failed items."""
    path = fresh_path(f"processes-{processes}.db")
    servers = [Server(path, root=code) for _ in range(processes)]
    batches = [[_article_json(a) for a in articles[i : i + BATCH]] for i in range(0, len(articles), BATCH)]
    stored, failed = [0], [0]
    lock = threading.Lock()

    def client(server: Server) -> None:
        while True:
            with lock:
                if not batches:
                    return
                batch = batches.pop(0)
            status, body = server.call("POST", "/v1/documents/batch", {"documents": batch})
            with lock:
                if status != 200:
                    failed[0] += len(batch)
                    continue
                for item in body["data"]:
                    if item["status"] == 201:
                        stored[0] += 1
                    else:
                        failed[0] += 1

    try:
        for server in servers:
            server.wait_until_ready()
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started, stored[0], failed[0]
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--articles", type=int, default=200, help="ingest the first N articles")
    parser.add_argument("--processes", type=int, default=1, help="server processes on the one database")
    parser.add_argument("--code", default=ROOT, help="the checkout whose service the servers run (default: this one)")
    args = parser.parse_args()
    articles = public_articles(args.data)[: args.articles]
    load = os.getloadavg()[0]
    seconds, stored, failed = run(articles, args.processes, args.code)
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {load:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end; code: {os.path.abspath(args.code)}")
    print(f"processes: {args.processes}, articles: {len(articles)}, stored: {stored}, failed: {failed}")
    print(f"ingest: {seconds:.1f} s = {len(articles) / seconds:.2f} articles/s")


if __name__ == "__main__":
    main()
