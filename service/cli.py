"""The ``crossfact`` command: the Python API (``service.pipeline``) from a shell.

    crossfact serve [--host 127.0.0.1] [--port 8080] [--db PATH] [--insecure]
    crossfact worker [--until-idle] [--db PATH]
    crossfact keys create --scope read|write [--name NAME] [--db PATH]
    crossfact keys list [--db PATH]
    crossfact keys revoke ID [--db PATH]
    crossfact ingest PATH... [--source NAME] [--db PATH]
    crossfact check TEXT [--db PATH]
    crossfact compare A B
    crossfact search QUERY [--limit N] [--db PATH]
    crossfact reanalyze [--batch N] [--restart] [--db PATH]
    crossfact stories [STORY_ID] [--source S] [--since D] [--until D] [--min-documents N] [--limit N] [--db PATH]
    crossfact migrate --from PATH_OR_URL --to PATH_OR_URL [--batch N]
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import threading
from pathlib import Path

import click

from service.config import Settings

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json")
INGEST_BATCH = 16  # articles whose claims are embedded in one batch

db_option = click.option("--db", "db_path", default=None, metavar="PATH_OR_URL",
                         help="SQLite file or postgresql:// URL (default: $CROSSFACT_DATABASE_URL, "
                              "$CROSSFACT_DB_PATH, or a file in the user data directory).")


def _settings(db_path: str | None) -> Settings:
    return Settings.from_env(db_path=db_path)


def _pipeline(settings: Settings):
    from service.pipeline import Pipeline
    from service.store import open_store

    return Pipeline(settings, open_store(settings))


@click.group()
@click.version_option(package_name="crossfact")
def main():
    """Cross-reference claims across news articles."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Request threads (waitress).")
@click.option("--insecure", is_flag=True, help="Serve a non-loopback host even though no API key exists.")
@db_option
def serve(host: str, port: int, threads: int, insecure: bool, db_path: str | None):
    """Serve the HTTP API with waitress (a production WSGI server)."""
    from service.api import create_app
    from service.api.auth import bootstrap_write_key, configured_bootstrap_key
    from service.api.requestlog import configure_logging
    from service.api.server import serve as serve_app
    from service.store import describe_database

    settings = _settings(db_path)
    try:
        first_key = configured_bootstrap_key(settings)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    pipeline = _pipeline(settings)
    if first_key is not None:
        created = bootstrap_write_key(pipeline.store, first_key)
        if created is not None:
            click.echo(f"created write key {created.id} (bootstrap) from the configured bootstrap key", err=True)
    if not _is_loopback(host) and not insecure and not pipeline.store.has_api_keys():
        raise click.UsageError(
            f"refusing to serve {host} with no API key: anyone who can reach it could read and write. "
            "Create one with 'crossfact keys create --scope write', set CROSSFACT_BOOTSTRAP_WRITE_KEY, "
            "or pass --insecure."
        )
    configure_logging()
    app = create_app(pipeline=pipeline)
    # Answer /v1/health at once; /v1/ready says 503 until the models are in memory.
    threading.Thread(target=pipeline.warm_up, name="warm-up", daemon=True).start()
    click.echo(f"crossfact serving http://{host}:{port}/v1 (database {describe_database(settings.db_path)})",
               err=True)
    serve_app(app, settings, host=host, port=port, threads=threads)


@main.command()
@click.option("--until-idle", is_flag=True, help="Exit once no job waits, instead of waiting for more.")
@db_option
def worker(until_idle: bool, db_path: str | None):
    """Run the ingest jobs queued by POST /v1/jobs. Any number of workers, on any hosts
    sharing the database, may run at once; SIGTERM or Ctrl-C hands the current job
    back to the queue after the documents in hand."""
    import signal

    from service.api.requestlog import configure_logging
    from service.worker import Worker

    configure_logging()
    pipeline = _pipeline(_settings(db_path))
    pipeline.warm_up()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner = Worker(pipeline)
    click.echo(f"crossfact worker {runner.name} taking jobs (database {pipeline.settings.db_path})", err=True)
    worked = runner.run(stop, until_idle=until_idle)
    click.echo(json.dumps({"jobs": worked}))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


@main.group()
def keys():
    """API keys: once one exists, every route but health, ready and openapi needs one."""


@keys.command("create")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True,
              help="read: GET routes, /v1/check and /v1/compare. write: everything.")
