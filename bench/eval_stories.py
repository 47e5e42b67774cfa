"""Stories: how well documents about one incident land in one story, and only they.

    python bench/eval_stories.py [--data ../shared/data]

1. **Choose** (ClaimDiff, train): every article of ClaimDiff's pairs becomes a document
   of its extracted claims, dated as the pair is; its topic is its gold story. The
   placement rule of ``service.story`` runs over them in date order for a grid of
   ``story_min_similarity`` x ``story_min_shared_names``; the defaults in Settings are
   the best pairwise F1 here. ClaimDiff is no newsdev text, so nothing is tuned on it.
2. **Measure** (newsdev + seeds): the 36 newsdev articles (6 events) and the three seed
   articles (000 alone; 001 published 2024-10-22 and 002 published 2024-01-10 report
   two different Blinken trips) are posted to ``POST /v1/documents`` with their dates,
   in a fixed shuffled order, and the stories the service assigned are scored.
3. **Margin**: the same grid on the newsdev + seeds documents, each placed from what
   the store kept for it (its claims and vectors), shows how far the defaults are from
   where the result changes.
4. **Candidates within a story**: of newsdev's labelled agree and contradict pairs
   (non-borderline) whose quotes stored claims cover (``eval_news.covering``), how many
   the relate stage judged during that ingest, i.e. how many ``find_candidates``
   paired; with the story search as configured and without it (``story_match_top_k=0``).

Scores: pairwise precision / recall / F1 over document pairs (same story vs same gold
event), purity (share of each story's documents from its main event) and inverse
purity (share of each event's documents in its main story).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import itertools
import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import replace

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service import story  # noqa: E402
from service.api import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.models import Document  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import RelationFilter, SQLiteStore  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from eval_news import covering, load, locate  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
SEED_DATES = {"000": None, "001": "2024-10-22", "002": "2024-01-10"}
SIMILARITIES = [round(0.3 + 0.05 * i, 2) for i in range(10)]
SHARED_NAMES = [1, 2, 3]


def scores(gold: list[str], placed: list[str]) -> dict[str, float]:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(gold)), 2):
        same_gold, same_story = gold[i] == gold[j], placed[i] == placed[j]
        tp += same_gold and same_story
        fp += same_story and not same_gold
        fn += same_gold and not same_story
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "purity": _purity(placed, gold),
            "inverse_purity": _purity(gold, placed), "stories": len(set(placed))}


def _purity(clusters: list[str], classes: list[str]) -> float:
    """Share of items that belong to their cluster's most common class."""
    by_cluster: dict[str, Counter] = {}
    for cluster, cls in zip(clusters, classes):
        by_cluster.setdefault(cluster, Counter())[cls] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(clusters)


def place_all(members, settings: Settings) -> list[str]:
    """Place members in order, exactly as ingest does, on an in-memory list of stories."""
    states: dict[str, object] = {}
    placed = []
    for i, m in enumerate(members):
        m = replace(m)
        m.story_id = story.place(m, list(states.values()), settings).story_id or f"sty_{i}"
        states[m.story_id] = story.joined(states.get(m.story_id), m)
        placed.append(m.story_id)
    return placed


def claimdiff_documents(pipeline: Pipeline, data: str):
    """ClaimDiff's articles as documents of their claims: (topic, StoryMember), by date."""
    with open(os.path.join(data, "claimdiff", "ClaimDiff-strength-train.json"), encoding="utf-8") as f:
        rows = json.load(f)["data"]
    articles: dict[tuple[str, str], dict] = {}
    for row in rows:
        for side in "ab":
            art = articles.setdefault((row["topic"], row[f"article_{side}"]),
                                      {"topic": row["topic"], "title": row[f"article_{side}"], "date": row["date"],
                                       "claims": []})
            if row[f"claim_{side}"] not in art["claims"]:
                art["claims"].append(row[f"claim_{side}"])
    ordered = sorted(articles.values(), key=lambda a: (a["date"], hashlib.md5(a["title"].encode()).hexdigest()))
    out = []
    for art in ordered:
        analysis = pipeline.analyze(text="\n\n".join(art["claims"]), published_at=art["date"])
        document = Document(id="", text="", content_hash="", published_at=art["date"])
        out.append((art["topic"], story.document_member(document, analysis.claims, analysis.vectors)))
    return out


