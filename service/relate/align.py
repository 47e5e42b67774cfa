"""Align the figures of two claims, then judge each aligned pair.

News claims state several facts and two outlets share one of them, worded their own
way: "104 survivors had been brought ashore" and "104 people were rescued". So figures
are paired one to one before they are judged: first the same figure on both sides
(equal values, allowing the rounding the writing implies), then figures that count the
same thing. Each pair is ``same`` (agreement on that fact), ``compatible`` (both can
hold, neither confirms the other: "more than 60" and "at least 133") or ``conflict``
(they cannot both hold). A figure with no partner is silence, never disagreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.lexicon import ANYONE, EVOLVING_COUNTS, FATES, GENERIC_COUNTED, same_word
from service.models import Claim, QuantityInterval

# Units a figure may be written in, as (dimension, factor to the base unit).
UNITS = {
    "second": ("time", 1), "minute": ("time", 60), "hour": ("time", 3600), "day": ("time", 86400),
    "week": ("time", 604800), "month": ("time", 2629746), "year": ("time", 31556952),
    "m": ("length", 1), "metre": ("length", 1), "meter": ("length", 1), "km": ("length", 1000),
    "kilometre": ("length", 1000), "kilometer": ("length", 1000), "mile": ("length", 1609.344),
    "kg": ("mass", 1), "kilogram": ("mass", 1), "tonne": ("mass", 1000), "ton": ("mass", 1000),
    "pound": ("mass", 0.4536), "lb": ("mass", 0.4536),
}
APPROXIMATE_SPREAD = 0.1  # "about 50" allows 45..55 when the facts gave a point
SAME_ROUNDING = 0.03  # an approximate figure says the same as one this close to it
DISTINCTIVE = 10  # equal figures from here on pair even when they name what they count differently
_PLAIN_FIGURE = re.compile(r"(\d[\d,]*)(\.\d+)?")


@dataclass
class FigurePair:
    a: QuantityInterval
    b: QuantityInterval
    about: str
    judgement: str  # "same" | "compatible" | "conflict"
    whole: bool = False  # paired as a whole group against part of it ("all four" / "two killed")

    @property
    def distinctive(self) -> bool:
        """A figure unlikely to match by chance: a measure with a unit, or a count of ten
        or more ("two men" are in many stories; "179 dead" in one)."""
        value = _nominal(self.a)
        return bool(_unit(self.a.counts)) or (value is not None and abs(value) >= DISTINCTIVE)

    @property
    def measure_only(self) -> bool:
        """Both sides name only a unit ("km", "hours"), not what is measured."""
        return all(_unit(q.counts) for q in (self.a, self.b))


    @property
    def group(self) -> str:
        """Who is counted, without what befell them: "perpetrators"."""
        return (self.a.counts or self.b.counts).split(" ")[0]

    @property
    def fates_differ(self) -> bool:
        """The two sides give the group fates that cannot befall one person."""
        fx, fy = _fate(self.a.counts), _fate(self.b.counts)
        return bool(fx and fy and fx != fy)

    @property
    def evolving(self) -> bool:
        """A count that grows as the story unfolds (a toll, the injured, the rescued)."""
        return any(w in EVOLVING_COUNTS for w in self.about.lower().split())


def align_figures(a: Claim, b: Claim) -> list[FigurePair]:
    """The figures of ``a`` and ``b`` paired one to one: the same figures first, then
    figures of the same thing, each with its judgement."""
    # What "all but two" leaves out is no count of what befell the rest: it pairs only
    # with the whole group, below.
    free_a = [q for q in a.facts.quantities if q.share != "all but"]
    free_b = [q for q in b.facts.quantities if q.share != "all but"]
    pairs = _whole_group_conflicts(a.facts.quantities, b.facts.quantities)
    free_a = [q for q in free_a if not any(p.a is q for p in pairs)]
    free_b = [q for q in free_b if not any(p.b is q for p in pairs)]
    for x in list(free_a):
        y = next((y for y in free_b if x.ordinal == y.ordinal and _may_be_one(x, y) and same_figure(x, y)), None)
        if y is not None:
            pairs.append(FigurePair(x, y, _about(x, y), "same"))
            free_a.remove(x)
            free_b.remove(y)
    lone = len(free_a) == len(free_b) == 1
    for x in list(free_a):
        partners = [y for y in free_b if x.ordinal == y.ordinal and (
            counts_alike(x.counts, y.counts) or (lone and not x.counts and not y.counts))]
        if not partners:
            continue
        y = next((y for y in partners if overlaps(x, y)), partners[0])
        pairs.append(FigurePair(x, y, _about(x, y), "compatible" if overlaps(x, y) else "conflict"))
        free_a.remove(x)
        free_b.remove(y)
    return pairs


def _whole_group_conflicts(qa: list[QuantityInterval], qb: list[QuantityInterval]) -> list[FigurePair]:
    """A whole group on one side and, on the other, part of the same group with another
    fate ("all four perpetrators detained" / "two perpetrators killed") or the same fate
    with some left out ("all 175 passengers killed" / "all but two passengers killed")."""
    pairs = []
    for x in qa:
        for y in qb:
            if x.ordinal or y.ordinal or "all" not in (x.share, y.share) or not _same_group(x, y):
                continue
            all_but = {x.share, y.share} == {"all", "all but"} and counts_alike(x.counts, y.counts)
            if all_but or (not {x.share, y.share} & {"all but"} and _fate(x.counts) and _fate(y.counts)
                           and _fate(x.counts) != _fate(y.counts)):
                pairs.append(FigurePair(x, y, _about(x, y), "conflict", whole=True))
    return pairs


def _same_group(x: QuantityInterval, y: QuantityInterval) -> bool:
    """Both count one group by name ("passengers", "perpetrators"); "all 224 people on
    board" of one plane and "120 people wounded" in a hall are not one group."""
    nx, ny = x.counts.lower().split()[:1], y.counts.lower().split()[:1]
    return bool(nx and ny) and nx[0] not in ANYONE and same_word(nx[0], ny[0])


