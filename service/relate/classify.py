"""Classify a pair of claims: agreement, contradiction or related, with typed conflicts
and the evidence the verdict rests on.

The order is the argument a fact-checker makes: first align the facts the two claims
give (figures, times, places, acts), then ask whether both are about the same event
(``same_event``, scoped by stories). Only then can aligned values (``slots``,
``align``) or meanings (``conflicts``) contradict each other. A pair agrees when it
shares at least one aligned fact and nothing conflicts, even when the rest of the two
sentences differ. Every verdict carries its ``evidence``: the aligned facts with their
values, why the claims are or are not one event, and which checks ran or were skipped
at what threshold. An optional NLI model adds its reading where the structured checks
have none (``Relater``).
"""

from __future__ import annotations

from dataclasses import asdict, replace

from service.config import Settings
from service.lexicon import ANTONYMS, CONTRASTS, antonym_pair, same_word
from service.models import Claim, Conflict, Verdict
from service.relate import conflicts as opposition
from service.relate import explain, slots
from service.relate.align import (
    DISTINCTIVE,
    FigurePair,
    align_figures,
    fates_told_apart,
    figures_agree,
    overlaps,
    same_counted,
    same_figure,
    sum_of_parts,
    totals_agree,
)
from service.relate.calibration import calibrated
from service.relate.nli import NLIBackend, NLIScores
from service.relate.same_event import (
    EventMatch,
    Thresholds,
    assess,
    content_words,
    reported_apart,
    story_relation,
    word_overlap,
)
from service.relate.wording import snippet

DEFAULT_THRESHOLDS = Thresholds.from_settings(Settings())
NLI_MIN_PROBABILITY = 0.7  # the NLI model overrides "related" only when this sure
_VALUE_CONFLICTS = ("number", "count", "date", "time")


def classify(
    a: Claim, b: Claim, similarity: float, thresholds: Thresholds = DEFAULT_THRESHOLDS, nli: NLIScores | None = None
) -> Verdict:
    figures, dates = align_figures(a, b), slots.align_dates(a, b)
    event = assess(a, b, similarity, thresholds, figures, dates)
    checks: list[dict] = []
    found, apart = find_conflicts(a, b, event, figures, dates, thresholds, checks)
    support = supporting_facts(a, b, figures, dates)
    if event.same and found and _two_incidents(event, found):
        place = next(c for c in found if c.type == "place")
        event.difference = f"different places and values, with no story to say they are one incident ({place.a} vs {place.b})"
    if event.same and found and not event.difference and _firmly_one_event(a, b, event, thresholds):
        verdict = Verdict("contradiction", _contradiction_confidence(event, found),
                          explain.contradiction(found), found)
    elif event.same and not event.difference and not apart and _agrees(a, b, event, figures, support, thresholds, checks):
        verdict = Verdict("agreement", _agreement_confidence(event, support),
                          explain.agreement(event.actors, support, _sums(a, b)))
    else:
        difference = event.difference or apart
        notes = [c for c in found if c.type != "place"] if difference else [c for c in found if c.type == "outcome"]
        verdict = Verdict("related", _related_confidence(event, support),
                          explain.related(difference, notes, event.shared))
    verdict.evidence = _evidence(a, b, event, figures, support, checks, thresholds)
    verdict.evidence["score"] = verdict.confidence
    verdict.evidence["basis"] = _basis(verdict, support, figures, event)
    verdict.confidence = round(calibrated(verdict.kind, verdict.evidence["basis"], verdict.confidence), 3)
    return combine(verdict, event, nli, a, b) if nli is not None else verdict


