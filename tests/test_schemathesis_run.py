"""The whole schemathesis CLI against the real server: every check, every phase, zero findings.

``schemathesis run --checks all`` generates requests from /v1/openapi.json in its
coverage, fuzzing and stateful phases. The stateful phase follows the spec's OpenAPI
links (and those schemathesis infers) from one answer to the next request, so claims
and relations are asked for by ids the service handed out; the store is seeded with
related documents first so that relations exist. The run is bounded by ``MAX_TIME``
and a fixed seed; its JSON report must hold no failure and no error, and the server's
request log must show claims and relations read by real ids.

Reproduce by hand against a running server (after seeding it):
    schemathesis run http://127.0.0.1:8080/v1/openapi.json --checks all --max-time 120 --seed 1 --workers 1
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import requests

from live_server import LiveServer
from public_data import synthetic_documents

MAX_TIME = 120  # seconds for all phases together
SEED = 1
SEEDED_DOCUMENTS = 12


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path):
    server = LiveServer(tmp_path / "fuzz.db", threads=4).start()
    try:
        seeded = requests.post(server.url + "/v1/documents/batch", timeout=600,
                               json={"documents": synthetic_documents(SEEDED_DOCUMENTS, prefix="fuzz")}).json()
        assert sum(sum(item["result"]["relations"].values()) for item in seeded["data"]) > 0
        report_path = tmp_path / "schemathesis.json"
        # One JSON record a line; split on newlines only, as paths may hold other line separators (U+2028).
        log_before = server.log().count("\n")  # the start-up polls of /v1/ready (503) and the seeding
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", server.url + "/v1/openapi.json", "--checks", "all",
             "--max-time", str(MAX_TIME), "--seed", str(SEED), "--workers", "1",
             "--report", "json", "--report-json-path", str(report_path)],
            capture_output=True, text=True, timeout=MAX_TIME + 300, cwd=tmp_path,  # its cache stays out of the repo
        )
        output = run.stdout + run.stderr
        report = json.loads(report_path.read_text())
        served = [json.loads(line) for line in server.log().split("\n")[log_before:] if line.startswith("{")]
    finally:
        server.stop()

    scenarios = re.search(r"Scenarios:\s+(\d+)", output)
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", output)
    print(f"\nschemathesis: {report['test_cases']['generated']} cases, {report['operations']['tested']} operations, "
          f"{len(report['failures'])} failures, {len(report['errors'])} errors; stateful scenarios "
          f"{scenarios and scenarios[1]}, links covered {links and f'{links[1]}/{links[2]}'}; "
          f"{len(served)} requests served in {report['running_time']:.0f} s")
    assert run.returncode == 0 and report["exit_code"] == 0, output[-5000:]
    assert report["failures"] == [] and report["errors"] == [], output[-5000:]
    assert report["test_cases"]["with_failures"] == 0 and report["test_cases"]["errored"] == 0
    assert report["operations"]["tested"] == report["operations"]["total"] > 0
    assert {name: phase["status"] for name, phase in report["phases"].items() if name != "examples"} == {
        "coverage": "success", "fuzzing": "success", "stateful": "success"}
    assert report["warnings"]["missing_test_data"] == [], report["warnings"]
    server_errors = [line for line in served if (line.get("status") or 0) >= 500]
    assert server_errors == [], [(e.get("method"), e.get("path"), e.get("status")) for e in server_errors][:10]
    for resource in ("claims/clm_", "relations/rel_"):
        found = [line for line in served if line.get("method") == "GET" and line.get("status") == 200
                 and re.fullmatch(rf"/v1/{resource}[0-9a-f]{{32}}", line.get("path", ""))]
        assert found, f"GET /v1/{resource}... never reached with a real id"
