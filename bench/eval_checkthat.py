"""Claim retrieval on CLEF CheckThat! 2022 task 2A (English): MAP@5 of hybrid search.

Each verified claim becomes one document of the store, the way a fact-check article
would arrive: its claims are the verified claim and the article's title (each its
own claim, so each is embedded and BM25-indexed). Segmentation is bypassed, since
every field is one sentence already: the texts are bulk-encoded with the service's
encoder and stored with ``Store.add_document``. Each tweet is then a query to
``service.search.hybrid_search``, exactly what /v1/search runs, and a verified claim
ranks where its best claim ranks.

    python bench/eval_checkthat.py                 # MAP@5 on train, dev and dev-test
    python bench/eval_checkthat.py --tune train    # fusion grid on one split

Encodings are cached in bench/out/ (keyed by the texts), so reruns take seconds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
from datetime import datetime, timezone

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from embeddings.encoder import Encoder  # noqa: E402
from service import search  # noqa: E402
from service.config import Settings  # noqa: E402
from service.corpus import CorpusIndex  # noqa: E402
from service.models import Claim, Document  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")
OUT = os.path.join(HERE, "out")
SPLITS = {
    "train": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Train_QRELs.tsv"),
    "dev": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Dev_QRELs.tsv"),
    "dev-test": ("CT2022-Task2A-EN-Dev-Test_Queries.tsv", "CT2022-Task2A-EN-Dev-Test_QRELs.tsv"),
}


# -- data ----------------------------------------------------------------------------


def read_vclaims(folder: str) -> list[dict]:
    with open(os.path.join(folder, "verified_claims.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_split(folder: str, split: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The split's tweets ``{id: text}`` and relevant verified claims ``{id: {vclaim_id}}``."""
    queries_file, qrels_file = SPLITS[split]
    qrels: dict[str, set[str]] = {}
    with open(os.path.join(folder, qrels_file), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) == 4 and row[3] == "1":
                qrels.setdefault(row[0], set()).add(row[2])
    with open(os.path.join(folder, queries_file), encoding="utf-8") as f:
        queries = {row[0]: row[1] for row in csv.reader(f, delimiter="\t") if len(row) == 2 and row[0] in qrels}
    return queries, qrels


def claim_texts(vclaim: dict) -> list[str]:
    """The sentences of one fact-check: the verified claim, then the article's title."""
    texts = [vclaim["vclaim"].strip()]
    title = (vclaim.get("title") or "").strip()
    if title and title.lower() != texts[0].lower():
        texts.append(title)
    return texts


def encode_cached(encoder: Encoder, texts: list[str], name: str) -> np.ndarray:
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = os.path.join(OUT, f"{name}-{encoder.runtime}-{digest}.npy")  # the runtimes differ in float noise
    if os.path.exists(path):
        return np.load(path)
    vectors = encoder.encode(texts)
    os.makedirs(OUT, exist_ok=True)
    np.save(path, vectors)
    return vectors


# -- the corpus ------------------------------------------------------------------------