def find_conflicts(a: Claim, b: Claim, event: EventMatch, figures: list[FigurePair], dates: list[slots.DatePair],
                   thresholds: Thresholds, checks: list[dict]) -> tuple[list[Conflict], str | None]:
    """Every typed conflict between the two claims' values and meanings, and the reason
    figures that differ do not conflict when they were reported at different times.

    Dates are left out when the pair was dated apart as different events or times: the
    dates are then the difference, not a conflict. Each check says in ``checks`` whether
    it ran, and why not.
    """
    if event.overlap < thresholds.strong_overlap:
        # "nearly 100 metres before the station" and "280 km from Kolkata": a bare measure
        # conflicts only where the two claims measure the same thing in nearly the same words.
        figures = [f for f in figures if not (f.judgement == "conflict" and f.measure_only)]
    found, apart = _figure_conflicts(a, b, figures, checks)
    one_act = event.story == "same" and slots.same_predicate(a, b)
    if event.overlap >= thresholds.strong_overlap or one_act or slots.same_subject(a, b):
        found += slots.actor_conflicts(a, b) + slots.place_conflicts(a, b)
        checks.append({"check": "place and actor", "ran": True})
    else:
        checks.append({"check": "place and actor", "ran": False,
                       "why": f"overlap {event.overlap:.2f} < {thresholds.strong_overlap}: names may play other roles"})
        elsewhere = slots.place_conflicts(a, b)
        if elsewhere and event.story != "same" and not event.difference:
            # Where the wording differs, a happening in another place is another happening.
            event.difference = f"different places ({elsewhere[0].a} vs {elsewhere[0].b}), so not clearly one incident"
    if event.difference is None and not figures_agree(figures):
        found += slots.date_conflicts(dates)
        checks.append({"check": "date", "ran": True})
    else:
        checks.append({"check": "date", "ran": False, "why": event.difference or
                       "the same figure on both sides: the dates speak of different moments of one story"})
    if event.overlap >= thresholds.opposition_overlap:
        found += opposition.negation_conflicts(a, b, event.shared)
        checks.append({"check": "negation", "ran": True})
    else:
        checks.append({"check": "negation", "ran": False,
                       "why": f"overlap {event.overlap:.2f} < {thresholds.opposition_overlap}"})
    found += [c for c in opposition.antonym_conflicts(a, b, event.shared)
              if _overlap_besides(a, b, c) >= thresholds.opposition_overlap]
    found += opposition.outcome_conflicts(a, b)
    if event.incident:
        found += [c for c in slots.incident_conflicts(a, b) if c.type not in {f.type for f in found}]
    if event.located and not any(c.type == "place" for c in found):
        found += slots.bearing_conflicts(a, b)
    if any(c.type in ("negation", "antonym", "outcome") for c in found):
        attributed = opposition.attribution_conflict(a, b)
        if attributed is not None:
            found.append(attributed)
    return found, apart


def _figure_conflicts(a: Claim, b: Claim, figures: list[FigurePair], checks: list[dict]):
    """Aligned figures that cannot both hold, unless one side's parts add up to the
    other's total, or the figure grows with the story and the two were published apart."""
    clashing = [f for f in figures if f.judgement == "conflict"]
    if clashing and totals_agree(a, b):
        checks.append({"check": "figures", "ran": True, "why": "one side's parts add up to the other's total"})
        return [], None
    apart = reported_apart(a, b)
    found, moved = [], []
    for pair in clashing:
        if pair.evolving and apart:
            moved.append(pair)
            continue
        if pair.whole and pair.fates_differ:
            found.append(Conflict("outcome", _written(pair.a, fate=True), _written(pair.b, fate=True), pair.group))
            continue
        kind = "count" if pair.a.ordinal else "number"
        found.append(Conflict(kind, _written(pair.a), _written(pair.b), pair.about))
    checks.append({"check": "figures", "ran": True, "pairs": len(figures)})
    return found, (apart if moved and not found else None)


def _written(q, fate: bool = False) -> str:
    """A figure as the conflict quotes it: "all but two", "all 175", "44", and with
    ``fate`` what befell them ("all four detained")."""
    text = f"{q.share} {q.text}" if q.share and not q.text.lower().startswith("all") else q.text
    return " ".join([text, *q.counts.split()[1:]]) if fate else text


