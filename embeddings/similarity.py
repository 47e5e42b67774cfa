"""Lexical similarity between two claims, to re-score what the embeddings found."""

from __future__ import annotations

from rapidfuzz import fuzz, utils


def lexical_similarity(a: str, b: str) -> float:
    """0..1: how much wording two texts share, insensitive to order and case."""
    return fuzz.token_set_ratio(a, b, processor=utils.default_process) / 100.0