def build_store(vclaims: list[dict], encoder: Encoder) -> tuple[SQLiteStore, CorpusIndex, dict[str, str]]:
    """A fresh store holding every verified claim; returns it with ``{document_id: vclaim_id}``."""
    path = os.path.join(OUT, "checkthat.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    texts = [claim_texts(v) for v in vclaims]
    vectors = encode_cached(encoder, [t for group in texts for t in group], "checkthat-vclaims")
    store = SQLiteStore(path)
    owner, row = {}, 0
    for n, (vclaim, group) in enumerate(zip(vclaims, texts)):
        body = "\n\n".join(group)
        # Some fact-checks share their text word for word: they are still distinct documents.
        digest = hashlib.sha256(vclaim["vclaim_id"].encode()).hexdigest()
        document = Document(id=f"doc_{n}", text=body, content_hash=digest,
                            title=vclaim.get("title"), source="checkthat", metadata={"vclaim_id": vclaim["vclaim_id"]})
        claims, start = [], 0
        for i, text in enumerate(group):
            claims.append(Claim(text=text, span=(start, start + len(text)), id=f"clm_{n}_{i}"))
            start += len(text) + 2
        store.add_document(document, claims, vectors[row : row + len(group)], [])
        owner[document.id] = vclaim["vclaim_id"]
        row += len(group)
    index = CorpusIndex(Settings(db_path=path))
    index.refresh(store)
    return store, index, owner


# -- scoring ---------------------------------------------------------------------------


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    """The official scorer's AP@k: precision at each relevant hit in the top k, over all relevant."""
    hits, total = 0, 0.0
    for i, vclaim_id in enumerate(ranked[:k], 1):
        if vclaim_id in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def to_vclaims(claim_ids: list[str], owner: dict[str, str]) -> list[str]:
    """Claim ids ranked -> verified claims ranked, each at the rank of its best claim."""
    seen: dict[str, None] = {}
    for cid in claim_ids:
        seen.setdefault(owner["doc_" + cid.split("_")[1]], None)
    return list(seen)


def evaluate(split, queries, qrels, encoder, index, store, owner) -> float:
    vectors = dict(zip(queries, encode_cached(encoder, [search.normalise_query(t) for t in queries.values()],
                                              f"checkthat-{split}")))
    scores = []
    for qid, text in queries.items():
        ranked = search.hybrid_search(text, lambda _: vectors[qid][None], index, store, 20)
        scores.append(average_precision_at(to_vclaims([cid for cid, _ in ranked], owner), qrels[qid]))
    return float(np.mean(scores))


def tune(split, queries, qrels, encoder, index, store, owner) -> None:
    """MAP@5 over a grid of fusion settings, from one pass of each ranking per query."""
    texts = [search.normalise_query(t) for t in queries.values()]
    vectors = encode_cached(encoder, texts, f"checkthat-{split}")
    legs = []
    for qid, text, vector in zip(queries, texts, vectors):
        meaning = [cid for cid, _ in index.search(vector[None], search.DEPTH)[0]]
        wording = [cid for cid, _ in store.lexical_search(search.lexical_query(text), search.DEPTH)]
        legs.append((qid, meaning, wording))
    print(f"| RRF k | lexical weight | MAP@5 on {split} |\n|---|---|---|")
    for k in (10, 30, 60):
        for weight in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0):
            aps = [
                average_precision_at(to_vclaims([c for c, _ in search.fuse([(m, 1.0), (w, weight)], k)], owner),
                                     qrels[qid])
                for qid, m, w in legs
            ]
            print(f"| {k} | {weight} | {np.mean(aps):.4f} |")
    bm25_only = [average_precision_at(to_vclaims(w, owner), qrels[qid]) for qid, _, w in legs]
    print(f"| BM25 alone | | {np.mean(bm25_only):.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--tune", choices=sorted(SPLITS), help="print the fusion grid on this split instead")
    args = parser.parse_args()
    folder = os.path.join(args.data, "checkthat2022_2a")

    started = time.perf_counter()
    encoder = Encoder()
    store, index, owner = build_store(read_vclaims(folder), encoder)
    print(f"{len(owner)} verified claims, {len(index)} claims indexed in {time.perf_counter() - started:.0f} s")
    splits = [args.tune] if args.tune else list(SPLITS)
    for split in splits:
        queries, qrels = read_split(folder, split)
        if args.tune:
            tune(split, queries, qrels, encoder, index, store, owner)
        else:
            score = evaluate(split, queries, qrels, encoder, index, store, owner)
            print(f"MAP@5 {split}: {score:.4f} ({len(queries)} queries)")
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, "
          f"RRF k={search.RRF_K}, lexical weight={search.LEXICAL_WEIGHT}, depth={search.DEPTH}")


if __name__ == "__main__":
    main()