def _fate(counts: str) -> str | None:
    """ "perpetrators killed" -> "dead", "perpetrators detained" -> "alive", else None."""
    kind = fate_kind(counts)
    return None if kind in (None, "missing") else "dead" if kind == "dead" else "alive"


def fate_kind(counts: str) -> str | None:
    """What befell those counted, as a key of FATES: "people injured" -> "hurt"."""
    words = counts.lower().split()[1:]
    return next((kind for kind, fates in FATES.items() if any(same_word(w, f) for w in words for f in fates)), None)


def fates_told_apart(a: Claim, b: Claim, figures: list[FigurePair]) -> tuple[QuantityInterval, QuantityInterval] | None:
    """One figure that the two claims count with different fates ("30 people injured" /
    "30 people killed"), neither side of it already paired as the same figure."""
    paired = {id(q) for f in figures if f.judgement == "same" for q in (f.a, f.b)}
    for x in a.facts.quantities:
        for y in b.facts.quantities:
            if id(x) not in paired and id(y) not in paired and fates_apart(x, y) and same_figure(x, y):
                return x, y
    return None


def fates_apart(x: QuantityInterval, y: QuantityInterval) -> bool:
    """Two figures that tell of different things befalling those counted."""
    fx, fy = fate_kind(x.counts), fate_kind(y.counts)
    return bool(fx and fy and fx != fy)


def figures_agree(figures: list[FigurePair]) -> bool:
    """The same figure on at least one side and no figure in conflict."""
    return any(f.judgement == "same" for f in figures) and not any(f.judgement == "conflict" for f in figures)


