"""One JSON log line per request, with its id; never article text, queries or keys."""

from __future__ import annotations

import io
import json
import logging

import pytest

from service.api.auth import create_key
from service.api.requestlog import JsonFormatter, configure_logging

DISTINCTIVE = "Quokkaville"
TEXT = f"The mayor of {DISTINCTIVE} opened the new bridge on Friday, officials said."


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: nothing may leak anywhere
    return caplog


def request_lines(caplog) -> list[dict]:
    return [r.request for r in caplog.records if r.name == "crossfact.request"]


def everything_logged(caplog) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(r) + repr(r.__dict__) for r in caplog.records)


def test_one_line_per_request_with_its_fields(client, request_log):
    r = client.post("/v1/documents", json={"text": TEXT}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    client.get("/v1/nowhere")
    lines = request_lines(request_log)
    assert len(lines) == 2
    line = lines[0]
    assert line["request_id"] == r.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/documents", 201)
    assert line["remote_addr"] == "192.0.2.7" and line["duration_ms"] >= 0
    assert lines[1]["status"] == 404
    json.loads(JsonFormatter().format(request_log.records[-1]))  # the line itself is JSON


def test_no_text_query_or_key_in_any_log(client, store, request_log):
    key, _ = create_key(store, "write")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/v1/documents", json={"text": TEXT, "title": DISTINCTIVE}, headers=headers).status_code == 201
    assert client.get(f"/v1/search?q={DISTINCTIVE}+bridge", headers=headers).status_code == 200
    assert client.post("/v1/check", json={"text": TEXT}, headers=headers).status_code == 200
    wrong = "cfk_" + "S3cr3t" * 7
    assert client.get("/v1/documents", headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
    logged = everything_logged(request_log)
    assert len(request_lines(request_log)) == 4
    for secret in (DISTINCTIVE, key, wrong, "S3cr3t"):
        assert secret not in logged
    assert request_lines(request_log)[-1]["path"] == "/v1/documents"
    assert request_lines(request_log)[0]["api_key_id"] is not None


@pytest.mark.parametrize("incoming,kept", [
    ("abc-123_XYZ.9:1", True),
    ("a" * 128, True),
    ("a" * 129, False),
    ("has space", False),
    ("tab\there", False),
    ("caf\u00e9", False),
    ("<script>", False),
    ("", False),
])
def test_incoming_request_id_is_kept_only_when_sane(client, request_log, incoming, kept):
    r = client.get("/v1/health", headers={"X-Request-ID": incoming})
    returned = r.headers["X-Request-ID"]
    assert (returned == incoming) is kept
    assert request_lines(request_log)[-1]["request_id"] == returned
    assert len(returned) <= 128 and all(c.isalnum() or c in "._:-" for c in returned)


def test_errors_and_refusals_are_logged_too(client, store, request_log):
    create_key(store, "read")
    client.get("/v1/documents")
    client.post("/v1/documents", data="{nope", content_type="application/json")
    assert [line["status"] for line in request_lines(request_log)] == [401, 401]


def test_configure_logging_writes_json_lines():
    root, ours = logging.getLogger(), logging.getLogger("crossfact")
    saved = root.handlers[:], root.level, ours.level
    stream = io.StringIO()
    try:
        configure_logging(stream=stream)
        logging.getLogger("crossfact.request").info("x", extra={"request": {"request_id": "r1", "status": 200}})
        logging.getLogger("crossfact.api").warning("plain message")
        logging.getLogger("waitress.queue").warning("Task queue depth is 1")
        logging.getLogger("waitress").info("chatter below warning is dropped")
    finally:
        root.handlers[:], root.level = saved[:2]
        ours.setLevel(saved[2])
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line.get("message") for line in lines] == [None, "plain message", "Task queue depth is 1"]
    assert lines[0]["request_id"] == "r1" and lines[0]["status"] == 200 and lines[0]["level"] == "info"
    assert lines[2]["logger"] == "waitress.queue" and lines[0]["time"].endswith("Z")