def supporting_facts(a: Claim, b: Claim, figures: list[FigurePair], dates: list[slots.DatePair]) -> list[dict]:
    """The aligned facts on which the two claims agree: the same figure, the same clock
    time, the same act between the same actors (within one story, in any clause), the
    same record, the same place in the same role."""
    support = [{"fact": "figure", "about": f.about, "a": f.a.text, "b": f.b.text, "weak": not f.distinctive}
               for f in figures if f.judgement == "same"]
    support += [{"fact": "time", "a": p.a.text, "b": p.b.text} for p in slots.same_times(dates)]
    act = slots.shared_act(a, b, other_clauses=story_relation(a, b) == "same")
    if act is not None:
        support.append(act)
    support += slots.same_records(a, b)
    support += [{"fact": "place", "a": name, "b": name} for name in dict.fromkeys(slots.shared_places(a, b))]
    return support


def equivalences(a: Claim, b: Claim) -> list[str]:
    """Values the two claims write differently but agree on: "2½ hours = 2.5 hours"."""
    out = []
    for x in a.facts.quantities:
        for y in b.facts.quantities:
            written_apart = x.text and y.text and x.text.lower() != y.text.lower()
            if written_apart and x.low == y.low and x.high == y.high and (x.counts or abs(x.low or 0) >= DISTINCTIVE):
                out.append(f"{x.text} = {y.text}")
    return out + _sums(a, b)


def _sums(a: Claim, b: Claim) -> list[str]:
    """Parts on one side that add up to a total on the other: "229 + 12 = 241"."""
    qa, qb = a.facts.quantities, b.facts.quantities
    return [f"{' + '.join(p.text for p in s[0])} = {s[1].text}"
            for s in (sum_of_parts(qa, qb), sum_of_parts(qb, qa)) if s is not None]


def combine(verdict: Verdict, event: EventMatch, nli: NLIScores, a: Claim, b: Claim) -> Verdict:
    """Join the NLI model's reading to the structured verdict.

    Typed conflicts stand (the model only moves their confidence); where none were found,
    a confident model may turn a same-topic pair into a contradiction or an agreement,
    and a confident contradiction reading keeps a pair from being called an agreement.
    """
    evidence = {**verdict.evidence, "nli": asdict(nli)}
    if verdict.kind == "contradiction":
        return replace(verdict, confidence=_clip((verdict.confidence + nli.contradiction) / 2 + 0.1), evidence=evidence)
    if event.story != "different" and nli.contradiction >= NLI_MIN_PROBABILITY and (event.same or event.overlap > 0):
        conflict = Conflict("other", snippet(a.text, []), snippet(b.text, []), "the NLI model's reading")
        return Verdict("contradiction", _clip(nli.contradiction), explain.nli("contradictory", nli.contradiction),
                       [conflict], evidence)
    if verdict.kind == "related" and event.same and nli.entailment >= NLI_MIN_PROBABILITY:
        return Verdict("agreement", _clip(nli.entailment), explain.nli("the same fact", nli.entailment), [], evidence)
    if verdict.kind == "agreement":
        return replace(verdict, confidence=_clip((verdict.confidence + nli.entailment) / 2), evidence=evidence)
    return replace(verdict, evidence=evidence)


class Relater:
    """The relate stage as the pipeline holds it: built once from settings, with the
    optional NLI backend loaded only when ``nli_model`` names a directory."""

    def __init__(self, settings: Settings):
        self.thresholds = Thresholds.from_settings(settings)
        self.nli = NLIBackend(settings.nli_model) if settings.nli_model else None

    def relate(self, a: Claim, b: Claim, similarity: float) -> Verdict:
        scores = self.nli.score([(a.text, b.text)])[0] if self.nli is not None else None
        return classify(a, b, similarity, self.thresholds, scores)


