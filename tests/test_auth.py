"""API keys: off until the first key exists, then required on every route but the public ones."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from db_checks import rows
from service.api.auth import create_key, hash_key
from service.cli import _is_loopback, main

DOC = {"text": "The council approved the new budget on Monday.", "source": "wire"}


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(store):
    read_key, _ = create_key(store, "read", "reader")
    write_key, _ = create_key(store, "write", "writer")
    return {"read": read_key, "write": write_key}


def test_without_keys_everything_is_open(client):
    assert client.get("/v1/documents").status_code == 200


def test_keys_are_stored_hashed(settings, store, keys):
    for key in keys.values():
        assert store.find_api_key(hash_key(key)) is not None
    stored = rows(settings.db_path, "SELECT * FROM api_keys")
    assert len(stored) == 2 and all(key not in str(stored) for key in keys.values())
    assert len({key for key in keys.values()}) == 2 and all(len(k) > 40 for k in keys.values())


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-key"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer \u00e9t\u00e9"},
])
def test_missing_or_wrong_key_is_401_with_a_challenge(client, keys, headers):
    r = client.get("/v1/documents", headers=headers)
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_routes_need_no_key(client, keys):
    for path in ("/v1/health", "/v1/openapi.json"):
        assert client.get(path).status_code == 200
    assert client.get("/v1/ready").status_code in (200, 503)


def test_unknown_routes_need_a_key_too(client, keys):
    assert client.get("/v1/nowhere").status_code == 401
    assert client.get("/v1/nowhere", headers=auth(keys["read"])).status_code == 404


def test_read_key_reads_and_asks_but_does_not_write(client, keys):
    read = auth(keys["read"])
    for path in ("/v1/documents", "/v1/relations", "/v1/sources", "/v1/search?q=budget"):
        assert client.get(path, headers=read).status_code == 200, path
    # check and compare store nothing, so reading is enough for them.
    assert client.post("/v1/check", json={"text": "The budget passed."}, headers=read).status_code == 200
    assert client.post("/v1/compare", json={"a": "It rained.", "b": "It rained."}, headers=read).status_code == 200
    for method, path, body in [("post", "/v1/documents", DOC), ("post", "/v1/documents/batch", {"documents": [DOC]}),
                               ("delete", "/v1/documents/doc_x", None),
                               ("patch", "/v1/relations/rel_x", {"status": "confirmed"})]:
        r = getattr(client, method)(path, json=body, headers=read)
        assert r.status_code == 403 and r.mimetype == "application/problem+json", path
        assert "insufficient_scope" in r.headers["WWW-Authenticate"]
    assert client.get("/v1/documents", headers=read).get_json()["data"] == []


def test_write_key_does_everything(client, keys):
    write = auth(keys["write"])
    created = client.post("/v1/documents", json=DOC, headers=write)
    assert created.status_code == 201
    doc_id = created.get_json()["id"]
    assert client.get(f"/v1/documents/{doc_id}", headers=write).status_code == 200
    assert client.delete(f"/v1/documents/{doc_id}", headers=write).status_code == 204


def test_a_key_created_while_serving_switches_auth_on(client, store):
    assert client.get("/v1/documents").status_code == 200
    key, _ = create_key(store, "read")
    assert client.get("/v1/documents").status_code == 401
    assert client.get("/v1/documents", headers=auth(key)).status_code == 200


def test_openapi_documents_security_and_scopes(client):
    spec = client.get("/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "security" not in spec["paths"]["/v1/health"]["get"]
    assert spec["paths"]["/v1/check"]["post"]["x-required-scope"] == "read"
    assert spec["paths"]["/v1/documents"]["post"]["x-required-scope"] == "write"
    assert spec["paths"]["/v1/documents"]["get"]["x-required-scope"] == "read"


def test_cli_creates_a_key_that_the_api_accepts(settings, client, store):
    result = CliRunner().invoke(main, ["keys", "create", "--scope", "write", "--db", settings.db_path])
    assert result.exit_code == 0, result.output
    key = result.output.split()[-1]
    assert store.find_api_key(hash_key(key)).scope == "write"
    assert client.post("/v1/documents", json=DOC, headers=auth(key)).status_code == 201
    assert CliRunner().invoke(main, ["keys", "create", "--scope", "admin", "--db", settings.db_path]).exit_code != 0


def test_serve_refuses_a_public_host_without_keys(settings):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", settings.db_path])
    assert result.exit_code != 0 and "--insecure" in result.output


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("10.0.0.5", False), ("example.org", False), ("::", False),
])
def test_loopback_hosts(host, loopback):
    assert _is_loopback(host) is loopback


def test_revoked_keys_stop_working_and_auth_stays_on(client, store, keys):
    read = store.find_api_key(hash_key(keys["read"]))
    assert store.revoke_api_key(read.id) and not store.revoke_api_key(read.id)
    assert client.get("/v1/documents", headers=auth(keys["read"])).status_code == 401
    write = store.find_api_key(hash_key(keys["write"]))
    store.revoke_api_key(write.id)
    # Revoking the last key must lock the API, not open it.
    assert client.get("/v1/documents").status_code == 401
    assert [k.revoked_at is not None for k in store.list_api_keys()] == [True, True]


def test_cli_lists_and_revokes_keys(settings, store, keys):
    runner = CliRunner()
    listed = runner.invoke(main, ["keys", "list", "--db", settings.db_path])
    assert listed.exit_code == 0 and "reader" in listed.output and "writer" in listed.output
    assert all(key not in listed.output for key in keys.values())
    write_id = store.find_api_key(hash_key(keys["write"])).id
    assert runner.invoke(main, ["keys", "revoke", str(write_id), "--db", settings.db_path]).exit_code == 0
    assert store.find_api_key(hash_key(keys["write"])) is None
    assert runner.invoke(main, ["keys", "revoke", str(write_id), "--db", settings.db_path]).exit_code != 0