def same_counted(cx: str, cy: str) -> bool:
    """Do two figures count the same thing? A shared word (by stem or synonym), or units
    of one dimension ("50 miles" and "80 km")."""
    if not cx or not cy:
        return False
    ux, uy = _unit(cx), _unit(cy)
    if ux and uy:
        return UNITS[ux][0] == UNITS[uy][0]
    return any(same_word(u, v) for u in cx.lower().split() for v in cy.lower().split())


def counts_alike(cx: str, cy: str) -> bool:
    """Strictly the same thing counted, as figures that differ must be before they can
    conflict: every word of each description has its match in the other ("people
    killed" and "people confirmed" count different things; "members survived" and
    "members" too). Units match by dimension."""
    if not cx or not cy:
        return False
    ux, uy = _unit(cx), _unit(cy)
    if ux or uy:
        return bool(ux and uy) and UNITS[ux][0] == UNITS[uy][0]
    wx, wy = cx.lower().split(), cy.lower().split()
    if all(any(same_word(u, v) for v in wy) for u in wx) and all(any(same_word(u, v) for u in wx) for v in wy):
        return True
    # The same specific noun, whatever verb each puts with it ("missiles fired", "missiles
    # launched") -- unless a verb picks out a part by its fate: "six crew members" on board
    # and "two crew members survived" count different crews.
    noun = wx[0]
    if not (len(wx) > 1 and len(wy) > 1 and same_word(noun, wy[0]) and _lemma(noun) not in GENERIC_COUNTED):
        return False
    fates = [w for w in wx[1:] + wy[1:] if any(same_word(w, f) for f in EVOLVING_COUNTS)]
    return not fates or all(any(same_word(u, v) for v in wy[1:]) for u in wx[1:])


