"""Facts: what each segment asserts, in comparable form, and what kind of claim it is.

One claim per segment, in order. Each claim's facts (entities, quantities as
intervals, dates anchored to the publication date, polarity, attribution, subject /
predicate / object, content lemmas) are what the relate stage compares across
documents, so everything here is normalised: names to the document's fullest name,
figures to intervals, dates to calendar ranges.

Check-worthiness needs the claim's embedding, which the next stage computes; it is
scored by ``service.text.checkworthiness.score_checkworthiness`` after encoding.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from service.lexicon import OPPOSABLE
from service.models import AnchoredDate, Claim, Facts, QuantityInterval, Segment
from service.text.attribution import core, other_acts
from service.text.dates import extract_dates, may_name_a_time, parse_published
from service.text.entities import extract_entities, name_of, normalise
from service.text.kind import claim_kind, speaks_of_future
from service.text.outcomes import outcomes
from service.text.bearings import bearings
from service.text.places import place_facts
from service.text.records import records
from service.text.polarity import polarity
from service.text.quantities import extract_quantities
from service.text.scope import speaks_of_region, time_scope

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}


def extract_claims(segments: list[Segment], nlp, published_at: str | None = None) -> list[Claim]:
    """The claims of one document's segments (all of them at once: names normalise across them)."""
    published = parse_published(published_at)
    spans = _parsed(segments, nlp)
    context_dates = _context_dates(segments, nlp, published)
    claims = [
        _claim(seg, span, published, context_dates.get(seg.context, []))
        for seg, span in zip(segments, spans)
    ]
    _normalise_names(claims)
    return claims


def _parsed(segments: list[Segment], nlp) -> list:
    """Each segment's spaCy span: the segmenter's parse when it kept one, else one batch parse."""
    fresh = iter(nlp.pipe(s.text for s in segments if s.analysis is None))
    return [s.analysis if s.analysis is not None else next(fresh)[:] for s in segments]


def _context_dates(segments: list[Segment], nlp, published: date | None) -> dict[str, list[AnchoredDate]]:
    """Dates named by the headings and row headers that claims are read under.

    Only the entity recogniser runs on them, and only on those that may name a time:
    a document's contexts would otherwise cost as much to parse as its claims.
    """
    contexts = sorted({s.context for s in segments if s.context and may_name_a_time(s.context)})
    only_entities = [name for name in nlp.pipe_names if name not in ("tok2vec", "ner")]
    return {
        context: extract_dates(doc[:], published)
        for context, doc in zip(contexts, nlp.pipe(contexts, disable=only_entities))
    }


def _claim(seg: Segment, span, published: date | None, context_dates: list[AnchoredDate]) -> Claim:
    parts = core(span)
    dates = extract_dates(span, published, future=speaks_of_future(parts.verb))
    quantities = _not_dates(extract_quantities(span), dates)
    if not dates:
        # A table row's claims take their date from the row ("October 22, 2023 | ...").
        dates = [replace(d) for d in context_dates]
    negation, cues, negated = polarity(span)
    facts = Facts(
        entities=extract_entities(span),
        quantities=quantities,
        dates=dates,
        polarity=negation,
        negation_cues=cues,
        negated=negated,
        attribution=parts.attribution,
        subject=parts.subject,
        predicate=parts.predicate,
        object=parts.object,
        lemmas=content_lemmas(span),
        scope=time_scope(span),
        region=speaks_of_region(span),
        places=place_facts(span),
        outcomes=outcomes(span, negated=negation == "negated"),
        bearings=bearings(span),
        records=records(span),
        acts=other_acts(span, parts.verb),
    )
    return Claim(
        text=seg.text,
        span=(seg.start, seg.end),
        kind=claim_kind(span, parts.verb, parts.reported, any(states_figure(q) for q in quantities)),
        facts=facts,
        event_date=event_date(dates),
        context=seg.context,
    )


def _not_dates(quantities: list[QuantityInterval], dates: list[AnchoredDate]) -> list[QuantityInterval]:
    """Figures less the years, day numbers and clock times that belong to the claim's dates."""
    written = " ".join(d.text for d in dates)
    return [q for q in quantities if not (q.text and (q.text in written or _number_in(q.text, written)))]


def _number_in(figure: str, written: str) -> bool:
    """"around 7.20" belongs to the time "7.20 pm": its number is a whole number there."""
    number = re.search(r"\d[\d.:,]*", figure)
    return number is not None and re.search(rf"(?<![\d.,:]){re.escape(number.group())}(?![\d])", written) is not None


def states_figure(q: QuantityInterval) -> bool:
    """A figure worth checking as such: not a rank ("11th") and not "one" or "two" of
    something, which counts sides and parties more often than it reports a number."""
    return not q.ordinal and (q.low is None or q.high is None or q.high > 2 or q.approximate)


def content_lemmas(span) -> list[str]:
    """Lower-cased lemmas of the content words, once each, in order: for overlap scores."""
    seen: dict[str, None] = {}
    for tok in span:
        opposable = tok.lemma_.lower() in OPPOSABLE
        if tok.pos_ in _CONTENT_POS and (not tok.is_stop or opposable) and (tok.is_alpha or tok.like_num):
            seen.setdefault(tok.lemma_.lower(), None)
    return list(seen)


def event_date(dates: list[AnchoredDate]) -> str | None:
    """The day the claim's event happened: its first date precise to the day, if any."""
    for d in dates:
        if d.granularity in ("day", "time") and len(d.start) >= 10 and d.start[4] == "-":
            return d.start[:10]
    return None


def _normalise_names(claims: list[Claim]) -> None:
    """Every entity, speaker, subject and object takes the document's fullest name for it."""
    names = normalise([c.facts.entities for c in claims])
    for claim in claims:
        f = claim.facts
        f.attribution, f.subject, f.object = (
            names.get(name_of(v), v) if v else v for v in (f.attribution, f.subject, f.object)
        )
