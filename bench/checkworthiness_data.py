"""The public check-worthiness sets of ../shared/data/checkworthiness, as (text, label) lists.

Shared by the training and the evaluation script so both read a split the same way.
"""

from __future__ import annotations

import csv
import json
import os
import re

DEFAULT_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")

# name -> (relative path, reader); labels are 1 for check-worthy.
SPLITS = {
    "claimbuster-train": "checkworthiness/claimbuster/two_class/train.json",
    "claimbuster-test": "checkworthiness/claimbuster/two_class/test.json",
    "ct19-test": "checkworthiness/claimbuster/clef19_task1/CT19-T1-Test.csv",
    "ct22-1a-dev": "checkworthiness/checkthat2022_1/CT22_english_1A_checkworthy_dev.tsv",
    "ct22-1a-train": "checkworthiness/checkthat2022_1/CT22_english_1A_checkworthy_train.tsv",
}


def load_split(name: str, data_dir: str = DEFAULT_DATA) -> list[tuple[str, int]]:
    path = os.path.join(data_dir, SPLITS[name])
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return [(row["text"], int(row["label"])) for row in json.load(f)]
    if path.endswith(".csv"):
        with open(path, encoding="utf-8", newline="") as f:
            return [(row["text"], int(row["label"])) for row in csv.DictReader(f)]
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(_untweet(row["tweet_text"]), int(row["class_label"])) for row in rows]


def normal(text: str) -> str:
    """Comparable form of a sentence, to keep training sentences out of a test split."""
    return re.sub(r"\W+", " ", text.lower()).strip()


def _untweet(text: str) -> str:
    """Tweets carry links that say nothing about the claim."""
    return re.sub(r"https?://\S+", "", text).strip()