def _lemma(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def same_figure(x: QuantityInterval, y: QuantityInterval) -> bool:
    """The same figure, written two ways: equal values in one unit, within the rounding
    the writing implies ("170 km" may be 171), or one inside the other's "about"."""
    if _round_bound_of(x, y) or _round_bound_of(y, x):
        return True
    bx, by = _in_base_unit(x), _in_base_unit(y)
    nx, ny = _nominal(x), _nominal(y)
    if nx is not None and ny is not None:
        if abs(nx - ny) <= max(_rounding(x), _rounding(y)):
            return True
        # "about 2,400" is 2,415 as one writer rounds it; "about 60" is not "sixty-four":
        # that may hold, but it does not say the same figure.
        close = abs(nx - ny) <= SAME_ROUNDING * max(abs(nx), abs(ny))
        return close and ((x.approximate and _inside(ny, bx)) or (y.approximate and _inside(nx, by)))
    return x.value is None and y.value is None and (x.low, x.high) == (y.low, y.high) and x.low is not None


def overlaps(x: QuantityInterval, y: QuantityInterval) -> bool:
    return _in_base_unit(x).overlaps(_in_base_unit(y))


def sum_of_parts(parts: list[QuantityInterval], totals: list[QuantityInterval]):
    """``(the parts, the total)`` when two or more exact figures of ``parts`` add up to a
    figure of ``totals``: 229 passengers + 12 crew = 241 on board. None otherwise."""
    points = [q for q in parts if not q.ordinal and q.low is not None and q.low == q.high]
    if len(points) < 2:
        return None
    whole = sum(q.low for q in points)
    if whole < DISTINCTIVE:
        return None  # "one passenger and one crew member" make two of anything
    total = next((t for t in totals if t.low is not None and t.low == t.high and t.low == whole), None)
    return (points, total) if total is not None else None


def totals_agree(a: Claim, b: Claim) -> bool:
    qa, qb = a.facts.quantities, b.facts.quantities
    return sum_of_parts(qa, qb) is not None or sum_of_parts(qb, qa) is not None


def _round_bound_of(bound: QuantityInterval, exact: QuantityInterval) -> bool:
    """ "more than 900" for 946, "under 100" for 96: a round bound is how a writer gives
    an exact figure that lies within its last round digit (900 to 999), not a figure of
    its own. "at least 133" and 137 are two figures."""
    written, figure = bound.nominal, _nominal(exact)
    if written is None or figure is None or exact.low != exact.high or exact.approximate or bound.ordinal:
        return False
    whole = f"{abs(written):.0f}"
    zeros = len(whole) - len(whole.rstrip("0"))
    if written != int(written) or written < DISTINCTIVE or zeros == 0:
        return False
    value, step = written * _factor(bound), 10**zeros * _factor(bound)
    if bound.low is not None and bound.high is None:
        return value <= figure < value + step
    if bound.high is not None and bound.low is None:
        return value - step < figure <= value
    return False


def _may_be_one(x: QuantityInterval, y: QuantityInterval) -> bool:
    """Equal figures pair when they count the same thing, when one does not say what it
    counts, or when the figure is distinctive enough that the wording differs only."""
    if bool(_unit(x.counts)) != bool(_unit(y.counts)):
        return False  # "2 metres" and "two" of anything are not one figure
    if fates_apart(x, y):
        return False  # "30 people injured" and "30 people killed" are two accounts
    if not x.counts or not y.counts:
        return True
    value = _nominal(x)
    distinctive = value is not None and abs(value) >= DISTINCTIVE
    if counts_alike(x.counts, y.counts) or (distinctive and same_counted(x.counts, y.counts)):
        return True
    ux, uy = _unit(x.counts), _unit(y.counts)
    if ux or uy:
        return False  # "6 hours" and "6 people" are not one figure
    # "two survivors" and "two victims" are not one figure; "104 survivors" and "104 people" are
    return distinctive


def _about(x: QuantityInterval, y: QuantityInterval) -> str:
    return x.counts or y.counts


def _unit(counts: str) -> str | None:
    word = (counts or "").lower().split(" ")[0] if counts else ""
    if word in UNITS:
        return word
    if word.endswith("s") and word[:-1] in UNITS:
        return word[:-1]
    return None


def _factor(q: QuantityInterval) -> float:
    unit = _unit(q.counts)
    return UNITS[unit][1] if unit else 1.0


def _nominal(q: QuantityInterval) -> float | None:
    value = q.nominal
    return None if value is None else value * _factor(q)


def _rounding(q: QuantityInterval) -> float:
    """How far the written figure may be from the true one, in base units: half a unit of
    its last digit, and for a measure with a unit, of its last non-zero digit ("170 km"
    may be 165..175; "179 people" is 179)."""
    match = _PLAIN_FIGURE.fullmatch(q.text.strip().split(" ")[-1]) if q.text else None
    if match is None or q.ordinal or q.nominal is None:
        return 0.0
    whole, decimals = match.group(1).replace(",", ""), match.group(2)
    if decimals:
        step = 10 ** -(len(decimals) - 1)
    elif _unit(q.counts) and whole.rstrip("0") != whole:
        step = 10 ** (len(whole) - len(whole.rstrip("0")))
    else:
        step = 1
    return 0.49 * step * _factor(q)


def _in_base_unit(q: QuantityInterval) -> QuantityInterval:
    """The interval in its dimension's base unit, widened when the figure is approximate
    and by the rounding its digits imply ("4 percent" stands for 3.5..4.5, so 4.4 fits)."""
    factor = _factor(q)
    low, high = q.low, q.high
    if low is not None and low == high:
        if q.approximate:
            low, high = low * (1 - APPROXIMATE_SPREAD), high * (1 + APPROXIMATE_SPREAD)
        else:
            half = _rounding(q) / factor
            low, high = low - half, high + half
    low = None if low is None else low * factor
    high = None if high is None else high * factor
    return QuantityInterval(low=low, high=high, counts=q.counts, text=q.text, ordinal=q.ordinal)


def _inside(value: float, interval: QuantityInterval) -> bool:
    return (interval.low is None or interval.low <= value) and (interval.high is None or value <= interval.high)