def news_articles(data: str) -> list[dict]:
    """newsdev's articles and the seeds, each with its gold event, in a fixed shuffled order."""
    articles = []
    for path in sorted(glob.glob(os.path.join(data, "newsdev", "clusters", "*.json"))):
        with open(path, encoding="utf-8") as f:
            cluster = json.load(f)
        for a in cluster["articles"]:
            articles.append({"gold": cluster["slug"], "text": a["text"], "source": a["outlet"],
                             "url": a["url"], "published_at": a["date"]})
    for path in sorted(glob.glob(os.path.join(data, "..", "seeds", "*.txt"))):
        key = os.path.basename(path)[:3]
        with open(path, encoding="utf-8") as f:
            articles.append({"gold": f"seed-{key}", "text": f.read(), "source": f"seed-{key}",
                             "url": f"seed://{key}", "published_at": SEED_DATES[key]})
    return sorted(articles, key=lambda a: hashlib.md5(a["url"].encode()).hexdigest())


def stored_member(store, document_id: str):
    """What the store kept for a document, as the story stage sees it."""
    document = store.get_document(document_id)
    claims = store.document_claims(document_id, limit=10_000, cursor=None).items
    vectors = store.get_vectors([c.id for c in claims])
    stacked = np.stack([vectors[c.id] for c in claims]) if claims else np.zeros((0, 0), np.float32)
    return story.document_member(document, claims, stacked)


def grid(members, gold, settings: Settings) -> dict[tuple[int, float], dict]:
    return {
        (n, t): scores(gold, place_all(members, settings.with_(story_min_shared_names=n, story_min_similarity=t)))
        for n in SHARED_NAMES for t in SIMILARITIES
    }


def print_grid(title: str, results: dict, settings: Settings) -> None:
    print(f"\n{title}: pairwise F1 (precision/recall), rows story_min_shared_names, columns story_min_similarity")
    print("| names \\ cosine | " + " | ".join(f"{t:.2f}" for t in SIMILARITIES) + " |")
    print("|---" * (len(SIMILARITIES) + 1) + "|")
    for n in SHARED_NAMES:
        cells = []
        for t in SIMILARITIES:
            r = results[(n, t)]
            mark = "**" if (n, t) == (settings.story_min_shared_names, settings.story_min_similarity) else ""
            cells.append(f"{mark}{r['f1']:.2f} ({r['precision']:.2f}/{r['recall']:.2f}){mark}")
        print(f"| {n} | " + " | ".join(cells) + " |")


def print_scores(title: str, r: dict) -> None:
    print(f"{title}: {r['stories']} stories; pairwise precision {r['precision']:.3f} recall {r['recall']:.3f} "
          f"F1 {r['f1']:.3f}; purity {r['purity']:.3f}, inverse purity {r['inverse_purity']:.3f}")


def ingest_news(settings: Settings, articles: list[dict]):
    """Post every article; the pipeline, the stored document ids and every claim pair
    the relate stage judged (both orders), which is every candidate."""
    pipeline = Pipeline(settings, SQLiteStore(settings.db_path))
    judged: set[tuple[str, str]] = set()
    relate = pipeline.relater.relate

    def recording(a, b, similarity):
        judged.update({(a.id, b.id), (b.id, a.id)})
        return relate(a, b, similarity)

    pipeline.relater.relate = recording
    client = create_app(pipeline=pipeline).test_client()
    ids = []
    for a in articles:
        response = client.post("/v1/documents", json={k: a[k] for k in ("text", "source", "url", "published_at")})
        if response.status_code != 201:
            raise RuntimeError(f"POST /v1/documents answered {response.status_code}: {response.get_data()}")
        ids.append(response.get_json()["id"])
    return pipeline, ids, judged


