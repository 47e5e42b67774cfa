"""Classify a pair of claims: agreement, contradiction or related, with typed conflicts.

The order is the argument a fact-checker makes: first, are both claims about the same
event (``same_event``)? Only then can their values (``slots``) or their meanings
(``conflicts``) contradict each other. Agreement is the same event with nothing in
conflict and wording close enough to state one fact. An optional NLI model adds its
reading where the structured checks have none (``Relater``).
"""

from __future__ import annotations

from dataclasses import replace

from service.models import Claim, Conflict, Verdict
from service.relate import conflicts as opposition
from service.relate import explain, slots
from service.relate.lexicon import antonym_pair, same_word
from service.relate.nli import NLIBackend, NLIScores
from service.relate.same_event import EventMatch, Thresholds, assess, content_words, word_overlap
from service.relate.wording import snippet

DEFAULT_THRESHOLDS = Thresholds()
NLI_MIN_PROBABILITY = 0.7  # the NLI model overrides "related" only when this sure


def classify(
    a: Claim, b: Claim, similarity: float, thresholds: Thresholds = DEFAULT_THRESHOLDS, nli: NLIScores | None = None
) -> Verdict:
    event = assess(a, b, similarity, thresholds)
    found = find_conflicts(a, b, event, thresholds)
    if event.same and found:
        verdict = Verdict("contradiction", _contradiction_confidence(event, similarity, found),
                          explain.contradiction(found), found)
    elif event.same and _agrees(a, b, event, similarity, thresholds):
        verdict = Verdict("agreement", _clip((similarity + event.overlap) / 2 + 0.1),
                          explain.agreement(event.actors, equivalences(a, b)))
    else:
        notes = found if event.difference else [c for c in found if c.type == "outcome"]
        verdict = Verdict("related", _clip(similarity), explain.related(event.difference, notes, event.shared))
    return combine(verdict, event, nli, a, b) if nli is not None else verdict


def find_conflicts(a: Claim, b: Claim, event: EventMatch, thresholds: Thresholds) -> list[Conflict]:
    """Every typed conflict between the two claims' values and meanings.

    Dates are left out when the pair was dated apart as different events or times: the
    dates are then the difference, not a conflict.
    """
    found = slots.number_conflicts(a, b) + slots.actor_conflicts(a, b)
    # A claim names places in many roles ("hostages held in Gaza"); only claims that say
    # nearly the same thing otherwise can disagree on where it happened.
    if event.overlap >= thresholds.strong_overlap:
        found += slots.place_conflicts(a, b)
    if event.difference is None:
        found += slots.date_conflicts(a, b)
    if event.overlap >= thresholds.opposition_overlap:
        found += opposition.negation_conflicts(a, b, event.shared)
    found += [c for c in opposition.antonym_conflicts(a, b, event.shared)
              if _overlap_besides(a, b, c) >= thresholds.opposition_overlap]
    found += opposition.outcome_conflicts(a, b)
    if any(c.type in ("negation", "antonym", "outcome") for c in found):
        attributed = opposition.attribution_conflict(a, b)
        if attributed is not None:
            found.append(attributed)
    return found


def equivalences(a: Claim, b: Claim) -> list[str]:
    """Values the two claims write differently but agree on: "2½ hours = 2.5 hours"."""
    out = []
    for x in slots.figures(a):
        for y in slots.figures(b):
            if x.text and y.text and x.text != y.text and x.low == y.low and x.high == y.high:
                out.append(f"{x.text} = {y.text}")
    for parts, totals in ((slots.figures(a), slots.figures(b)), (slots.figures(b), slots.figures(a))):
        summed = slots.sum_of_parts(parts, totals)
        if summed is not None:
            out.append(f"{' + '.join(p.text for p in summed[0])} = {summed[1].text}")
    return out


def combine(verdict: Verdict, event: EventMatch, nli: NLIScores, a: Claim, b: Claim) -> Verdict:
    """Join the NLI model's reading to the structured verdict.

    Typed conflicts stand (the model only moves their confidence); where none were found,
    a confident model may turn a same-topic pair into a contradiction or an agreement,
    and a confident contradiction reading keeps a pair from being called an agreement.
    """
    if verdict.kind == "contradiction":
        return replace(verdict, confidence=_clip((verdict.confidence + nli.contradiction) / 2 + 0.1))
    if nli.contradiction >= NLI_MIN_PROBABILITY and (event.same or event.overlap > 0):
        conflict = Conflict("other", snippet(a.text, []), snippet(b.text, []), "the NLI model's reading")
        return Verdict("contradiction", _clip(nli.contradiction), explain.nli("contradictory", nli.contradiction),
                       [conflict])
    if verdict.kind == "related" and event.same and nli.entailment >= NLI_MIN_PROBABILITY:
        return Verdict("agreement", _clip(nli.entailment), explain.nli("the same fact", nli.entailment))
    if verdict.kind == "agreement":
        return replace(verdict, confidence=_clip((verdict.confidence + nli.entailment) / 2))
    return verdict


class Relater:
    """The relate stage as the pipeline holds it: built once from settings, with the
    optional NLI backend loaded only when ``nli_model`` names a directory."""

    def __init__(self, settings, thresholds: Thresholds = DEFAULT_THRESHOLDS):
        self.thresholds = thresholds
        self.nli = NLIBackend(settings.nli_model) if settings.nli_model else None

    def relate(self, a: Claim, b: Claim, similarity: float) -> Verdict:
        scores = self.nli.score([(a.text, b.text)])[0] if self.nli is not None else None
        return classify(a, b, similarity, self.thresholds, scores)


def _agrees(a: Claim, b: Claim, event: EventMatch, similarity: float, t: Thresholds) -> bool:
    if opposition.polarity(a) != opposition.polarity(b):
        return False
    if antonym_pair(opposition.vocabulary(a), opposition.vocabulary(b)) is not None:
        return False
    if similarity >= t.agree_similarity:
        return True
    if event.same_act and similarity >= t.agree_act_similarity:
        return True
    if equivalences(a, b) and similarity >= t.agree_overlap_similarity:
        return True  # the same figure, written two ways, is positive evidence
    return event.overlap >= t.agree_overlap and similarity >= t.agree_overlap_similarity


def _overlap_besides(a: Claim, b: Claim, antonym: Conflict) -> float:
    """Content overlap with the two opposed words left out: "prices rose" and "prices
    fell" say the same but for the word that opposes them."""
    opposed = {antonym.a.lower(), antonym.b.lower(), *(antonym_pair(opposition.vocabulary(a), opposition.vocabulary(b)) or ())}
    keep = [[w for w in content_words(c) if not any(same_word(w, o) for o in opposed)] for c in (a, b)]
    _, overlap = word_overlap(*keep)
    return overlap


def _contradiction_confidence(event: EventMatch, similarity: float, found: list[Conflict]) -> float:
    typed = len({c.type for c in found if c.type != "attribution"})
    return _clip(0.35 + 0.25 * event.overlap + 0.25 * similarity + 0.05 * typed)


def _clip(x: float) -> float:
    return round(max(0.0, min(0.99, x)), 3)
