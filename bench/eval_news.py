"""Relations on real multi-outlet news: newsdev, through the whole path.

Every article of every event is posted to ``POST /v1/documents`` (with its outlet as
source and its publication date), in date order, as a team would. Each labelled claim
pair is then looked up among the stored relations between the claims that cover its
two quotes, and lost, where it is lost, at one stage:

- segmentation: no stored claim covers one of the quotes;
- candidates: claims cover both quotes, but no relation joins them;
- judgement: a relation joins them, of the wrong kind.

A pair's stored kind is the strongest relation between its covering claims
(contradiction, then agreement, then related). Recall and precision are counted over
the labelled pairs; ``unrelated`` pairs are hard negatives, right when left related or
unjoined. Agreements and contradictions stored between documents of *different*
events are wrong by construction and are counted too, as a precision check that does
not depend on the labels. The same quotes are then sent to ``POST /v1/compare`` alone.

    python bench/eval_news.py                      # newsdev, non-borderline pairs
    python bench/eval_news.py --borderline         # all pairs
    python bench/eval_news.py --data DIR --show    # another folder of the same shape; print misses
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(__file__))

from compare_client import DATA, CompareClient  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

KIND_OF_LABEL = {"agree": "agreement", "contradict": "contradiction", "unrelated": "related"}
STRENGTH = {"contradiction": 3, "agreement": 2, "related": 1}


def load(folder: str):
    clusters = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(folder, "clusters", "*.json")))]
    pairs = []
    for path in sorted(glob.glob(os.path.join(folder, "pairs", "*.jsonl"))):
        pairs += [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return clusters, pairs


def ingest(client, clusters) -> tuple[dict[str, dict], dict[str, str]]:
    """Post every article; returns {article id: stored document} and {document id: event}."""
    articles = [(a, c["slug"]) for c in clusters for a in c["articles"]]
    articles.sort(key=lambda x: (x[0]["date"] or "9999", x[0]["id"]))
    docs, event_of = {}, {}
    for article, slug in articles:
        body = {"text": article["text"], "url": article["url"], "source": article["outlet"]}
        if article["date"]:
            body["published_at"] = article["date"]
        response = client.post("/v1/documents", json=body)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{article['id']}: {response.status_code} {response.get_data(as_text=True)}")
        doc = response.get_json()
        docs[article["id"]] = doc
        event_of[doc["id"]] = slug
    return docs, event_of


def paged(client, url: str) -> list[dict]:
    items, cursor = [], None
    while True:
        sep = "&" if "?" in url else "?"
        response = client.get(url + (f"{sep}limit=200&cursor={cursor}" if cursor else f"{sep}limit=200"))
        body = response.get_json()
        items += body["data"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote lies in the cleaned text: exactly, else by fuzzy alignment."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=85)
    return (found.dest_start, found.dest_end) if found else None


def covering(claims: list[dict], span: tuple[int, int] | None) -> list[dict]:
    """Claims that hold at least half of the quote, or that the quote holds half of."""
    if span is None:
        return []
    start, end = span
    out = []
    for claim in claims:
        s, e = claim["span"]
        shared = min(e, end) - max(s, start)
        if shared > 0 and (shared >= 0.5 * (end - start) or shared >= 0.5 * (e - s)):
            out.append(claim)
    return out


def stored_kind(relations_of: dict[str, list[dict]], ca: list[dict], cb: list[dict]) -> dict | None:
    ids_b = {c["id"] for c in cb}
    best = None
    for claim in ca:
        for rel in relations_of.get(claim["id"], []):
            other = rel["claim_b"]["id"] if rel["claim_a"]["id"] == claim["id"] else rel["claim_a"]["id"]
            if other in ids_b and (best is None or STRENGTH[rel["kind"]] > STRENGTH[best["kind"]]):
                best = rel
    return best


def scores(gold: list[str], predicted: list[str], kind: str) -> tuple[float, float, int, int]:
    tp = sum(g == p == kind for g, p in zip(gold, predicted))
    said = sum(p == kind for p in predicted)
    real = sum(g == kind for g in gold)
    return (tp / said if said else 0.0), (tp / real if real else 0.0), said, real


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(DATA, "newsdev"))
    parser.add_argument("--borderline", action="store_true", help="include pairs marked borderline")
    parser.add_argument("--show", action="store_true", help="print every labelled pair the service gets wrong")
    parser.add_argument("--json", help="write per-pair results here")
    parser.add_argument("--dump", help="write every stored agreement and contradiction here, with its events")
    args = parser.parse_args()

    clusters, pairs = load(args.data)
    if not args.borderline:
        pairs = [p for p in pairs if not p["borderline"]]
    compare = CompareClient()
    client = compare.client
    docs, event_of = ingest(client, clusters)
    claims = {aid: paged(client, f"/v1/documents/{d['id']}/claims") for aid, d in docs.items()}
    relations_of: dict[str, list[dict]] = defaultdict(list)
    every = paged(client, "/v1/relations")
    for rel in every:
        relations_of[rel["claim_a"]["id"]].append(rel)
        relations_of[rel["claim_b"]["id"]].append(rel)
    texts = {aid: client.get(f"/v1/documents/{d['id']}").get_json()["text"] for aid, d in docs.items()}

    rows = []
    for p in pairs:
        ca = covering(claims[p["a"]], locate(texts[p["a"]], p["a_text"]))
        cb = covering(claims[p["b"]], locate(texts[p["b"]], p["b_text"]))
        rel = stored_kind(relations_of, ca, cb) if ca and cb else None
        stage = "segmentation" if not (ca and cb) else "candidates" if rel is None else "judged"
        rows.append({**p, "stage": stage, "stored": rel["kind"] if rel else None,
                     "explanation": rel["explanation"] if rel else None, "evidence": rel.get("evidence") if rel else None,
                     "stored_a": [c["text"] for c in ca], "stored_b": [c["text"] for c in cb]})

    dates = {a["id"]: a["date"] for c in clusters for a in c["articles"]}
    answers = [
        client.post("/v1/compare", json={k: v for k, v in {
            "a": r["a_text"], "b": r["b_text"], "a_published_at": dates[r["a"]], "b_published_at": dates[r["b"]],
        }.items() if v}).get_json()
        for r in rows
    ]
    for r, answer in zip(rows, answers):
        r["compare"], r["compare_explanation"] = answer["kind"], answer["explanation"]

    report(rows, every, event_of, args.show)
    if args.json:
        json.dump(rows, open(args.json, "w", encoding="utf-8"), indent=1)
    if args.dump:
        strong = [{"kind": r["kind"], "explanation": r["explanation"], "a": r["claim_a"]["text"], "b": r["claim_b"]["text"],
                   "events": [event_of.get(r["claim_a"]["document_id"]), event_of.get(r["claim_b"]["document_id"])]}
                  for r in every if r["kind"] != "related"]
        json.dump(strong, open(args.dump, "w", encoding="utf-8"), indent=1)


def report(rows: list[dict], every: list[dict], event_of: dict[str, str], show: bool) -> None:
    print(f"{len(rows)} labelled pairs; {len(every)} stored relations\n")
    print("| label | pairs | lost in segmentation | never a candidate | stored as related | stored as agreement "
          "| stored as contradiction | right through ingest | right by /v1/compare |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label in ("agree", "contradict", "unrelated"):
        group = [r for r in rows if r["label"] == label]
        stage = Counter(r["stage"] for r in group)
        stored = Counter(r["stored"] for r in group)
        right = sum(_ingest_right(r) for r in group)
        compared = sum(r["compare"] == KIND_OF_LABEL[label] for r in group)
        print(f"| {label} | {len(group)} | {stage['segmentation']} | {stage['candidates']} | {stored['related']} | "
              f"{stored['agreement']} | {stored['contradiction']} | {right} ({_pct(right, len(group))}) | "
              f"{compared} ({_pct(compared, len(group))}) |")
    gold = [KIND_OF_LABEL[r["label"]] for r in rows]
    through = [r["stored"] or "related" for r in rows]
    alone = [r["compare"] for r in rows]
    print("\n| relation | through ingest: precision | recall | said / real | /v1/compare: precision | recall |")
    print("|---|---|---|---|---|---|")
    for kind in ("contradiction", "agreement"):
        p, r, said, real = scores(gold, through, kind)
        cp, cr, _, _ = scores(gold, alone, kind)
        print(f"| {kind} | {p:.2f} | {r:.2f} | {said} / {real} | {cp:.2f} | {cr:.2f} |")
    hard = [r for r in rows if r["label"] == "unrelated"]
    if hard:
        kept = sum(_ingest_right(r) for r in hard)
        print(f"\nhard negatives left related or unjoined through ingest: {kept} / {len(hard)} ({_pct(kept, len(hard))})")
    cross = Counter(rel["kind"] for rel in every
                    if event_of.get(rel["claim_a"]["document_id"]) != event_of.get(rel["claim_b"]["document_id"]))
    within = Counter(rel["kind"] for rel in every
                     if event_of.get(rel["claim_a"]["document_id"]) == event_of.get(rel["claim_b"]["document_id"]))
    print(f"stored between documents of one event: {dict(within)}")
    print(f"stored between documents of different events (agreement and contradiction are wrong): {dict(cross)}")
    if show:
        for r in rows:
            if not _ingest_right(r):
                print(f"\n{r['pair_id']} [{r['label']}/{r['type']}] lost at {r['stage']}, stored {r['stored']}, "
                      f"compare {r['compare']}\n  A: {r['a_text']}\n  B: {r['b_text']}\n  why: {r['explanation']}")


def _ingest_right(r: dict) -> bool:
    want = KIND_OF_LABEL[r["label"]]
    return (r["stored"] or "related") == want and (want == "related" or r["stage"] == "judged")


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.0f}%" if d else "-"


if __name__ == "__main__":
    main()