def candidate_recall(pipeline: Pipeline, articles: list[dict], ids: list[str], judged, data: str) -> dict:
    """Per label: labelled pairs, lost in segmentation, candidates."""
    store = pipeline.store
    by_url = {a["url"]: i for a, i in zip(articles, ids)}
    clusters, pairs = load(os.path.join(data, "newsdev"))
    document_of = {a["id"]: by_url[a["url"]] for c in clusters for a in c["articles"]}
    claims = {d: [c.to_dict() for c in store.document_claims(d, limit=10_000, cursor=None).items]
              for d in document_of.values()}
    texts = {d: store.get_document(d).text for d in document_of.values()}
    out: dict[str, Counter] = {}
    for p in pairs:
        if p["borderline"] or p["label"] == "unrelated":
            continue
        da, db = document_of[p["a"]], document_of[p["b"]]
        ca = covering(claims[da], locate(texts[da], p["a_text"]))
        cb = covering(claims[db], locate(texts[db], p["b_text"]))
        row = out.setdefault(p["label"], Counter())
        row["pairs"] += 1
        if not (ca and cb):
            row["segmentation"] += 1
        elif any((x["id"], y["id"]) in judged for x in ca for y in cb):
            row["candidates"] += 1
    out["relations"] = Counter(r.kind for r in store.list_relations(RelationFilter(), limit=1_000_000,
                                                                     cursor=None).items)
    out["judged"] = Counter(pairs=len(judged) // 2)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(db_path=os.path.join(tmp, "stories.db"))
        pipeline = Pipeline(settings, SQLiteStore(settings.db_path))
        print(f"defaults: story_window_days={settings.story_window_days} "
              f"story_min_shared_names={settings.story_min_shared_names} "
              f"story_min_similarity={settings.story_min_similarity}")

        tuning = claimdiff_documents(pipeline, args.data)
        tune_gold = [g for g, _ in tuning]
        tune_results = grid([m for _, m in tuning], tune_gold, settings)
        print(f"\nClaimDiff train: {len(tuning)} articles, {len(set(tune_gold))} topics")
        print_grid("ClaimDiff train (choose)", tune_results, settings)
        best = max(tune_results, key=lambda k: (round(tune_results[k]["f1"], 3), -k[0], k[1]))
        print(f"best on ClaimDiff: story_min_shared_names={best[0]} story_min_similarity={best[1]}")

        articles = news_articles(args.data)
        news_settings = settings.with_(db_path=os.path.join(tmp, "news.db"))
        pipeline, ids, judged = ingest_news(news_settings, articles)
        gold = [a["gold"] for a in articles]
        client = create_app(pipeline=pipeline).test_client()
        placed = [client.get(f"/v1/documents/{i}").get_json()["story_id"] for i in ids]
        print()
        print_scores(f"newsdev + seeds through POST /v1/documents ({len(articles)} articles, "
                     f"{len(set(gold))} events)", scores(gold, placed))
        seeds = {a["gold"]: s for a, s in zip(articles, placed) if a["gold"].startswith("seed-")}
        shared = {k: sum(p == s for p in placed) - 1 for k, s in seeds.items()}
        print(f"seeds: {len(set(seeds.values()))} stories for 000, 001, 002; other documents in each: {shared}")

        members = [stored_member(pipeline.store, i) for i in ids]
        news_results = grid(members, gold, settings)
        default = news_results[(settings.story_min_shared_names, settings.story_min_similarity)]
        assert default["f1"] == scores(gold, placed)["f1"], "the in-memory placement should match ingest"
        print_grid("newsdev + seeds (margin)", news_results, settings)

        print("\ncandidates within a story (newsdev, non-borderline agree and contradict pairs):")
        print("| story_match_top_k | label | pairs | lost in segmentation | candidates | pairs judged | "
              "relations stored (agreement / contradiction / related) |")
        print("|---|---|---|---|---|---|---|")
        for k in (settings.story_match_top_k, 0):
            if k == settings.story_match_top_k:
                run = candidate_recall(pipeline, articles, ids, judged, args.data)
            else:
                off = settings.with_(db_path=os.path.join(tmp, "news-off.db"), story_match_top_k=0)
                off_pipeline, off_ids, off_judged = ingest_news(off, articles)
                run = candidate_recall(off_pipeline, articles, off_ids, off_judged, args.data)
            stored = run["relations"]
            for label in ("agree", "contradict"):
                row = run[label]
                print(f"| {k} | {label} | {row['pairs']} | {row['segmentation']} | {row['candidates']} | "
                      f"{run['judged']['pairs']} | {stored['agreement']} / {stored['contradiction']} / "
                      f"{stored['related']} |")


if __name__ == "__main__":
    main()
