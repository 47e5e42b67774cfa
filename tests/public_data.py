"""Short synthetic articles made of real sentences from the public MSRP corpus.

Server tests need many small, distinct documents whose claims relate to each other:
document ``i`` joins the first sentence of paraphrase pair ``i`` with the second
sentence of pair ``i + 1``, so neighbouring documents share a paraphrase.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

MSRP = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "msrp" / "msr_paraphrase_train.txt"


def msrp_pairs(count: int) -> list[tuple[str, str]]:
    if not MSRP.exists():
        pytest.skip(f"public data not found at {MSRP}")
    with open(MSRP, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        pairs = []
        for row in rows:
            if len(row) == 5:
                pairs.append((row[3].strip(), row[4].strip()))
            if len(pairs) == count:
                break
    return pairs


def synthetic_documents(count: int, prefix: str = "doc") -> list[dict]:
    pairs = msrp_pairs(count + 1)
    return [
        {"text": f"{pairs[i][0]} {pairs[i + 1][1]}", "url": f"https://example.org/{prefix}/{i}",
         "source": f"outlet-{i % 5}", "published_at": "2024-03-01"}
        for i in range(count)
    ]


# Twenty towns and what happened there: each pair of reports below tells of one incident.
_TOWNS = ["Ashford", "Bexley", "Carlisle", "Dunmore", "Eastwick", "Falmouth", "Glenrock", "Hartlepool", "Ilkley",
          "Jarrow", "Kendal", "Ludlow", "Malton", "Newquay", "Oakham", "Penrith", "Redruth", "Selby", "Thirsk", "Wigton"]
_EVENTS = [("fire swept through a warehouse", "workers"), ("bus crashed on the bypass", "passengers"),
           ("gas explosion wrecked a block of flats", "residents"), ("bridge collapsed over the river", "people")]


def conflicting_pairs(count: int) -> list[tuple[dict, dict]]:
    """``count`` pairs of reports, two outlets each telling one incident with different
    death tolls: each pair is a contradiction, and pairs are about different towns."""
    pairs = []
    for i in range(count):
        town, (event, who) = _TOWNS[i % len(_TOWNS)], _EVENTS[i % len(_EVENTS)]
        first, second = 3 + i, 11 + 2 * i
        pairs.append((
            {"text": f"A {event} in {town} on Monday, killing {first} {who}, officials said.",
             "url": f"https://example.org/a/{i}", "source": "wire-a", "published_at": "2025-03-03"},
            {"text": f"{second} {who} were killed in {town} on Monday when a {event}, the police said.",
             "url": f"https://example.org/b/{i}", "source": "wire-b", "published_at": "2025-03-03"},
        ))
    return pairs
