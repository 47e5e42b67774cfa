"""Errors, handled in one place: every failure leaves as application/problem+json."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from service.store import BadCursor, StoreUnavailable

log = logging.getLogger("crossfact.api")

PROBLEM = "application/problem+json"


class ApiError(Exception):
    """An error a client caused (or must be told about), with its HTTP status."""

    def __init__(self, status: int, title: str, detail: str, errors: list[dict] | None = None, headers=None):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_body(status: int, title: str, detail: str, errors: list[dict] | None = None) -> dict:
    slug = title.lower().replace(" ", "-")
    return {"type": f"https://crossfact.dev/problems/{slug}", "title": title, "status": status, "detail": detail,
            "errors": errors or []}


def problem(status: int, title: str, detail: str, errors: list[dict] | None = None, headers=None):
    response = jsonify(problem_body(status, title, detail, errors))
    response.status_code = status
    response.mimetype = PROBLEM
    response.headers.update(headers or {})
    return response


def unavailable() -> ApiError:
    """The database cannot be reached (restarting, cut off): nothing was done, and the
    same request may succeed in a moment."""
    return ApiError(503, "Service Unavailable", "the database cannot be reached now; try again shortly",
                    headers={"Retry-After": "2"})


def validation_error(exc: ValidationError, prefix: str = "") -> ApiError:
    errors = [
        {"field": prefix + ".".join(str(p) for p in e["loc"]) if e["loc"] else (prefix.rstrip(".") or "body"),
         "message": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False)
    ]
    return ApiError(422, "Invalid request", "some values are not valid; see errors", errors)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return problem(exc.status, exc.title, exc.detail, exc.errors, exc.headers)

    @app.errorhandler(BadCursor)
    def _bad_cursor(exc: BadCursor):
        return problem(422, "Invalid request", str(exc), [{"field": "cursor", "message": str(exc)}])

    @app.errorhandler(StoreUnavailable)
    def _store_unavailable(exc: StoreUnavailable):
        log.warning("database unavailable: %s", exc)
        error = unavailable()
        return problem(error.status, error.title, error.detail, headers=error.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        headers = {}
        if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        return problem(exc.code or 500, exc.name, exc.description or exc.name, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        return problem(500, "Internal Server Error", "the server failed to handle this request; it has been logged")
