"""Segment: blocks of cleaned text into claim-sized pieces, with spans."""

from __future__ import annotations

from service.models import CleanedText, Segment


def segment(cleaned: CleanedText, nlp) -> list[Segment]:
    segments = []
    blocks = [b for b in cleaned.blocks if b.kind != "heading"]
    docs = nlp.pipe(cleaned.text[b.start : b.end] for b in blocks)
    for block, doc in zip(blocks, docs):
        for sent in doc.sents:
            text = sent.text.strip()
            if len(text.split()) < 3:
                continue
            start = block.start + sent.start_char
            segments.append(
                Segment(text=text, start=start, end=start + len(sent.text), block_kind=block.kind, context=block.context)
            )
    return segments
