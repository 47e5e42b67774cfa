"""``crossfact serve`` as a real subprocess on 127.0.0.1, for tests that need the real server.

The server gets a fresh database, the offline models, and its stderr in a file the
test can read (the JSON request log). Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 240  # seconds: loading both models takes 10-20 s, longer on a busy machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``db_path`` is what ``--db`` takes: a SQLite file (the log goes beside it) or a
    database URL (give ``log_dir`` then)."""

    def __init__(self, db_path, *, threads: int = 4, env: dict[str, str] | None = None,
                 log_dir: Path | None = None, host: str = "127.0.0.1"):
        self.db_path = db_path
        self.threads = threads
        self.extra_env = env or {}
        self.host = host
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder = Path(log_dir) if log_dir is not None else Path(db_path).parent
        self.log_path = folder / f"server.{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, wait_for: str = "/v1/ready") -> LiveServer:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **self.extra_env}
        command = [sys.executable, "-m", "service.cli", "serve", "--host", self.host, "--port", str(self.port),
                   "--threads", str(self.threads), "--db", str(self.db_path)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_for(wait_for)
        return self

    def wait_for(self, path: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + path, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        raise TimeoutError(f"{path} not 200 within {timeout} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, as when a machine loses the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
