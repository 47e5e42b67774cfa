"""/v1/search and /v1/check latency beside their floor, and the server's start and memory,
at 10k to 1M claims.

For each size, a store is filled once (cached in bench/out/) with real news sentences
(MSRP) repeated as claim texts and synthetic unit vectors (bench/synthetic.py) as
their embeddings: encoding a million sentences would take hours here. The vector
index is built, and above ``exact_index_max`` snapshotted, while filling, and the
lexical index after. Then the bench starts a real server (``crossfact serve``,
waitress) on 127.0.0.1, waits for its first answered search, sends queries one at a
time over one keep-alive connection (STS-benchmark dev sentences, not in the corpus),
and reads the server's resident memory from /proc.

The floor of each request is timed in this process just before it is sent: the bare
encode of the query (for /v1/check, of its two sentences in one batch) and a bare
search of the same vector index, which is the least any search can cost here; each
latency is reported beside it, and as a ratio, so that the load of a shared machine
shows in both. The floor is timed twice: with the plain sentence-transformers model
(PyTorch) and with the encoder runtime the server uses (ONNX Runtime by default).

    python bench/bench_search.py --sizes 10000,100000,1000000 --queries 100
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

# Before torch loads, here and in the server this starts (it inherits the environment):
# OpenMP threads that spin after their work steal this shared machine's two cores from
# the other process, so the floor timed here right after a request, or a request
# right after its floor, pays for the other's spinning (at load 7, a one-sentence
# encode here took 620 ms spinning, 84 ms passive, against 64 to 100 ms in the server).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from articles import public_sentences  # noqa: E402
from synthetic import clustered_unit_vectors  # noqa: E402

from embeddings.encoder import Encoder  # noqa: E402
from embeddings.index import one_blas_thread  # noqa: E402
from service.config import Settings  # noqa: E402
from service.corpus import CorpusIndex  # noqa: E402
from service.models import Claim, Document  # noqa: E402
from service.search import DEPTH, normalise_query  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")
OUT = os.path.join(HERE, "out")
CLAIMS_PER_DOCUMENT = 1000


def fill(size: int, data: str) -> str:
    """The path of a store with ``size`` claims and its index snapshot, made if missing."""
    path = os.path.join(OUT, f"search-{size}.db")
    if os.path.exists(path) and SQLiteStore(path).vector_state().count == size:
        lexical(path)
        return path
    os.makedirs(OUT, exist_ok=True)
    for leftover in (path, path + "-wal", path + "-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    shutil.rmtree(path + ".index", ignore_errors=True)
    started = time.perf_counter()
    texts = public_sentences(data)
    store = SQLiteStore(path)
    n = 0
    for block in clustered_unit_vectors(size, chunk=CLAIMS_PER_DOCUMENT):
        claims = [Claim(text=texts[(n + i) % len(texts)], span=(0, 0), id=f"clm_{n + i}") for i in range(len(block))]
        document = Document(id=f"doc_{n}", text=f"synthetic document {n}", content_hash=f"synthetic-{n}",
                            source=f"source-{n // CLAIMS_PER_DOCUMENT % 10}")
        store.add_document(document, claims, block, [])
        n += len(block)
    filled = time.perf_counter() - started
    CorpusIndex(Settings.from_env(db_path=path)).refresh(store)
    print(f"  filled {size} claims in {filled:.0f} s, indexed in {time.perf_counter() - started - filled:.0f} s")
    lexical(path)
    return path


def lexical(path: str) -> None:
    """Build or bring up to date the store's lexical index, as a server's warm-up would."""
    started = time.perf_counter()
    SQLiteStore(path).warm_up()
    took = time.perf_counter() - started
    if took > 1:
        print(f"  lexical index brought up to date in {took:.0f} s")


def sts_dev(data: str) -> list[tuple[str, str]]:
    with open(os.path.join(data, "stsbenchmark", "sts-dev.csv"), encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) >= 7]
    return [(r[5], r[6]) for r in rows]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``crossfact serve`` in a child process, and one keep-alive connection to it."""

    def __init__(self, db_path: str, root: str = ROOT):
        self.port = free_port()
        # This checkout's service (or the one at ``root``), not whichever one the
        # ``crossfact`` script was installed from.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port), "--db", db_path,
             "--threads", "4"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root,
        )
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        """Status and milliseconds of one request."""
        started = time.perf_counter()
        status, _ = self.call(method, path, body)
        return status, (time.perf_counter() - started) * 1000

    def search_ms(self, query: str) -> float:
        """Milliseconds of one GET /v1/search of ``query`` (top 10), which must answer 200."""
        status, ms = self.request("GET", "/v1/search?" + urllib.parse.urlencode({"q": query, "limit": 10}))
        assert status == 200, status
        return ms

    def check_ms(self, text: str) -> float:
        """Milliseconds of one POST /v1/check of ``text``, which must answer 200."""
        status, ms = self.request("POST", "/v1/check", {"text": text})
        assert status == 200, status
        return ms

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        """Status and JSON answer of one request."""
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def wait_until_ready(self) -> float:
        """Seconds from start until /v1/ready says the models are loaded."""
        started = time.perf_counter()
        while True:
            try:
                if self.call("GET", "/v1/ready")[0] == 200:
                    return time.perf_counter() - started
            except (ConnectionError, OSError, http.client.HTTPException):
                self.connection.close()
            if self.process.poll() is not None:
                raise RuntimeError("the server exited before it was ready")
            time.sleep(0.5)

    def wait_until_serving(self, query: str) -> float:
        """Seconds from start until a search is answered (models and index loaded)."""
        started = time.perf_counter()
        while True:
            try:
                status, _ = self.request("GET", "/v1/search?" + urllib.parse.urlencode({"q": query, "limit": 10}))
                if status == 200:
                    return time.perf_counter() - started
                if status >= 500:
                    raise RuntimeError(f"the server answered a search with {status}")
            except (ConnectionError, OSError, http.client.HTTPException):
                self.connection.close()
            if self.process.poll() is not None:
                raise RuntimeError("the server exited before it answered")
            time.sleep(0.5)

    def memory_mb(self) -> tuple[float, float]:
        """Resident memory now and its peak, in MiB."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def stop(self) -> None:
        self.connection.close()
        self.process.terminate()
        self.process.wait(timeout=30)


class Floor:
    """The least a request can cost here: the bare encode of its text and a bare search
    of the same vector index, in this process, in a worker thread as the server's
    request threads run it. Timed twice: with the plain sentence-transformers model
    (PyTorch), the issue's floor, and with the server's own encoder runtime (ONNX
    Runtime by default), the least this server's code can reach."""

    def __init__(self, path: str):
        one_blas_thread()  # as the server's Pipeline does
        settings = Settings.from_env(db_path=path)
        self.encoders = [Encoder(runtime="torch"), Encoder(runtime=settings.encoder_runtime)]
        self.index = CorpusIndex(settings)
        self.index.refresh(SQLiteStore(path))
        self.worker = ThreadPoolExecutor(max_workers=1)
        for encoder in self.encoders:
            self.worker.submit(encoder.encode, ["warm up"]).result()

    def ms(self, texts: list[str]) -> list[float]:
        """Milliseconds with the plain model, then with the server's runtime."""
        return [self.worker.submit(self._ms, encoder, texts).result() for encoder in self.encoders]

    def _ms(self, encoder: Encoder, texts: list[str]) -> float:
        started = time.perf_counter()
        self.index.search(encoder.encode(texts), DEPTH)
        return (time.perf_counter() - started) * 1000


