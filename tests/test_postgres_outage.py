"""A PostgreSQL restart under load: clients get 503 problem+json while the database
is away, and the same server process answers again once it is back (the pool opens
new connections: no restart of the service)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from live_server import LiveServer

DOWN_S = 4  # how long the database stays away
RECOVERY_S = 60  # how long the service may take to answer again once the database is back


@pytest.mark.slow
def test_a_database_restart_gives_503_then_the_service_recovers(postgres, tmp_path):
    url = postgres.new_database()
    server = LiveServer(url, threads=4, log_dir=tmp_path).start()
    answers: list[tuple[float, int, str, str]] = []  # (time, status, content type, Retry-After)
    stop = threading.Event()

    def load(path: str) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                r = http.get(server.url + path, timeout=60)
                answers.append((time.monotonic(), r.status_code, r.headers.get("Content-Type", ""),
                                r.headers.get("Retry-After", "")))

    try:
        posted = requests.post(server.url + "/v1/documents", timeout=60,
                               json={"text": "The council approved a budget of 40 million dollars on Monday."})
        assert posted.status_code == 201
        clients = [threading.Thread(target=load, args=(path,))
                   for path in ("/v1/documents", "/v1/search?q=council+budget", "/v1/sources")]
        for client in clients:
            client.start()
        time.sleep(1)
        postgres.restart(down_s=DOWN_S)
        back = time.monotonic()
        while time.monotonic() < back + RECOVERY_S and not any(t > back and s == 200 for t, s, _, _ in answers):
            time.sleep(0.2)
        time.sleep(2)  # and some more answers once recovered
        stop.set()
        for client in clients:
            client.join(timeout=90)
        assert server.process.poll() is None, "the service process must survive the outage"
        after = requests.post(server.url + "/v1/documents", timeout=60,
                              json={"text": "Officials said the council passed a 40 million dollar budget on Monday."})
        assert after.status_code == 201 and sum(after.json()["relations"].values()) >= 1
    finally:
        stop.set()
        server.stop()
        postgres.drop(url)

    statuses = {s for _, s, _, _ in answers}
    unavailable = [(ct, retry) for _, s, ct, retry in answers if s == 503]
    print(f"{len(answers)} answers: {len(unavailable)} 503, statuses {sorted(statuses)}")
    assert statuses <= {200, 503}, "an outage is 503, never a 500 or a hang"
    assert unavailable and all(ct == "application/problem+json" and retry for ct, retry in unavailable)
    first_back = min(t for t, s, _, _ in answers if t > back and s == 200)
    assert all(s == 200 for t, s, _, _ in answers if t > first_back + 1)
