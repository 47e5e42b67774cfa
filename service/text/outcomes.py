"""Outcomes: what became of the things that have one (a ceasefire, a deal, a motion).

"A ceasefire agreement was reached" and "resisting calls for a ceasefire" give one
ceasefire two fates; the relate stage can only see that if each claim says, here, which
fate it gives each such thing. The outcome word nearest the thing speaks for it, unless
a refusal or a call just before that word governs it: "resisting calls for a ceasefire"
is refused, "pressure on the parties to agree to a ceasefire" only sought, while
"mediation efforts intensified | a ceasefire agreement was reached" is reached.
"""

from __future__ import annotations

from functools import lru_cache

from service.lexicon import OTHER_INSTANCE, OUTCOME_FAILURE, OUTCOME_SOUGHT, OUTCOME_SUCCESS, OUTCOME_TOPICS, same_word
from service.models import Outcome

# Outcome words by precedence: a refusal governs a call, a call governs a success.
_RANKS = ((OUTCOME_FAILURE, "not reached", 2), (OUTCOME_SOUGHT, "not reached", 1), (OUTCOME_SUCCESS, "reached", 0))
_GOVERNS = 8  # tokens back from an outcome word that a refusal or a call still governs
_NEAR = 6  # an outcome word further from the thing than this speaks of something else


def outcomes(span, negated: bool) -> list[Outcome]:
    """One outcome per thing the span names that has one and whose fate it states."""
    tokens = [t for t in span if t.is_alpha]
    topics = [(i, topic) for i, t in enumerate(tokens) if (topic := _topic(t)) is not None]
    if not topics:
        return []  # most claims name nothing that has an outcome: spare them the word lists
    marked = [(i, *rank) for i, t in enumerate(tokens) if (rank := _rank(t)) is not None]
    found: dict[str, Outcome] = {}
    for i, topic in topics:
        if topic in found or not marked or _another_instance(tokens[i]):
            continue
        nearest = min(marked, key=lambda m: abs(m[0] - i))
        if abs(nearest[0] - i) > _NEAR:
            continue
        governing = [m for m in marked if nearest[0] - _GOVERNS <= m[0] < nearest[0] and m[2] > nearest[2]]
        at, state, _ = max(governing, key=lambda m: m[2]) if governing else nearest
        if state == "reached" and negated:
            state = "not reached"
        found[topic] = Outcome(topic=topic, state=state, word=tokens[at].text)
    return list(found.values())


def _another_instance(tok) -> bool:
    return any(c.lower_ in OTHER_INSTANCE for c in tok.children if c.dep_ in ("amod", "det", "advmod"))


def _topic(tok) -> str | None:
    return _topic_of(tok.lemma_.lower(), tok.lower_)


def _rank(tok) -> tuple[str, int] | None:
    return _rank_of(tok.lemma_.lower(), tok.lower_)


# Every word of every claim is looked up in the word lists below (hundreds of word
# comparisons each), and the same words come back claim after claim: remembered per
# word, they cost a dictionary look-up.
@lru_cache(maxsize=1 << 14)
def _topic_of(lemma: str, lower: str) -> str | None:
    if lemma in OUTCOME_TOPICS:
        return lemma
    return next((t for t in sorted(OUTCOME_TOPICS) if same_word(lower, t)), None)  # sorted: one answer in every process


@lru_cache(maxsize=1 << 14)
def _rank_of(lemma: str, lower: str) -> tuple[str, int] | None:
    for lexicon, state, rank in _RANKS:
        if lemma in lexicon or any(same_word(lower, w) for w in lexicon):
            return state, rank
    return None