@click.option("--name", default=None, help="Who or what the key is for.")
@db_option
def keys_create(scope: str, name: str | None, db_path: str | None):
    """Create an API key; it is printed once, as the last word, and only its hash is stored."""
    from service.api.auth import create_key
    from service.store import open_store

    key, record = create_key(open_store(_settings(db_path)), scope, name)
    click.echo(f"created {scope} key {record.id}{f' ({name})' if name else ''}; it is not shown again: {key}")


@keys.command("list")
@db_option
def keys_list(db_path: str | None):
    """The keys, without the keys themselves: id, scope, name, created, revoked."""
    from service.store import open_store

    for key in open_store(_settings(db_path)).list_api_keys():
        revoked = f"revoked {key.revoked_at}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.scope}\t{key.name or '-'}\t{key.created_at}\t{revoked}")


@keys.command("revoke")
@click.argument("key_id", type=int)
@db_option
def keys_revoke(key_id: int, db_path: str | None):
    """Revoke a key at once. Auth stays on even when no active key is left."""
    from service.store import open_store

    if not open_store(_settings(db_path)).revoke_api_key(key_id):
        raise click.ClickException(f"no active key with id {key_id}")
    click.echo(f"revoked key {key_id}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--source", default=None, help="Source name for articles that do not name one.")
@db_option
def ingest(paths: tuple[str, ...], source: str | None, db_path: str | None):
    """Ingest files and folders of .txt, .html and .json articles."""
    from tqdm import tqdm

    files = list(_article_files(paths))
    pipeline = _pipeline(_settings(db_path))
    totals = {"documents": 0, "duplicates": 0, "skipped": 0, "claims": 0,
              "agreement": 0, "contradiction": 0, "related": 0}
    pending: list = []
    for n, path in enumerate(tqdm(files, desc="ingesting", unit="file", file=sys.stderr), 1):
        try:
            pending += list(_read_articles(path, source))
        except (ValueError, AttributeError) as exc:
            tqdm.write(f"skipped {path}: {exc}", file=sys.stderr)
            totals["skipped"] += 1
        # Articles go in batches: their claims are embedded together, which is faster.
        if len(pending) >= INGEST_BATCH or n == len(files):
            for result in pipeline.ingest_many(pending):
                _count(result, totals)
            pending = []
    click.echo(json.dumps(totals))


def _count(result, totals: dict) -> None:
    if isinstance(result, Exception):  # an empty article, or one that failed alone (logged)
        totals["skipped"] += 1
    elif result.duplicate:
        totals["duplicates"] += 1
    else:
        totals["documents"] += 1
        totals["claims"] += result.document.claims_count
        for kind, n in result.relations.items():
            totals[kind] += n


@main.command()
@click.argument("text")
@click.option("--published-at", default=None, help="ISO date that relative dates anchor to.")
@db_option
def check(text: str, published_at: str | None, db_path: str | None):
    """Segment TEXT into claims and match them against the corpus (stores nothing)."""
    pipeline = _pipeline(_settings(db_path))
    for claim, matches in pipeline.check(text, published_at):
        click.echo(f"{claim.text}\n  kind={claim.kind} checkworthiness={claim.checkworthiness:.2f}")
        for m in matches:
            click.echo(f"  {m.verdict.kind:<13} {m.verdict.confidence:.2f}  [{m.claim.source}] {m.claim.text}")
            click.echo(f"                {m.verdict.explanation}")


@main.command()
@click.argument("a")
@click.argument("b")
def compare(a: str, b: str):
    """The relation between two statements A and B."""
    pipeline = _pipeline(_settings(None).with_(db_path=":memory:"))
    _, _, similarity, verdict = pipeline.compare(a, b)
    click.echo(json.dumps({**verdict.to_dict(), "similarity": round(similarity, 4)}, indent=2))


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500))
@db_option
def search(query: str, limit: int, db_path: str | None):
    """Claims ranked by meaning and wording."""
    pipeline = _pipeline(_settings(db_path))
    for claim, score in pipeline.search(query, limit):
        click.echo(f"{score:.4f}  [{claim.source}] {claim.text}")


@main.command()
@click.argument("story_id", required=False)
@click.option("--source", default=None, help="Stories with a document of this source.")
@click.option("--since", default=None, type=click.DateTime(["%Y-%m-%d"]),
              help="Stories seen on or after this day (YYYY-MM-DD).")
@click.option("--until", default=None, type=click.DateTime(["%Y-%m-%d"]),
              help="Stories seen on or before this day (YYYY-MM-DD).")
