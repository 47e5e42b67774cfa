"""Hybrid search: claims ranked by meaning (vectors) and wording (BM25), fused.

The two rankings fail differently: embeddings find paraphrases that share no words,
BM25 finds rare names and numbers that a small embedding model blurs. Reciprocal
rank fusion (Cormack et al. 2009) combines them by rank alone, so neither score
scale has to be calibrated against the other; the lexical side gets a weight.
The constants were tuned on CheckThat! 2022 task 2A train and reported on dev-test
(docs/quality.md, bench/eval_checkthat.py).
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

RRF_K = 10  # reciprocal rank fusion constant: lower trusts the top ranks more (60 is the paper's default)
LEXICAL_WEIGHT = 1.0  # the BM25 ranking's share of the fused score, relative to the vectors'
DEPTH = 100  # candidates taken from each ranking before fusing

# No word boundary before a link: pasted text often glues it to the word before ("Usapic.twitter.com/x").
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w+")
_HASH = re.compile(r"(?<!\w)#(?=\w)")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


def normalise_query(text: str) -> str:
    """What a query says, without the parts of posted text that only point elsewhere:
    links and @handles go (with brackets they leave empty); a hashtag keeps its word."""
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _HASH.sub("", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def lexical_query(query: str) -> str:
    """The query's words worth matching: stop words out, each word once.

    A stop word matches most of the corpus: it adds next to nothing to a BM25 score and
    has the longest list of claims to walk (with FTS5, "the" alone cost 50 ms at 10k
    claims). The fusion constants were tuned with them out.
    """
    words = re.findall(r"\w+", query.lower())
    kept = (w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit()))
    return " ".join(dict.fromkeys(kept))


def hybrid_search(query: str, encode, index, store, limit: int) -> list[tuple[str, float]]:
    """``(claim_id, score)`` best first for ``query``.

    ``encode(texts) -> vectors`` embeds the query; ``index`` is the corpus's vector
    index and ``store`` answers the BM25 side.
    """
    query = normalise_query(query)
    if not query:
        return []
    depth = max(limit, DEPTH)
    by_meaning = [cid for cid, _ in index.search(encode([query]), depth)[0]]
    by_wording = [cid for cid, _ in store.lexical_search(lexical_query(query), depth)]
    return fuse([(by_meaning, 1.0), (by_wording, LEXICAL_WEIGHT)])[:limit]


def fuse(rankings: list[tuple[list[str], float]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of ``(ranked ids, weight)`` lists, best first."""
    fused: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, id_ in enumerate(ranking, 1):
            fused[id_] = fused.get(id_, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])


class HybridNeighbours:
    """A vector index that also brings, for each query text, the claims BM25 finds.

    /v1/check matches through this instead of the bare index, so a claim naming a rare
    name or figure reaches the stored claims that share it even where the embedding
    ranks them low (or the approximate index misses them). BM25 hits carry their true
    cosine, so the match stage's similarity floor still applies to them.
    """

    def __init__(self, index, store, texts: list[str]):
        self.index, self.store, self.texts = index, store, texts

    def search(self, vectors, k: int) -> list[list[tuple[str, float]]]:
        rows = self.index.search(vectors, k)
        wording = [
            [cid for cid, _ in self.store.lexical_search(lexical_query(normalise_query(text)), k)]
            for text in self.texts
        ]
        stored = self.store.get_vectors([cid for ids in wording for cid in ids])
        for row, ids, vector in zip(rows, wording, vectors):
            seen = {cid for cid, _ in row}
            row += [(cid, float(vector @ stored[cid])) for cid in ids if cid not in seen and cid in stored]
        return rows
