"""Serving the app with waitress, so that even the errors waitress answers itself are problem+json.

Waitress refuses a body over its ``max_request_body_size`` from the Content-Length
header alone, before reading it and before the app sees the request; that is the
cheap place to refuse it, so the limit is set to the app's own. Its refusal would
be text/plain; ``ProblemErrorTask`` words it like every other error of the API and
logs it like every other request.
"""

from __future__ import annotations

import json
import logging
import uuid

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from service.api.errors import PROBLEM, problem_body
from service.api.requestlog import MAX_LOGGED_PATH, REQUEST_ID_HEADER

log = logging.getLogger("crossfact.request")


class ProblemErrorTask(ErrorTask):
    def execute(self):
        error = self.request.error
        body = json.dumps(problem_body(error.code, error.reason, error.body)).encode("utf-8")
        request_id = uuid.uuid4().hex
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", PROBLEM), (REQUEST_ID_HEADER, request_id)])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        fields = {"request_id": request_id, "method": self.request.command,
                  "path": (self.request.path or "")[:MAX_LOGGED_PATH] or None, "status": error.code,
                  "duration_ms": None, "remote_addr": self.channel.addr[0] if self.channel.addr else None,
                  "api_key_id": None}
        log.info("refused by the HTTP server: %s", error.code, extra={"request": fields})


class ProblemChannel(HTTPChannel):
    error_task_class = ProblemErrorTask


def serve(app, *, host: str, port: int, threads: int, max_body_bytes: int) -> None:
    server = create_server(app, host=host, port=port, threads=threads, ident="crossfact",
                           max_request_body_size=max_body_bytes + 1)
    # One server per listening socket when a host name resolves to several addresses.
    servers = [server] if isinstance(server, BaseWSGIServer) else [
        s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
    for each in servers:
        each.channel_class = ProblemChannel
    server.run()
