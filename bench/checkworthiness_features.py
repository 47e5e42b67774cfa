"""Claims and embeddings for a list of sentences, exactly as the pipeline makes them.

Each sentence is its own one-claim document: parsed once in a batch, its facts
extracted by ``extract_claims``, encoded by the shipped sentence encoder.
"""

from __future__ import annotations

import numpy as np

from embeddings.encoder import Encoder
from service.models import Claim, Segment
from service.text.facts import extract_claims
from service.text.nlp import load_nlp


def claims_and_vectors(texts: list[str], encoder: Encoder | None = None) -> tuple[list[Claim], np.ndarray]:
    nlp = load_nlp()
    claims = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        segment = Segment(text=text, start=0, end=len(text), analysis=doc[:])
        claims.extend(extract_claims([segment], nlp))
    vectors = (encoder or Encoder()).encode(texts)
    return claims, vectors
