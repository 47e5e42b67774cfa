"""The claims, facts and relations that ingest produces, as JSON, to prove a speed change
left them alone.

Ingests the seed articles and the newsdev cluster articles through
``Pipeline.ingest_many`` (16 per call, as POST /v1/documents/batch does) into a
throw-away store and writes, per article in order, each claim's text, span, kind,
context, event date and facts: everything the text stages produce (check-worthiness
and vectors are the encoder's, not theirs); then each claim's relations to earlier
claims (named by article and position, ids being random): kind, confidence,
similarity, explanation, conflicts and evidence, as the relate stage gave them. Run it
before and after a change and compare the files (byte for byte, or but for a similarity's last digit, which the
encoder's batch shapes move):

    python bench/facts_snapshot.py --out /tmp/facts-before.json
    python bench/facts_snapshot.py --out /tmp/facts-after.json --compare /tmp/facts-before.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from service.config import Settings  # noqa: E402
from service.models import Article  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared")
BATCH = 16


def articles(shared: str) -> list[tuple[str, Article]]:
    """``(name, article)``: the seed texts, then every article of every newsdev cluster."""
    found = []
    seeds = os.path.join(shared, "seeds")
    for name in sorted(os.listdir(seeds)):
        if name.endswith(".txt"):
            with open(os.path.join(seeds, name), encoding="utf-8") as f:
                found.append((name, Article(text=f.read())))
    clusters = os.path.join(shared, "data", "newsdev", "clusters")
    for name in sorted(os.listdir(clusters)):
        with open(os.path.join(clusters, name), encoding="utf-8") as f:
            cluster = json.load(f)
        for item in cluster["articles"]:
            found.append((f"{name}/{item['id']}", Article(text=item["text"], url=item.get("url"),
                                                          published_at=item.get("date"))))
    return found


def snapshot(shared: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "facts.db")
        pipeline = Pipeline(Settings.from_env(db_path=path), SQLiteStore(path))
        named = articles(shared)
        out, names = {}, {}
        for first in range(0, len(named), BATCH):
            chunk = named[first : first + BATCH]
            for (name, _), result in zip(chunk, pipeline.ingest_many([a for _, a in chunk])):
                if not hasattr(result, "document"):
                    out[name] = f"{type(result).__name__}: {result}"
                    continue
                claims = pipeline.store.document_claims(result.document.id, limit=10_000, cursor=None).items
                names.update({c.id: f"{name}#{i}" for i, c in enumerate(claims)})
                out[name] = [
                    {"text": c.text, "span": list(c.span), "kind": c.kind, "context": c.context,
                     "event_date": c.event_date, "facts": c.facts.to_dict(),
                     "relations": relations_of(pipeline.store, c.id, names)}
                    for c in claims
                ]
        return out


def relations_of(store: SQLiteStore, claim_id: str, names: dict[str, str]) -> list[dict]:
    """The relations the ingest of ``claim_id`` stored, to the claims it found, in the
    order of their names."""
    found = [r for r in store.claim_relations(claim_id, limit=10_000, cursor=None).items if r.claim_a_id == claim_id]
    return sorted(
        ({"to": names[r.claim_b_id], "kind": r.kind, "confidence": r.confidence,
          "similarity": round(r.similarity, 5), "explanation": r.explanation,
          "conflicts": [c.to_dict() for c in r.conflicts], "evidence": r.evidence} for r in found),
        key=lambda r: r["to"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=SHARED, help="the shared folder (default: ../shared)")
    parser.add_argument("--out", required=True, help="where to write the JSON")
    parser.add_argument("--compare", help="a JSON written before: exit 1 unless the new one is byte-identical")
    args = parser.parse_args()
    data = snapshot(args.shared)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    claims = [c for v in data.values() if isinstance(v, list) for c in v]
    relations = sum(len(c["relations"]) for c in claims)
    print(f"{len(data)} articles, {len(claims)} claims, {relations} relations -> {args.out}")
    if args.compare:
        with open(args.compare, encoding="utf-8") as f:
            before = f.read()
        if before == text:
            print("identical")
            return
        previous = json.loads(before)
        differing = [name for name in data if not same(previous.get(name), data[name])]
        if not differing and previous.keys() == data.keys():
            print(f"identical but for similarities within {SIMILARITY_NOISE} (float noise of the encoder)")
            return
        print("DIFFERENT")
        for name in differing:
            print(f"  differs: {name}")
        sys.exit(1)


# Two runs of the encoder over differently shaped batches give vectors that differ in
# the seventh decimal (BLAS blocking), so a similarity may differ in its last digit.
SIMILARITY_NOISE = 2e-5


def same(before, after, key: str = "") -> bool:
    """Equal, but for similarities within ``SIMILARITY_NOISE``."""
    if key == "similarity" and isinstance(before, float) and isinstance(after, float):
        return abs(before - after) <= SIMILARITY_NOISE
    if isinstance(before, dict) and isinstance(after, dict):
        return before.keys() == after.keys() and all(same(before[k], after[k], k) for k in before)
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(same(x, y) for x, y in zip(before, after))
    return before == after


if __name__ == "__main__":
    main()
