"""Explanations: one sentence per verdict, written like a fact-checker's note.

"Numbers differ on Palestinians killed: 44 vs 50." — the reader should learn what
differs, and the two values as each source wrote them, without opening either article.
"""

from __future__ import annotations

from service.models import Conflict
from service.relate.slots import TELLING_FACTS

_TEMPLATES = {
    "number": "numbers differ on {about}: {a} vs {b}",
    "count": "counts differ on {about}: {a} vs {b}",
    "date": "dates differ for {about}: {a} vs {b}",
    "time": "times differ for {about}: {a} vs {b}",
    "place": "places differ for {about}: {a} vs {b}",
    "actor": "actors differ on {about}: {a} vs {b}",
    "negation": "one affirms what the other denies: “{a}” vs “{b}”",
    "antonym": "opposite accounts of {about}: “{a}” vs “{b}”",
    "outcome": "different outcome for the {about}: one says “{a}”, the other “{b}”",
    "other": "{about}: {a} vs {b}",
}


def contradiction(conflicts: list[Conflict]) -> str:
    attributed = [c for c in conflicts if c.type == "attribution"]
    clauses = [_clause(c) for c in conflicts if c.type != "attribution"]
    body = "; ".join(clauses)
    if attributed:
        c = attributed[0]
        return _sentence(f"Attributed claims oppose each other ({c.a} vs {c.b}): {body}")
    if len(clauses) == 1 and conflicts[0].type == "outcome":
        return _sentence(f"Same event, {body}")
    return _sentence(body[0].upper() + body[1:])


def related(difference: str | None, conflicts: list[Conflict], shared: list[str]) -> str:
    """Why a pair is only related: a named difference of time, scope or event, or topic only."""
    clauses = [_clause(c) for c in conflicts if c.type != "attribution"]
    if difference:
        tail = f"; {'; '.join(clauses)}" if clauses else ""
        return _sentence(f"Related, not contradictory: {difference}{tail}")
    if clauses:
        return _sentence(f"Related, not clearly the same event: {'; '.join(clauses)}")
    topic = ", ".join(shared[:3])
    return _sentence(f"Same topic ({topic}), but neither states the other's fact" if topic else "Same topic only")


def agreement(actors: list[str], support: list[dict], equivalences: list[str]) -> str:
    """What the two accounts agree on: the aligned facts, the actors they share, and
    values written differently."""
    parts = [_aligned(s) for s in support if s["fact"] in TELLING_FACTS][:3]
    if equivalences:
        parts.append(f"equivalent values ({'; '.join(equivalences)})")
    if actors:
        parts.append(f"the same actors ({', '.join(a.title() for a in actors[:3])})")
    return _sentence("Same fact in other words" + (f", with {_join(parts)}" if parts else ""))


def _aligned(fact: dict) -> str:
    same = fact["a"] if fact["a"].lower() == fact["b"].lower() else f"{fact['a']} = {fact['b']}"
    if fact["fact"] == "figure":
        return f"the same figure for {fact['about']} ({same})" if fact.get("about") else f"the same figure ({same})"
    if fact["fact"] == "time":
        return f"the same time ({same})"
    if fact["fact"] == "record":
        return f"the same record ({fact['a']} / {fact['b']})"
    return f"the same act ({fact['a']} / {fact['b']})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def nli(label: str, probability: float) -> str:
    return _sentence(f"The NLI model reads these as {label} (p={probability:.2f}); no typed conflict was found")


def _clause(conflict: Conflict) -> str:
    about = conflict.about or "the claim"
    return _TEMPLATES.get(conflict.type, _TEMPLATES["other"]).format(a=conflict.a, b=conflict.b, about=about)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "…")) else text + "."
