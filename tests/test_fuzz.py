"""Property-based fuzzing of every operation in /v1/openapi.json (schemathesis), in process.

Valid and invalid requests are generated from the spec itself, and every check
schemathesis has runs on every response: no 5xx; status code, content type, headers
and body as the spec says; requests the spec calls invalid refused; requests it calls
valid accepted (the spec says exactly what the service takes). It runs on the Flask
app with the session's models, bounded per operation; tests/test_schemathesis_run.py
runs the whole schemathesis CLI, stateful links included, against the real server.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.api import create_app
from service.config import Settings
from service.pipeline import Pipeline
from service.store import SQLiteStore

EXAMPLES_PER_OPERATION = 30
CASES: Counter = Counter()


def served_spec() -> dict:
    """The spec the app serves; building the app loads no model."""
    app = create_app(pipeline=Pipeline(Settings(db_path=":memory:"), SQLiteStore(":memory:")))
    return app.test_client().get("/v1/openapi.json").get_json()


# Loaded at import so each operation is its own test; requests go to the ``app`` fixture.
schema = schemathesis.openapi.from_dict(served_spec())


@pytest.fixture(scope="module", autouse=True)
def report_cases():
    yield
    if CASES:
        print(f"\nfuzz: {len(CASES)} operations, {sum(CASES.values())} cases: {dict(sorted(CASES.items()))}")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, app):
    CASES[case.operation.label] += 1
    case.call_and_validate(app=app)
