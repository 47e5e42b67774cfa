"""Segment: blocks of cleaned text into claim-sized pieces, with exact spans.

Each block is parsed once (``nlp.pipe`` over all blocks) and each segment keeps its
spaCy span in ``analysis`` so that the facts stage does not parse again. Paragraphs
and list items give one segment per independent clause of each sentence; a table row
is one segment, read with its header as context. Headings give context and no
segments; so does a list item's label ("Backchannel Diplomacy: Senior envoys...").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from service.models import Block, CleanedText, Segment
from service.text.clauses import split_clauses, strip_spaces
from service.text.layout import MAX_LABEL_WORDS, is_dateline, labelled, looks_like_heading

MIN_CLAIM_WORDS = 3
_LABEL = re.compile(r"^([A-Z][^:.!?]{1,80}):\s+(?=\S)")
_NOT_WORD = re.compile(r"\W+")


def segment(cleaned: CleanedText, nlp) -> list[Segment]:
    """The claim-sized segments of ``cleaned``, in reading order, each said once."""
    return segment_many([cleaned], nlp)[0]


def segment_many(texts: list[CleanedText], nlp) -> list[list[Segment]]:
    """The segments of each of ``texts``: every block of all of them parsed in one
    ``nlp.pipe``, which spaCy runs faster than one small batch per text."""
    blocks = [[b for b in cleaned.blocks if b.kind != "heading"] for cleaned in texts]
    docs = iter(nlp.pipe(c.text[b.start : b.end] for c, bs in zip(texts, blocks) for b in bs))
    return [_segments(bs, [next(docs) for _ in bs]) for bs in blocks]


def _segments(blocks: list[Block], docs: list[Doc]) -> list[Segment]:
    segments, seen = [], set()
    for block, doc in zip(blocks, docs):
        for span, context in _claim_spans(block, doc):
            key = _NOT_WORD.sub(" ", span.text).strip().lower()
            if key in seen:
                continue
            seen.add(key)
            start = block.start + span.start_char
            segments.append(
                Segment(
                    text=span.text, start=start, end=start + len(span.text),
                    block_kind=block.kind, context=context, analysis=span,
                )
            )
    return segments


def _claim_spans(block: Block, doc: Doc) -> list[tuple[Span, str]]:
    if block.kind == "table_row":
        row = strip_spaces(doc[:])
        return [(row, block.context)] if is_claim(row) else []
    body_start, context = 0, block.context
    label = _label(doc.text) if block.kind == "list_item" else None
    if label:
        label_text, body_start = label
        context = labelled(context, label_text)
    spans = []
    for sent in doc.sents:
        if sent.end_char <= body_start:
            continue
        if sent.start_char < body_start:
            sent = doc.char_span(body_start, sent.end_char, alignment_mode="expand")
        if sent.text.rstrip().endswith(":"):
            continue  # a lead-in ("The talks covered:"): it is the context of what follows
        spans.extend((clause, context) for clause in split_clauses(sent) if is_claim(clause))
    return spans


def _label(text: str) -> tuple[str, int] | None:
    """A list item's leading label ("Economic Ramifications") and where its body starts."""
    match = _LABEL.match(text)
    if not match:
        return None
    label = match.group(1).strip()
    words = len(label.split())
    if words > MAX_LABEL_WORDS or not (words == 1 or looks_like_heading(label)):
        return None
    return label, match.end()


def is_claim(span: Span) -> bool:
    """Enough words to state something, and not a date alone."""
    words = [t for t in span if t.is_alpha or t.like_num]
    return len(words) >= MIN_CLAIM_WORDS and not is_dateline(span.text)
