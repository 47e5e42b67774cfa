"""Confidence that means something: a verdict's raw score mapped to how often verdicts
of its kind with that score are right.

The relate stage scores each verdict on its own scale (overlap, similarity, how many
facts aligned). ``bench/train_calibration.py`` fits, per kind, a non-decreasing step
function from that score to the share of right verdicts on public data (SICK TRAIN;
never newsdev) and writes it to ``calibration.json`` beside this module; here it is
only read. Related verdicts are scored by how far apart the claims are, so that a
"related" between two near-identical sentences is the least sure.
"""

from __future__ import annotations

import bisect
import json
import os
from functools import lru_cache

PATH = os.path.join(os.path.dirname(__file__), "calibration.json")


def calibrated(kind: str, score: float) -> float:
    """The probability that a ``kind`` verdict with this raw score is right; the score
    itself where no calibration has been fitted."""
    steps = _steps().get(kind)
    if not steps:
        return score
    bounds, values = steps
    at = min(bisect.bisect_right(bounds, score), len(values) - 1)
    return values[at]


@lru_cache(maxsize=1)
def _steps() -> dict[str, tuple[list[float], list[float]]]:
    if not os.path.exists(PATH):
        return {}
    with open(PATH, encoding="utf-8") as f:
        fitted = json.load(f)
    return {kind: (table["bounds"], table["values"]) for kind, table in fitted["kinds"].items()}
