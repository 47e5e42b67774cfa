"""The whole schemathesis CLI against the real server: every check, every phase, zero findings.

``schemathesis run --checks all`` generates requests from /v1/openapi.json. Its
coverage and fuzzing phases run first; then its stateful phase, with its own time,
follows the spec's OpenAPI links (and those schemathesis infers) from one answer to
the next request, so claims and relations are asked for by ids the service handed
out. The store is seeded with related documents first so that relations exist. Each
run is bounded in time, with a fixed seed; its JSON report must hold no failure and
no error, the server must answer no 5xx, and its request log must show claims and
relations read by real ids.

Reproduce by hand against a running, seeded server:
    schemathesis run http://127.0.0.1:8080/v1/openapi.json --checks all --seed 1 --workers 1 \
        --phases coverage,fuzzing --max-time 80
    schemathesis run http://127.0.0.1:8080/v1/openapi.json --checks all --seed 1 --workers 1 \
        --phases stateful --max-time 40
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

RUNS = {"coverage,fuzzing": 80, "stateful": 40}  # phases: seconds
SEED = 1
SEEDED_DOCUMENTS = 24  # 24 relations with the relate stage of 2026-11-30


def run_schemathesis(url: str, phases: str, max_time: int, folder) -> tuple[dict, str]:
    report_path = folder / f"schemathesis-{phases.replace(',', '-')}.json"
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", url + "/v1/openapi.json", "--checks", "all",
         "--phases", phases, "--max-time", str(max_time), "--seed", str(SEED), "--workers", "1",
         "--report", "json", "--report-json-path", str(report_path)],
        capture_output=True, text=True, timeout=max_time + 300, cwd=folder,  # its cache stays out of the repo
    )
    output = run.stdout + run.stderr
    findings = output.find("FAILURES")  # the findings come first, the summary last
    assert run.returncode == 0, output[findings:findings + 6000] if findings >= 0 else output[-6000:]
    return json.loads(report_path.read_text()), output


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path):
    server = LiveServer(tmp_path / "fuzz.db", threads=4).start()
    try:
        seeded = requests.post(server.url + "/v1/documents/batch", timeout=600,
                               json={"documents": synthetic_documents(SEEDED_DOCUMENTS, prefix="fuzz")}).json()
        assert sum(sum(item["result"]["relations"].values()) for item in seeded["data"]) > 0
        # One JSON record a line; split on newlines only, as paths may hold other line separators (U+2028).
        log_before = server.log().count("\n")  # the start-up polls of /v1/ready (503) and the seeding
        runs = {phases: run_schemathesis(server.url, phases, max_time, tmp_path)
                for phases, max_time in RUNS.items()}
        served = [json.loads(line) for line in server.log().split("\n")[log_before:] if line.startswith("{")]
    finally:
        server.stop()

    for phases, (report, output) in runs.items():
        stateful = re.search(r"Scenarios:\s+(\d+).*?API Links:\s+(\d+) covered / (\d+) selected", output, re.S)
        print(f"\nschemathesis --phases {phases}: {report['test_cases']['generated']} cases, "
              f"{report['operations']['tested']} operations, {len(report['failures'])} failures, "
              f"{len(report['errors'])} errors in {report['running_time']:.0f} s"
              + (f"; {stateful[1]} scenarios, links covered {stateful[2]}/{stateful[3]}" if stateful else ""))
        assert report["exit_code"] == 0 and report["failures"] == [] and report["errors"] == [], output[-5000:]
        assert report["test_cases"]["with_failures"] == 0 and report["test_cases"]["errored"] == 0
        if "fuzzing" in phases:  # the stateful run tests the operations that links reach
            assert report["operations"]["tested"] == report["operations"]["total"] > 0
        assert all(report["phases"][name]["status"] == "success" for name in phases.split(","))
    server_errors = [line for line in served if (line.get("status") or 0) >= 500]
    assert server_errors == [], [(e.get("method"), e.get("path"), e.get("status")) for e in server_errors][:10]
    by_real_id = {resource: sum(1 for line in served if line.get("status") == 200 and re.fullmatch(
        rf"/v1/{resource}_[0-9a-f]{{32}}", line.get("path", ""))) for resource in ("claims/clm", "relations/rel")}
    print(f"{len(served)} requests served; answered 200 by a real id: {by_real_id}")
    assert all(by_real_id.values()), by_real_id
