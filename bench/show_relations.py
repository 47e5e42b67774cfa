"""The relations crossfact finds among the seed articles, printed like a fact-checker's notes.

    python bench/show_relations.py [--seeds ../shared/seeds] [--kind contradiction]

Ingests every .txt seed into a temporary store, in name order, then prints each relation
with both claims, their sources and the explanation. For reading, not scoring.
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
from service.models import Article  # noqa: E402
from service.pipeline import Pipeline  # noqa: E402
from service.store import SQLiteStore  # noqa: E402
from service.store.base import RelationFilter  # noqa: E402

DEFAULT_SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "seeds")


def ingest_seeds(pipeline: Pipeline, seeds_dir: str) -> None:
    for name in sorted(n for n in os.listdir(seeds_dir) if n.endswith(".txt")):
        with open(os.path.join(seeds_dir, name), encoding="utf-8") as f:
            pipeline.ingest(Article(text=f.read(), source=name.split("_")[0], url=f"seed:{name}"))


def relations(pipeline: Pipeline, kind: str | None):
    """Every stored relation with both claims, strongest first."""
    rows, cursor = [], None
    while True:
        page = pipeline.store.list_relations(RelationFilter(kind=kind), limit=500, cursor=cursor)
        rows.extend(page.items)
        if not (cursor := page.next_cursor):
            break
    return sorted(rows, key=lambda r: (r.kind != "contradiction", r.kind != "agreement", -r.confidence))


def note(relation) -> str:
    a, b = relation.claim_a, relation.claim_b
    lines = [
        f"[{relation.kind} {relation.confidence:.2f}, similarity {relation.similarity:.2f}] {relation.explanation}",
        textwrap.indent(textwrap.fill(f"{a.source}: {a.text}", 100), "    "),
        textwrap.indent(textwrap.fill(f"{b.source}: {b.text}", 100), "    "),
    ]
    for c in relation.conflicts:
        lines.append(f"    - {c.type}: {c.a!r} vs {c.b!r} ({c.about})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS)
    parser.add_argument("--kind", choices=("agreement", "contradiction", "related"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(db_path=os.path.join(tmp, "seeds.db"))
        pipeline = Pipeline(settings, SQLiteStore(settings.db_path))
        ingest_seeds(pipeline, args.seeds)
        for relation in relations(pipeline, args.kind):
            print(note(relation), end="\n\n")


if __name__ == "__main__":
    main()
