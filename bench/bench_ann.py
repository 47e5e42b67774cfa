"""Which approximate nearest-neighbour library should back the large-corpus index?

Builds hnswlib, faiss (HNSW over 8-bit scalar quantisation) and usearch (int8 and
float16) on the same clustered synthetic vectors, and reports build time, recall@10
against exact search, single-query latency and memory. sqlite-vec is not measured:
this Python's sqlite3 cannot load extensions.

    python bench/bench_ann.py --count 100000
"""

from __future__ import annotations

import argparse
import gc
import os
import time

import numpy as np

from synthetic import clustered_unit_vectors

K = 10


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# Each builder returns search(query_row, ef) -> neighbour rows; all use degree 16 and
# construction expansion 128.


def build_hnswlib(data):
    import hnswlib

    index = hnswlib.Index(space="ip", dim=data.shape[1])
    index.init_index(max_elements=len(data), M=16, ef_construction=128)
    index.add_items(data, np.arange(len(data)))

    def search(q, ef):
        index.set_ef(ef)
        return index.knn_query(q, k=K)[0][0]

    return search


def build_faiss(data):
    import faiss

    index = faiss.IndexHNSWSQ(data.shape[1], faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 128
    index.train(data)
    index.add(data)

    def search(q, ef):
        index.hnsw.efSearch = ef
        return index.search(q, K)[1][0]

    return search


def build_usearch(dtype):
    def build(data):
        from usearch.index import Index

        index = Index(ndim=data.shape[1], metric="cos", dtype=dtype, connectivity=16, expansion_add=128)
        index.add(np.arange(len(data)), data)

        def search(q, ef):
            index.expansion_search = ef
            return index.search(q[0], K).keys

        return search

    return build


LIBRARIES = {
    "hnswlib f32": build_hnswlib,
    "faiss HNSW SQ8": build_faiss,
    "usearch i8": build_usearch("i8"),
    "usearch f16": build_usearch("f16"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ef", default="32,64,128", help="search expansions to try, comma-separated")
    args = parser.parse_args()

    data = np.concatenate(list(clustered_unit_vectors(args.count, seed=1)))
    # A query is a claim worded a little differently from one already stored.
    rng = np.random.default_rng(2)
    queries = data[rng.choice(len(data), args.queries, replace=False)]
    queries = queries + 0.5 * rng.standard_normal(queries.shape).astype(np.float32) / np.sqrt(data.shape[1])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth = np.argsort(-(queries @ data.T), axis=1)[:, :K]
    print(f"{args.count} vectors, {args.queries} queries, load {os.getloadavg()[0]:.2f}")
    print("| library | build s | RSS added MB | ef | recall@10 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for name, build in LIBRARIES.items():
        gc.collect()
        before = rss_mb()
        start = time.perf_counter()
        search = build(data)
        built = time.perf_counter() - start
        grown = rss_mb() - before
        for ef in map(int, args.ef.split(",")):
            hits, times = 0, []
            for q, want in zip(queries, truth):
                t = time.perf_counter()
                got = search(q.reshape(1, -1), ef)
                times.append((time.perf_counter() - t) * 1000)
                hits += len(set(np.asarray(got).tolist()) & set(want.tolist()))
            p50, p95 = np.percentile(times, [50, 95])
            print(f"| {name} | {built:.1f} | {grown:.0f} | {ef} | {hits / truth.size:.3f} | {p50:.2f} | {p95:.2f} |")
        del search


if __name__ == "__main__":
    main()
