"""API keys: who may call what.

Keys are random 256-bit tokens, shown once when created and stored only as their
sha256: a leaked database does not leak usable keys, and a slow password hash buys
nothing for keys this long. Scopes are "read" and "write" (which includes read).

Auth is off while the store holds no key, so a fresh install on a laptop just works;
the first key created (``crossfact keys create``) switches it on for every route but
the public ones (health, ready, openapi), without a restart: whether keys exist is
asked of the store on every request, an indexed one-row query.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Flask, current_app, g, request

from service.api.errors import ApiError
from service.store.base import ApiKey

SCOPES = ("read", "write")
KEY_PREFIX = "cfk_"  # makes a leaked key easy to spot for secret scanners
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(store, scope: str, name: str | None = None) -> tuple[str, ApiKey]:
    """Make a key, store its hash; return the key itself (the only time it exists) and the record."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    key = new_key()
    return key, store.create_api_key(hash_key(key), scope, name)


BOOTSTRAP_KEY_MIN_CHARS = 32  # as many random characters as a guess should never find


def configured_bootstrap_key(settings) -> str | None:
    """The first write key the operator configured (``CROSSFACT_BOOTSTRAP_WRITE_KEY``, or
    the file ``CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE`` names), or None; a ValueError says
    what is wrong with it."""
    if settings.bootstrap_write_key and settings.bootstrap_write_key_file:
        raise ValueError("set CROSSFACT_BOOTSTRAP_WRITE_KEY or CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE, not both")
    key = settings.bootstrap_write_key
    if settings.bootstrap_write_key_file:
        try:
            with open(settings.bootstrap_write_key_file, encoding="utf-8") as f:
                key = f.read().strip()
        except OSError as exc:
            raise ValueError(f"cannot read CROSSFACT_BOOTSTRAP_WRITE_KEY_FILE: {exc}") from None
    if not key:
        return None
    if len(key) < BOOTSTRAP_KEY_MIN_CHARS or not key.isascii() or not key.isprintable() or " " in key:
        raise ValueError(f"the bootstrap write key must be at least {BOOTSTRAP_KEY_MIN_CHARS} printable ASCII "
                         "characters without spaces, e.g. the output of: openssl rand -hex 32")
    return key


def bootstrap_write_key(store, key: str) -> ApiKey | None:
    """Make ``key`` a write key if the store has no key at all, so that a service first
    started on a public address (a container) has a way in: the operator chose the key
    and holds it; only its hash is stored. Idempotent, and race-free across replicas
    started together (``Store.create_first_api_key``): at most one key is created, and
    once any key exists (created, or revoked) this does nothing."""
    return store.create_first_api_key(hash_key(key), "write", "bootstrap")


def required_scope(doc: dict, method: str) -> str:
    """The scope a view needs: what its ``@documented`` says, else read for GET and write for the rest."""
    return doc.get("scope") or ("read" if method in SAFE_METHODS else "write")


def register_auth(app: Flask) -> None:
    app.before_request(_authenticate)


def _authenticate() -> None:
    doc = _view_doc()
    if doc is not None and doc["public"]:
        return
    store = current_app.extensions["crossfact.pipeline"].store
    if not store.has_api_keys():
        return
    key = _find_key(store)
    # Unknown routes need a key too: their 404 would tell a stranger which paths exist.
    needed = required_scope(doc or {}, request.method)
    if needed == "write" and key.scope != "write":
        raise ApiError(403, "Forbidden", "this API key is read-only; this request needs a write key",
                       headers={"WWW-Authenticate": 'Bearer realm="crossfact", error="insufficient_scope"'})
    g.api_key_id = key.id


def _view_doc() -> dict | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "openapi", None)


def _find_key(store) -> ApiKey:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("send an API key as 'Authorization: Bearer <key>'", error=None)
    digest = hash_key(token)
    key = store.find_api_key(digest)
    # The lookup is by hash, so its timing says nothing about the key; compare anyway.
    if key is None or not hmac.compare_digest(key.key_hash, digest):
        raise _unauthorized("the API key is not valid", error="invalid_token")
    return key


def _unauthorized(detail: str, error: str | None) -> ApiError:
    challenge = 'Bearer realm="crossfact"' + (f', error="{error}"' if error else "")
    return ApiError(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})