def beside(times: list[float], floors: list[list[float]]) -> str:
    """p50 / p95 of a latency, of its two floors (plain, the server's runtime), and the ratios."""
    p50, p95 = np.percentile(times, [50, 95])
    cells = [f"{p50:.1f} / {p95:.1f}"]
    for floor in zip(*floors):
        f50, f95 = np.percentile(floor, [50, 95])
        cells += [f"{f50:.1f} / {f95:.1f}", f"{p50 / f50:.2f} / {p95 / f95:.2f}"]
    return " | ".join(cells)


def measure(size: int, data: str, queries: int) -> None:
    path = fill(size, data)
    pairs = sts_dev(data)
    floor = Floor(path)
    load = os.getloadavg()[0]
    server = Server(path)
    try:
        ready_s = server.wait_until_serving(pairs[0][0])
        search_ms, search_floor = [], []
        for a, _ in pairs[1 : queries + 1]:
            search_floor.append(floor.ms([normalise_query(a)]))
            search_ms.append(server.search_ms(a))
        check_ms, check_floor = [], []
        for a, b in pairs[1 : queries // 2 + 1]:
            check_floor.append(floor.ms([a, b]))
            check_ms.append(server.check_ms(f"{a} {b}"))
        rss, peak = server.memory_mb()
    finally:
        server.stop()
    print(f"| {size:,} | {load:.1f} / {os.getloadavg()[0]:.1f} | {ready_s:.1f} | {beside(search_ms, search_floor)} | "
          f"{beside(check_ms, check_floor)} | {rss:.0f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="searches per size (checks: half as many)")
    args = parser.parse_args()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f}")
    print("| claims | load start / end | start to first answer s | /v1/search p50 / p95 ms | plain floor | "
          "ratio | runtime's floor | ratio | /v1/check (2 sentences) p50 / p95 ms | plain floor | ratio | "
          "runtime's floor | ratio | RSS MiB | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in map(int, args.sizes.split(",")):
        measure(size, args.data, args.queries)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
