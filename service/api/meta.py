"""/v1/health, /v1/ready, /v1/openapi.json, /v1/sources: the service about itself."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from service import __version__
from service.api.io import pipeline, source_json
from service.api.openapi import build_spec, documented
from service.api.schemas import HealthOut, ReadyOut, SourcesOut

bp = Blueprint("meta", __name__)


@bp.get("/health")
@documented("Liveness: the process answers", responses={200: HealthOut}, tag="meta", public=True)
def health():
    return jsonify({"status": "ok", "version": __version__})


@bp.get("/ready")
@documented("Readiness: models loaded and store reachable", responses={200: ReadyOut, 503: ReadyOut}, tag="meta",
            public=True)
def ready():
    checks = pipeline().readiness()
    ok = all(checks.values())
    return jsonify({"status": "ready" if ok else "starting", "checks": checks}), 200 if ok else 503


@bp.get("/openapi.json")
@documented("This API's OpenAPI 3 document", responses={200: None}, tag="meta", public=True)
def openapi():
    spec = current_app.extensions.get("crossfact.openapi")
    if spec is None:
        spec = current_app.extensions["crossfact.openapi"] = build_spec(current_app)
    return jsonify(spec)


@bp.get("/sources")
@documented("Per source: documents, claims, agreements and contradictions with each other source",
            responses={200: SourcesOut}, tag="meta")
def sources():
    return jsonify({"data": [source_json(s) for s in pipeline().store.source_stats()]})
