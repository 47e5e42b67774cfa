"""One JSON log line per request, and the request id that ties it to the client.

A line holds what an operator needs to follow a request, never what a client
sent: no query string (``q`` carries text), no body, no headers (Authorization
carries keys). The id is the client's ``X-Request-ID`` when it is a sane token,
else a fresh one, and it goes back in the response's ``X-Request-ID``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import Flask, Response, g, request

log = logging.getLogger("crossfact.request")

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
MAX_LOGGED_PATH = 256  # an unknown path is client input too: keep the line bounded


def register_request_log(app: Flask) -> None:
    """Register before the auth hook, so refused requests are timed and carry an id too."""
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("started")
    fields = {
        "request_id": request_id,
        "method": request.method,
        "path": request.path[:MAX_LOGGED_PATH],
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "remote_addr": request.remote_addr,
        "api_key_id": g.get("api_key_id"),
    }
    log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra={"request": fields})
    return response


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object: a request's fields at the top level, else its message."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        line = {"time": when.replace("+00:00", "Z"), "level": record.levelname.lower(), "logger": record.name}
        fields = getattr(record, "request", None)
        if fields is not None:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO, stream=None) -> None:
    """JSON lines on stderr; called once, by ``crossfact serve`` or ``crossfact worker``.

    The handler sits on the root logger so that warnings of libraries (waitress's
    "Task queue depth") are JSON lines too; crossfact's own loggers speak from ``level``.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("crossfact").setLevel(level)
