"""Property-based fuzzing of every operation in /v1/openapi.json (schemathesis).

Valid and invalid requests are generated from the spec itself; every response must
be no 5xx and must conform to the spec (status code, content type, headers, body
schema), and requests the spec calls invalid must be refused. It runs on the Flask
app with the session's models, bounded per operation.

Two of schemathesis's checks are left out, on purpose:

- ``positive_data_acceptance`` wants every schema-valid request accepted, but the
  API checks more than JSON Schema can say: a real calendar date ("2024-02-30" is
  not), exactly one of ``text`` and ``html``, a cursor the service handed out, no
  NUL characters. Those get a 422 naming the field, which the spec documents.
- ``allow_header_conformance``: ``/v1/documents/batch`` also matches
  ``/v1/documents/{document_id}`` for GET and DELETE (a document that never exists,
  so 404), and OPTIONS truthfully says so.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance

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
    case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance, allow_header_conformance])
