"""Bearings: which way a named place lies from another ("the Crocus City Hall, in
Moscow's northern suburb of Krasnogorsk" and "Crocus City Hall, located just west of
the capital").

Two reports that put one named place on different sides of one reference place cannot
both be right, and a fact-checker wants to see it. Each bearing records the compass
direction as written and in degrees, the place it is reckoned from, and the named place
it locates; a compass word inside a name ("North Korea", "the West Bank") is no bearing.
"""

from __future__ import annotations

import math

from service.lexicon import COMPASS
from service.models import Bearing

_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PERSON"})
_PLACED_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG"})


def bearings(span) -> list[Bearing]:
    found = []
    for token in span:
        degrees = compass_degrees(token)
        if degrees is None or token.ent_type_ in _NAME_LABELS or token.dep_ == "compound":
            continue
        reference = _reference(token)
        located = _located(token, reference)
        if reference and located:
            found.append(Bearing(direction=_written(token), degrees=degrees, reference=reference, located=located))
    return found


def compass_degrees(token) -> float | None:
    """ "west" -> 270, "northern" -> 0, "south-southwest" (a compound) -> 202.5."""
    own = _degrees(token.lower_)
    if own is None:
        return None
    parts = [own] + [d for c in token.children if c.dep_ == "compound" and (d := _degrees(c.lower_)) is not None]
    x = sum(math.sin(math.radians(d)) for d in parts)
    y = sum(math.cos(math.radians(d)) for d in parts)
    return round(math.degrees(math.atan2(x, y)) % 360, 1)


def _degrees(word: str) -> float | None:
    word = word.replace("-", "")
    for ending in ("erly", "ern", "wards", "ward"):
        if word.endswith(ending) and word[: -len(ending)] in COMPASS:
            word = word[: -len(ending)]
            break
    return COMPASS.get(word)


def _written(token) -> str:
    words = [c.text for c in token.children if c.dep_ == "compound" and _degrees(c.lower_) is not None]
    return "-".join(words + [token.text])


def _reference(token) -> str:
    """The place a bearing is reckoned from: "west *of the capital*", "*Moscow's*
    northern suburb", "northern *Gaza*"."""
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        return _phrase(next((c for c in of.children if c.dep_ == "pobj"), None))
    if token.dep_ == "amod":
        noun = token.head
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is not None:
            return _phrase(owner)
        if noun.pos_ == "PROPN":
            return _phrase(noun)
    return ""


def _located(token, reference: str) -> str:
    """The named place a bearing puts somewhere: the name it describes ("Crocus City
    Hall, located just west"), or the name an act it qualifies was done to ("stormed the
    Crocus City Hall, in Moscow's northern suburb")."""
    node = token
    while node.head.i != node.i:
        node = node.head
        name = _name(node)
        if name and name != reference:
            return name
        if node.pos_ in ("VERB", "AUX"):
            if node.dep_ == "acl":
                continue  # "the hall, located west of": the hall is what is located
            done_to = [_name(c) for c in node.children if c.dep_ in ("dobj", "nsubjpass")]
            return next((n for n in done_to if n and n != reference), "")
    return ""


def _name(token) -> str:
    if token.ent_type_ not in _PLACED_LABELS:
        return ""
    entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
    return _strip_article(entity.text) if entity is not None else ""


def _phrase(token) -> str:
    if token is None:
        return ""
    entity = _name(token)
    if entity:
        return entity
    words = [t.text for t in token.subtree if t.dep_ not in ("case", "punct")]
    return _strip_article(" ".join(words))


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text
