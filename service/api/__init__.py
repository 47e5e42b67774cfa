"""The HTTP JSON API (v1): an app factory and one blueprint per resource."""

from __future__ import annotations

from flask import Flask

from service.api import analysis, claims, documents, jobs, meta, stories
from service.api.auth import register_auth
from service.api.errors import register_error_handlers
from service.api.io import StrictJSONProvider
from service.api.requestlog import register_request_log
from service.config import Settings
from service.pipeline import Pipeline
from service.store import open_store


def create_app(settings: Settings | None = None, pipeline: Pipeline | None = None) -> Flask:
    """Build the app; pass a ``pipeline`` to share loaded models (tests, benchmarks)."""
    if pipeline is None:
        settings = settings or Settings.from_env()
        pipeline = Pipeline(settings, open_store(settings))
    app = Flask("crossfact")
    app.config["MAX_CONTENT_LENGTH"] = pipeline.settings.max_body_bytes
    app.json = StrictJSONProvider(app)
    app.extensions["crossfact.pipeline"] = pipeline
    for module in (documents, jobs, claims, stories, analysis, meta):
        app.register_blueprint(module.bp, url_prefix="/v1")
    register_error_handlers(app)
    register_request_log(app)
    register_auth(app)
    return app
