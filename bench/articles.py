"""Article-sized texts built from public data, for the ingest and growth benchmarks.

The seeds are three articles; a throughput figure needs a thousand. ClaimDiff keeps
real news claims with the headline and date of the article they came from, so its
claims are regrouped into those articles. MSRP adds news sentences, eight to an
article: first the first sentence of each pair, then the second, so paraphrases land
in different articles and ingest has real matches to relate.
"""

from __future__ import annotations

import csv
import json
import os

from service.models import Article

SENTENCES_PER_ARTICLE = 8


def public_articles(data: str) -> list[Article]:
    return claimdiff_articles(data) + msrp_articles(data)


def claimdiff_articles(data: str) -> list[Article]:
    grouped: dict[tuple[str, str], dict[str, None]] = {}
    for name in ("ClaimDiff-strength-train.json", "ClaimDiff-weak-train.json"):
        with open(os.path.join(data, "claimdiff", name), encoding="utf-8") as f:
            for pair in json.load(f)["data"]:
                for side in ("a", "b"):
                    key = (pair[f"article_{side}"], pair["date"])
                    grouped.setdefault(key, {})[pair[f"claim_{side}"]] = None
    return [
        Article(text=" ".join(claims), title=title, published_at=date, source=f"claimdiff-{n % 7}")
        for n, ((title, date), claims) in enumerate(grouped.items())
    ]


def msrp_articles(data: str) -> list[Article]:
    sentences = msrp_sentences(data)
    return [
        Article(text=" ".join(sentences[i : i + SENTENCES_PER_ARTICLE]), source=f"msrp-{n % 7}")
        for n, i in enumerate(range(0, len(sentences), SENTENCES_PER_ARTICLE))
    ]


def msrp_sentences(data: str) -> list[str]:
    with open(os.path.join(data, "msrp", "msr_paraphrase_train.txt"), encoding="utf-8-sig") as f:
        rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(r) == 5][1:]
    return [r[3] for r in rows] + [r[4] for r in rows]


def public_sentences(data: str) -> list[str]:
    """Distinct real news sentences: claim texts for corpora whose vectors are synthetic."""
    return list(dict.fromkeys(msrp_sentences(data)))
