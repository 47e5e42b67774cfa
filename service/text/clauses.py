"""Clauses: a sentence that states two independent facts, cut into two claims.

Two clauses are independent when each has its own subject and verb: "The military
responded with counterstrikes, and U.S. officials are working to de-escalate" is two
claims, "Blinken called the accusations meritless but said..." is one (the second
verb borrows the first one's subject). Cuts are made at a semicolon or at a
coordinating conjunction that joins the sentence's root to a verb of its own subject,
read from spaCy's dependency parse; only the sentence's top level is cut, so what
someone "said" or "warned" stays whole with its attribution.
"""

from __future__ import annotations

from spacy.tokens import Span

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def split_clauses(sent: Span) -> list[Span]:
    """``sent`` cut into its independent clauses (``[sent]`` when it has one)."""
    doc, pieces, start = sent.doc, [], sent.start
    for cut_start, cut_end in _cuts(sent):
        left, right = doc[start:cut_start], doc[cut_end : sent.end]
        if _is_clause(left) and _is_clause(right):
            pieces.append(left)
            start = cut_end
    pieces.append(doc[start : sent.end])
    return [stripped for stripped in map(strip_spaces, pieces) if len(stripped)]


def _cuts(sent: Span) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` a sentence may be cut out at: "; " and ", and"/"but"."""
    cuts = [(t.i, t.i + 1) for t in sent if t.text == ";"]
    root = sent.root
    for conj in root.children:
        if conj.dep_ != "conj" or not _is_finite(conj) or not any(c.dep_ in _SUBJECTS for c in conj.children):
            continue  # "61 were killed and dozens injured": a gapped verb shares the first one's tense
        if conj.left_edge.tag_ in _WH_TAGS or conj.left_edge.dep_ == "mark":
            continue  # "...an example of the war and why it will last": not a clause of its own
        ccs = [t for t in sent.doc[root.i + 1 : conj.left_edge.i] if t.dep_ == "cc"]
        if ccs:
            cut_start = ccs[-1].i
            while cut_start > sent.start and sent.doc[cut_start - 1].is_punct:
                cut_start -= 1  # the comma before ", and" goes with the cut
            cuts.append((cut_start, conj.left_edge.i))
    return sorted(set(cuts))


def _is_finite(verb) -> bool:
    """A verb with its own tense: "struck", "is", or one carried by an auxiliary ("was hit")."""
    return verb.tag_ in _FINITE_TAGS or any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _is_clause(span: Span) -> bool:
    """Has a verb (or a copular root) with its own subject inside the span."""
    for token in span:
        heads_clause = token.pos_ in ("VERB", "AUX") or token.dep_ == "ROOT"
        if heads_clause and any(c.dep_ in _SUBJECTS and span.start <= c.i < span.end for c in token.children):
            return True
    return False


def strip_spaces(span: Span) -> Span:
    """``span`` without whitespace tokens at its edges."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end]