@click.option("--min-documents", default=None, type=click.IntRange(1), help="Stories of at least this many documents.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@db_option
def stories(story_id, source, since, until, min_documents, limit, db_path):
    """Stories (documents about one incident), newest first; with STORY_ID, that story as
    JSON: its documents, timeline, agreements and contradictions."""
    from service.api.io import story_detail_json
    from service.store import open_store

    store = open_store(_settings(db_path))
    if story_id is not None:
        detail = story_detail_json(store, story_id, limit)
        if detail is None:
            raise click.ClickException(f"no story with id {story_id!r}")
        click.echo(json.dumps(detail, indent=2, ensure_ascii=False))
        return
    page = store.list_stories(source=source, since=since and since.date().isoformat(),
                              until=until and until.date().isoformat(), min_documents=min_documents, limit=limit)
    for s in page.items:
        counts = s.relations
        click.echo(f"{s.id}\t{s.first_seen or '-'}..{s.last_seen or '-'}\t{s.documents_count} documents\t"
                   f"{counts['agreement']} agree, {counts['contradiction']} contradict\t{s.title}")


@main.command()
@click.option("--batch", default=16, show_default=True, type=click.IntRange(1),
              help="Documents read and re-extracted at a time.")
@click.option("--restart", is_flag=True, help="Begin a new run even if an interrupted one could resume.")
@db_option
def reanalyze(batch: int, restart: bool, db_path: str | None):
    """Re-extract facts, re-place stories and re-relate the stored corpus (after a rule
    or threshold change). Resumable: run it again after an interruption. Reviews of
    relations that survive are kept."""
    from tqdm import tqdm

    from service.reanalysis import Reanalysis

    reanalysis = Reanalysis(_pipeline(_settings(db_path)), batch_size=batch)
    progress = reanalysis.start(restart=restart)
    if progress.resumed:
        click.echo(f"resuming: {progress.finished} of {progress.total} documents were done", err=True)
    with tqdm(total=progress.total, initial=progress.finished, desc="reanalyzing", unit="doc",
              file=sys.stderr) as bar:
        reanalysis.run(on_document=lambda document: bar.update())
    click.echo(json.dumps({"documents": progress.total}))


@main.command()
@click.option("--from", "source", required=True, metavar="PATH_OR_URL", help="The store to copy.")
@click.option("--to", "target", required=True, metavar="PATH_OR_URL", help="An empty store to copy into.")
@click.option("--batch", default=2000, show_default=True, type=click.IntRange(1), help="Rows per transaction.")
def migrate(source: str, target: str, batch: int):
    """Copy a whole store (documents, claims and vectors, relations with their reviews,
    stories, API keys) into an empty one: a SQLite file to PostgreSQL or back. The
    counts of both are compared at the end."""
    from tqdm import tqdm

    from service.migrate import MigrationError, migrate as copy_store, total_rows
    from service.store import describe_database, open_store

    if source == target:
        raise click.UsageError("--from and --to name the same store")
    settings = Settings.from_env()
    stores = [open_store(settings.with_(db_path=database)) for database in (source, target)]
    try:
        with tqdm(total=total_rows(stores[0]), desc="migrating", unit="row", file=sys.stderr) as bar:
            counts = copy_store(*stores, batch=batch, progress=lambda table, rows: bar.update(rows))
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for store in stores:
            store.close()
    click.echo(json.dumps({"from": describe_database(source), "to": describe_database(target), **counts}))


def _article_files(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            yield path
        else:
            raise click.BadParameter(f"{path}: not a .txt, .html or .json file", param_hint="PATHS")


def _read_articles(path: Path, source: str | None):
    """One article per .txt/.html file; a .json file holds one article object or a list of them."""
    from service.models import Article

    raw = path.read_text(encoding="utf-8", errors="replace")
    meta = {"path": os.fspath(path)}
    if path.suffix.lower() == ".json":
        data = json.loads(raw)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                raise ValueError("a .json file holds an article object or a list of them")
            yield Article(text=item.get("text"), html=item.get("html"), url=item.get("url"),
                          title=item.get("title"), source=item.get("source", source),
                          published_at=item.get("published_at"), metadata={**meta, **(item.get("metadata") or {})})
    elif path.suffix.lower() in (".html", ".htm"):
        yield Article(html=raw, source=source, metadata=meta)
    else:
        yield Article(text=raw, source=source, metadata=meta)


if __name__ == "__main__":
    main()
