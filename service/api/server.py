"""Serving the app with waitress: every error problem+json, and no client can hold the server.

Waitress refuses a body over its ``max_request_body_size`` from the Content-Length
header alone, before reading it and before the app sees the request; that is the
cheap place to refuse it, so the limit is set to the app's own. Its refusals would
be text/plain; ``ProblemErrorTask`` words them like every other error of the API and
logs them like every other request.

Waitress reads requests on one asynchronous loop and hands only whole requests to
its worker threads, so a slow or idle client costs a connection, not a thread. What
bounds the connections: ``Settings.max_connections`` (waitress's
``connection_limit``), ``idle_timeout_s`` (its ``channel_timeout``) for connections
that say nothing, and ``request_timeout_s`` for a request trickled in so slowly that
it never goes idle; waitress has no such deadline, so ``DeadlineChannel`` adds it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import Error

from service.api.errors import PROBLEM, problem_body
from service.api.requestlog import MAX_LOGGED_PATH, REQUEST_ID_HEADER
from service.config import Settings

log = logging.getLogger("crossfact.request")

# Open files besides client connections: the database and its journal, models, logs, the listening sockets.
SPARE_FILES = 256


class RequestTimeout(Error):
    code = 408
    reason = "Request Timeout"


class ProblemErrorTask(ErrorTask):
    """Waitress's own refusals (malformed, too large, too slow), as problem+json.

    The request may have failed before its request line parsed, so it may have no
    method or path: everything here reads them with a default, because an exception
    in an error task leaves waitress's channel open for good.
    """

    def execute(self):
        error = self.request.error
        body = json.dumps(problem_body(error.code, error.reason, error.body)).encode("utf-8")
        request_id = uuid.uuid4().hex
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", PROBLEM), (REQUEST_ID_HEADER, request_id)])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        path = getattr(self.request, "path", None)
        fields = {"request_id": request_id, "method": getattr(self.request, "command", None),
                  "path": path[:MAX_LOGGED_PATH] if isinstance(path, str) and path else None, "status": error.code,
                  "duration_ms": None, "remote_addr": self.channel.addr[0] if self.channel.addr else None,
                  "api_key_id": None}
        log.info("refused by the HTTP server: %s", error.code, extra={"request": fields})


class DeadlineChannel(HTTPChannel):
    """A connection whose request must arrive whole within ``request_timeout`` seconds
    of its first byte; a slower one is answered 408 and closed.

    Waitress's loop asks every channel ``readable()`` at least once a second, so the
    deadline is checked there, on the loop's thread, like all reading.
    """

    error_task_class = ProblemErrorTask
    request_timeout: float = Settings.request_timeout_s
    request_started: float | None = None  # when the request being read began to arrive

    def received(self, data):
        if self.request is None:
            self.request_started = time.monotonic()
        result = super().received(data)
        if self.request is None:
            self.request_started = None
        return result

    def readable(self):
        started = self.request_started
        if started is not None and self.request is not None and time.monotonic() - started > self.request_timeout:
            self._refuse_late_request()
        return super().readable()

    def _refuse_late_request(self):
        with self.requests_lock:
            request, self.request, self.request_started = self.request, None, None
            request.error = RequestTimeout(f"the request did not arrive whole within {self.request_timeout:g} s")
            request.completed = True
            self.requests.append(request)
            if len(self.requests) == 1:
                self.server.add_task(self)


def serve(app, settings: Settings, *, host: str, port: int, threads: int) -> None:
    _allow_open_files(settings.max_connections + SPARE_FILES)
    server = create_server(
        app, host=host, port=port, threads=threads, ident="crossfact",
        max_request_body_size=settings.max_body_bytes + 1,
        connection_limit=settings.max_connections,
        channel_timeout=settings.idle_timeout_s,
        cleanup_interval=1,  # how often idle connections are looked for: the idle timeout's precision
        asyncore_use_poll=True,  # select() cannot watch a socket numbered past 1023
    )
    channel = type("ServedChannel", (DeadlineChannel,), {"request_timeout": float(settings.request_timeout_s)})
    # One server per listening socket when a host name resolves to several addresses.
    servers = [server] if isinstance(server, BaseWSGIServer) else [
        s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
    for each in servers:
        each.channel_class = channel
    server.run()


def _allow_open_files(needed: int) -> None:
    """Raise the soft limit on open files towards ``needed`` (as far as the hard limit
    allows), so the connection limit, not the file table, is what caps clients."""
    try:
        import resource
    except ImportError:  # not on POSIX: nothing to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < needed:
            logging.getLogger("crossfact").warning(
                "only %d open files allowed; fewer than %d connections can be served", target, needed - SPARE_FILES)