def _agrees(a: Claim, b: Claim, event: EventMatch, figures: list[FigurePair], support: list[dict], t: Thresholds,
            checks: list[dict]) -> bool:
    similarity = event.similarity
    if a.facts.polarity != b.facts.polarity:
        checks.append({"check": "agreement", "ran": True, "why": "one claim affirms, the other denies"})
        return False
    if antonym_pair(set(a.facts.lemmas), set(b.facts.lemmas), ANTONYMS + CONTRASTS) is not None:
        checks.append({"check": "agreement", "ran": True, "why": "opposite or contrasting words"})
        return False
    # A small count ("two men") matches by chance in many stories: it speaks for one fact
    # only beside another aligned fact.
    strong = _strong(support)
    if len(support) >= 2:
        strong += [s for s in support if s.get("weak")]
    told = fates_told_apart(a, b, figures)
    if told is not None:
        checks.append({"check": "agreement", "ran": True, "why": f"one figure befalls them differently: "
                       f"{told[0].text} {told[0].counts} / {told[1].text} {told[1].counts}"})
        return False
    if _figures_disagree(a, b, figures):
        checks.append({"check": "agreement", "ran": True,
                       "why": "each claim gives its own figure for the same thing, and none is the other's"})
        return False
    reasons = []
    if similarity >= t.agree_similarity:
        reasons.append(f"similarity {similarity:.2f} >= {t.agree_similarity}")
    if event.same_act and similarity >= t.agree_act_similarity:
        reasons.append(f"the same act between the same actors at similarity >= {t.agree_act_similarity}")
    if strong and similarity >= t.aligned_similarity:
        reasons.append(f"{len(strong)} aligned fact(s) agree at similarity >= {t.aligned_similarity}")
    if strong and event.story == "same":
        reasons.append(f"{len(strong)} aligned fact(s) agree within one story")
    if equivalences(a, b) and similarity >= t.agree_overlap_similarity:
        reasons.append("the same figure written two ways")
    if support and event.overlap >= t.same_overlap and similarity >= t.agree_overlap_similarity:
        reasons.append(f"aligned {support[0]['fact']} with overlap {event.overlap:.2f} >= {t.same_overlap}")
    if event.overlap >= t.agree_overlap and similarity >= t.agree_overlap_similarity:
        reasons.append("one claim's content lies wholly inside the other")
    checks.append({"check": "agreement", "ran": True, "why": "; ".join(reasons) or "no aligned fact and wording too far apart"})
    return bool(reasons)


def _strong(support: list[dict]) -> list[dict]:
    """The aligned facts that speak for one fact on their own: a telling figure, a clock
    time, one act by one doer, one record from one mark."""
    return [s for s in support if s["fact"] in slots.TELLING_FACTS and not s.get("weak")]


def _figures_disagree(a: Claim, b: Claim, aligned: list[FigurePair]) -> bool:
    """Figures for the same thing on both sides that cannot both hold ("all but two
    passengers" and "all 175 passengers"), or that grow with the story and were
    published apart ("more than 60 killed" one day, "at least 133" the next): whatever
    else they share, these two do not state one fact. Compatible figures of one moment
    ("at least 44", "50") do."""
    paired = [(f.a, f.b) for f in aligned if f.judgement == "same"]
    same_a, same_b = {id(x) for x, _ in paired}, {id(y) for _, y in paired}
    if reported_apart(a, b) and any(f.judgement == "compatible" and f.evolving for f in aligned):
        return True
    if totals_agree(a, b):
        return False  # 20 + 30 votes are the 50 cast
    return any(same_counted(x.counts, y.counts) and (_excepts(x) != _excepts(y) or not (same_figure(x, y) or overlaps(x, y)))
               for x in a.facts.quantities if id(x) not in same_a
               for y in b.facts.quantities if id(y) not in same_b)


def _excepts(q) -> bool:
    """ "all but two passengers were killed": two were not."""
    return q.share == "all but"


def _firmly_one_event(a: Claim, b: Claim, event: EventMatch, t: Thresholds) -> bool:
    """A contradiction says one of two sources is wrong: it needs more than the topic in
    common, namely close wording, close meaning, one act between the same actors, one
    definite subject ("the summit"), one whole group counted, one incident's time or place,
    one named place's bearing, or one story."""
    in_story = event.story == "same" and event.similarity >= t.story_similarity
    return (event.overlap >= t.strong_overlap or event.similarity >= t.strong_similarity or event.same_act
            or in_story or event.group is not None or event.incident is not None or event.located is not None
            or slots.same_subject(a, b))


