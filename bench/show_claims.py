"""The claims crossfact reads out of each seed article, printed for a person to check.

    python bench/show_claims.py [--seeds ../shared/seeds] [--published-at 2024-01-10]

Runs every .txt seed through ``Pipeline.analyze`` (clean, segment, facts, embed; no
corpus) and prints, per claim: its span into the cleaned text, block kind, context,
kind, check-worthiness and facts. For reading, not scoring.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service.config import Settings  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402

DEFAULT_SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")
WIDTH = 100


def seed_files(seeds_dir: str) -> list[str]:
    return [os.path.join(seeds_dir, n) for n in sorted(os.listdir(seeds_dir)) if n.endswith(".txt")]


def show(pipeline: Pipeline, path: str, published_at: str | None) -> int:
    with open(path, encoding="utf-8") as f:
        analysis = pipeline.analyze(text=f.read(), published_at=published_at)
    print(f"=== {os.path.basename(path)}: {len(analysis.claims)} claims; title: {analysis.cleaned.title!r}")
    for n, claim in enumerate(analysis.claims, 1):
        start, end = claim.span
        print(f"\n[{n}] {start}-{end} {block_kind(analysis.cleaned, start)} | {claim.kind} | check-worthiness {claim.checkworthiness:.2f}")
        print(textwrap.indent(textwrap.fill(claim.text, WIDTH), "    "))
        if claim.context:
            print(f"    context: {claim.context}")
        for line in describe_facts(claim):
            print(f"    {line}")
    print()
    return len(analysis.claims)


def block_kind(cleaned, position: int) -> str:
    """The kind of the block a claim starts in."""
    return next((b.kind for b in cleaned.blocks if b.start <= position < b.end), "?")


def describe_facts(claim) -> list[str]:
    facts, lines = claim.facts, []
    if facts.entities:
        lines.append("entities: " + ", ".join(f"{e.canonical or e.text} ({e.label})" for e in facts.entities))
    if facts.quantities:
        lines.append("quantities: " + ", ".join(f"{q.text} = [{q.low}, {q.high}] {q.counts}".rstrip() for q in facts.quantities))
    if facts.dates:
        lines.append("dates: " + ", ".join(f"{d.text} = {d.start}..{d.end}" for d in facts.dates))
    if claim.event_date:
        lines.append(f"event date: {claim.event_date}")
    if facts.polarity != "affirmed":
        lines.append(f"polarity: {facts.polarity} ({', '.join(facts.negation_cues)})")
    if facts.attribution:
        lines.append(f"attribution: {facts.attribution}")
    if facts.predicate:
        lines.append(f"core: {facts.subject} / {facts.predicate} / {facts.object}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="folder of .txt articles (default: ../shared/seeds)")
    parser.add_argument("--published-at", default=None, help="publication date to anchor relative dates to")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        # analyze() uses no corpus; the store is only there because a Pipeline has one.
        settings = Settings(db_path=os.path.join(tmp, "crossfact.db"))
        pipeline = Pipeline(settings, SQLiteStore(settings.db_path))
        counts = {os.path.basename(p): show(pipeline, p, args.published_at) for p in seed_files(args.seeds)}
    print("claims per seed: " + ", ".join(f"{name}: {n}" for name, n in counts.items()))


if __name__ == "__main__":
    main()
