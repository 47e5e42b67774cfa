"""Entities: who and where a claim names, with one canonical name per document.

An article introduces "U.S. Secretary of State Antony Blinken" once and says
"Blinken" after; the relate stage compares actors across documents, so each mention
carries the fullest name the document uses for it (``Entity.canonical``).
"""

from __future__ import annotations

import re

from service.models import Entity

# Labels that name actors, places and things; DATE, CARDINAL and the like are facts of
# their own (see dates.py and quantities.py).
NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")
_TITLES = {
    "president", "prime", "minister", "secretary", "mr", "mrs", "ms", "dr", "sen", "senator",
    "rep", "gov", "governor", "gen", "general", "king", "queen", "prince", "sheikh", "envoy",
    "ambassador", "chancellor", "spokesman", "spokeswoman", "leader", "mayor",
}
_POSSESSIVE = re.compile(r"\s*(?:'s|’s|'|’)$")


def name_of(text: str) -> str:
    """A mention as a name: without a possessive, a leading "the" or leading titles."""
    words = _POSSESSIVE.sub("", text.strip()).split()
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def extract_entities(span) -> list[Entity]:
    """The named entities of a parsed span, each its own canonical name until normalised."""
    found = []
    for ent in span.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        name = name_of(ent.text)
        if name:
            found.append(Entity(text=ent.text, label=ent.label_, canonical=name))
    return found


def canonical_names(entities: list[Entity]) -> dict[str, str]:
    """For every name in a document, the fullest name it abbreviates.

    A short name is the trailing part of the full one ("Blinken" of "Antony Blinken",
    "Security Council" of "UN Security Council"). When several full names fit, the one
    the document uses most often wins.
    """
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for e in entities:
        counts[e.canonical] = counts.get(e.canonical, 0) + 1
        labels.setdefault(e.canonical, e.label)
    names = sorted(counts, key=lambda n: (-len(n.split()), -counts[n]))
    return {name: _fullest(name, labels[name], names, labels, counts) for name in counts}


def _fullest(name: str, label: str, names: list[str], labels: dict[str, str], counts: dict[str, int]) -> str:
    words = name.lower().split()
    fits = [
        other for other in names
        if len(other.split()) > len(words) and _abbreviates(words, other.lower().split(), label, labels[other])
    ]
    if not fits:
        return name
    return max(fits, key=lambda other: (counts[other], len(other.split())))


def _abbreviates(short: list[str], full: list[str], label: str, full_label: str) -> bool:
    # A short name is the tail of the full one ("Blinken", "Security Council"). spaCy often
    # labels a lone surname ORG or GPE, so for people the surname match decides.
    if full_label != "PERSON" and label != full_label:
        return False
    return full[-len(short):] == short


def normalise(entity_lists: list[list[Entity]]) -> dict[str, str]:
    """Set ``canonical`` on every entity of a document's claims; return the name map."""
    mapping = canonical_names([e for entities in entity_lists for e in entities])
    for entities in entity_lists:
        for e in entities:
            e.canonical = mapping.get(e.canonical, e.canonical)
    return mapping