def _two_incidents(event: EventMatch, found: list[Conflict]) -> bool:
    """With no story to go by, a place that differs together with another value ("12
    killed in Springfield" vs "40 killed in Riverton") tells of two incidents, not of
    two accounts of one."""
    if event.story != "unknown":
        return False
    types = {c.type for c in found}
    return "place" in types and bool(types & set(_VALUE_CONFLICTS))


def _overlap_besides(a: Claim, b: Claim, antonym: Conflict) -> float:
    """Content overlap with the two opposed words left out: "prices rose" and "prices
    fell" say the same but for the word that opposes them."""
    pair = antonym_pair(set(a.facts.lemmas), set(b.facts.lemmas)) or ()
    opposed = {antonym.a.lower(), antonym.b.lower(), *pair}
    keep = [[w for w in content_words(c) if not any(same_word(w, o) for o in opposed)] for c in (a, b)]
    _, overlap = word_overlap(*keep)
    return overlap


def _evidence(a: Claim, b: Claim, event: EventMatch, figures: list[FigurePair], support: list[dict],
              checks: list[dict], t: Thresholds) -> dict:
    return {
        "same_event": {
            "same": event.same and not event.difference, "story": event.story, "overlap": round(event.overlap, 3),
            "similarity": round(event.similarity, 3), "shared_words": event.shared[:8], "shared_actors": event.actors[:5],
            "difference": event.difference, "reasons": event.reasons,
        },
        "aligned": [{"fact": "figure", "about": f.about, "a": f.a.text, "b": f.b.text, "judgement": f.judgement}
                    for f in figures]
                   + [s for s in support if s["fact"] != "figure"],
        "polarity": {"a": a.facts.polarity, "b": b.facts.polarity},
        "checks": checks,
        "thresholds": {"same_overlap": t.same_overlap, "same_similarity": t.same_similarity,
                       "aligned_similarity": t.aligned_similarity, "agree_similarity": t.agree_similarity,
                       "opposition_overlap": t.opposition_overlap, "strong_overlap": t.strong_overlap},
    }


def _basis(verdict: Verdict, support: list[dict], figures: list[FigurePair], event: EventMatch) -> str:
    """What kind of evidence the verdict rests on: verdicts of one kind on different
    evidence are right at different rates, so each is calibrated on its own. Fates set
    against a whole group counted ("all four detained") rest on values, like figures;
    an agreement on a telling value ("values": "$4.2 billion = $4.2bn") differs from
    one on an act alone ("aligned": what one-line captions share); aligned facts within
    one story ("story") are a basis the public data (captions, no stories) has no
    examples of, so its score stands uncalibrated, as for any basis with too few."""
    if verdict.kind == "contradiction":
        types = {c.type for c in verdict.conflicts}
        counted = any(f.whole and f.fates_differ for f in figures)
        return "values" if counted or types & {"number", "count", "date", "time", "place", "actor"} else "meaning"
    if verdict.kind == "agreement":
        strong = _strong(support)
        if not strong:
            return "wording"
        if event.story == "same":
            return "story"
        return "aligned" if all(s["fact"] == "act" for s in strong) else "values"
    return "topic"


def _contradiction_confidence(event: EventMatch, found: list[Conflict]) -> float:
    typed = len({c.type for c in found if c.type != "attribution"})
    story = 0.1 if event.story == "same" else 0.0
    return _clip(0.35 + 0.25 * event.overlap + 0.25 * event.similarity + 0.05 * typed + story)


def _agreement_confidence(event: EventMatch, support: list[dict]) -> float:
    strong = sum(1 for s in support if s["fact"] in slots.TELLING_FACTS)
    return _clip((event.similarity + event.overlap) / 2 + 0.1 + 0.05 * min(strong, 3))


def _related_confidence(event: EventMatch, support: list[dict]) -> float:
    """Two claims far apart in meaning are surely not one fact; two near-identical ones
    called only related are the likeliest to be wrong, and so are two that share an
    aligned fact or were judged one event without agreeing."""
    doubt = 0.5 if (event.same or support) else 1.0
    return _clip((1.0 - event.similarity) * doubt)


def _clip(x: float) -> float:
    return round(max(0.0, min(0.99, x)), 3)
