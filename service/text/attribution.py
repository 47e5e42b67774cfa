"""Attribution and the claim's core: who says it, and subject / predicate / object.

"Hochstein emphasized that the resolution would not suffice" is Hochstein's claim
about the resolution: the reporter goes to ``attribution`` and the reported clause
gives subject, predicate and object, so two outlets quoting different people on the
same fact still compare on the fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.lexicon import LIGHT_VERBS, REPORTING_VERBS, SPEAKING_NOUNS
from service.models import Act
from service.text.kind import FUTURE_FRAMES

_OBJECT_DEPS = ("dobj", "attr", "acomp", "oprd", "dative")
_QUOTES = re.compile(r"[“”\"‘]")
_PHRASE_DEPS = ("compound", "amod", "poss", "nmod", "nummod", "det")


@dataclass
class Core:
    """The parts of a claim's main assertion, read off its dependency parse."""

    attribution: str | None
    subject: str | None
    predicate: str | None
    object: str | None
    reported: bool  # said by someone through a reporting verb or "according to"
    verb: object  # the token of the main (reported) clause: its tense and mood make the kind


def core(span) -> Core:
    """Speaker, subject, predicate and object of a parsed span's main assertion."""
    source, content = _reported(span.root)
    source = source or _according_to(span)
    action = _planned_action(content)
    subject = _first_child(content, ("nsubj", "csubj"))
    obj = _first_child(action, _OBJECT_DEPS) or _prep_object(action)
    patient = _first_child(content, ("nsubjpass",))
    if patient is not None:
        # "Yoon was impeached by parliament": the doer is the agent, Yoon what it was done to.
        subject, obj = _agent(action), patient
    return Core(
        attribution=source,
        subject=phrase(subject) if subject is not None else None,
        predicate=action.lemma_.lower() if action.pos_ in ("VERB", "AUX") else None,
        object=phrase(obj) if obj is not None else None,
        reported=source is not None,
        verb=content,
    )


def other_acts(span, main) -> list[Act]:
    """The acts of the span's other clauses that name what they were done to: "Video
    showed the plane attempting a belly landing" -> attempt (a belly landing). Verbs
    that report, or name no act of their own, are left out."""
    found = []
    for verb in span:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or verb.i == main.i or lemma in REPORTING_VERBS or lemma in LIGHT_VERBS:
            continue
        obj = _first_child(verb, ("dobj",)) or _first_child(verb, ("nsubjpass",))
        if obj is None or obj.pos_ not in ("NOUN", "PROPN"):
            continue
        subject = _first_child(verb, ("nsubj",))
        found.append(Act(predicate=lemma, subject=phrase(subject) if subject is not None else None, object=phrase(obj)))
    return found


def _reported(root):
    """(who, the reported clause) for "X said that ...", "..., X said"; else (None, root)."""
    for verb in [root] + [c for c in root.children if c.dep_ in ("parataxis", "ccomp")]:
        if verb.lemma_.lower() not in REPORTING_VERBS:
            continue
        speaker = _first_child(verb, ("nsubj",))
        if speaker is None:
            continue
        if verb.i != root.i:
            return phrase(speaker), root  # "..., the ministry said."
        content = _first_child(root, ("ccomp",))
        if content is not None:
            return phrase(speaker), content
        if _can_speak(speaker):
            return phrase(speaker), root  # "Blinken emphasized the need for ..."
    return None, root


def _can_speak(tok) -> bool:
    """A speaker is named, a pronoun, or a body that issues statements; "no deaths
    reported" has a subject that reports nothing."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
        return False
    return tok.pos_ in ("PROPN", "PRON") or tok.lemma_.lower() in SPEAKING_NOUNS


def _planned_action(verb):
    """"is set to meet", "plans to travel": the action is the verb that follows."""
    if verb.lemma_.lower() in FUTURE_FRAMES:
        action = _first_child(verb, ("xcomp",))
        if action is not None:
            return action
    return verb


def _agent(verb):
    by = _first_child(verb, ("agent",))
    return _first_child(by, ("pobj",)) if by is not None else None


def _according_to(span) -> str | None:
    for tok in span:
        if tok.lower_ == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    source = _first_child(to, ("pobj",))
                    if source is not None:
                        return phrase(source)
    return None


def _first_child(tok, deps):
    return next((c for c in tok.children if c.dep_ in deps), None)


def _prep_object(verb):
    """"arrived in Israel": the object of the verb's first preposition."""
    for prep in verb.rights:
        if prep.dep_ == "prep":
            pobj = _first_child(prep, ("pobj",))
            if pobj is not None:
                return pobj
    return None


def phrase(tok) -> str:
    """A compact noun phrase for a head token: its entity if it is in one, else its
    modifiers and itself ("the ministry", "U.S. officials"), without clauses."""
    if tok.ent_type_ and tok.ent_iob_ in ("B", "I"):
        for ent in tok.doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent.text
    left = [c for c in tok.lefts if c.dep_ in _PHRASE_DEPS]
    start = min([tok.i] + [min(c.left_edge.i, c.i) for c in left])
    return re.sub(r"\s+", " ", _QUOTES.sub("", tok.doc[start : tok.i + 1].text)).strip(" ,;:|")
