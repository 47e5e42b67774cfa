"""Word lists the relate stage reasons with, and the one way it compares lemmas.

These are small on purpose: each list names a kind of opposition that holds across
topics (an outcome reached vs resisted, a figure for one day vs a running total), so a
rule built on it generalises. Entries are lemmas as spaCy writes them.
"""

from __future__ import annotations

# Verbs that report what someone says, not what happened: left out of content overlap.
REPORTING = frozenset(
    "say tell report claim state announce add note insist allege accuse confirm deny dismiss "
    "reject refute indicate according suggest".split()
)

# Reporting verbs that deny what they report: "Iran's army denies firing".
DENIAL = frozenset("deny dismiss refute reject".split())

# Verbs that name no act of their own: "is", "has", "is set to meet" (the act is "meet").
LIGHT_VERBS = frozenset("be have do make get set go take give seem become".split())

# Words that negate a clause, as a reader would mark them.
NEGATION_CUES = frozenset("no not n't never nobody none nothing neither nor without".split())

# Pairs whose members cannot both describe one happening.
ANTONYMS = (
    ("win", "lose"), ("rise", "fall"), ("increase", "decrease"), ("increase", "drop"),
    ("rise", "drop"), ("open", "close"), ("accept", "reject"), ("approve", "reject"),
    ("arrive", "leave"), ("arrive", "depart"), ("enter", "leave"), ("enter", "exit"),
    ("start", "stop"), ("begin", "end"), ("sit", "stand"), ("buy", "sell"),
    ("add", "remove"), ("pour", "remove"), ("lift", "drop"), ("push", "pull"),
    ("empty", "full"), ("asleep", "awake"), ("sleep", "wake"), ("alive", "dead"),
    ("survive", "die"), ("release", "detain"), ("release", "arrest"), ("free", "capture"),
    ("raise", "lower"), ("expand", "shrink"), ("gain", "lose"), ("support", "oppose"),
    ("allow", "ban"), ("allow", "forbid"), ("legal", "illegal"), ("guilty", "innocent"),
    ("acquit", "convict"), ("victory", "defeat"), ("up", "down"), ("inside", "outside"),
    ("wet", "dry"), ("black", "white"), ("young", "old"), ("fast", "slow"),
    ("near", "far"), ("hit", "miss"), ("gather", "scatter"), ("sit", "lie"), ("same", "different"),
    ("happy", "sad"), ("clean", "dirty"), ("light", "dark"), ("before", "after"),
    ("with", "without"), ("always", "never"), ("present", "absent"),
)

# What an outcome can be: something reached, or something refused, failed or broken off.
OUTCOME_SUCCESS = frozenset(
    "reach agree sign broker secure achieve accept approve conclude finalize seal strike "
    "implement hold pass adopt".split()
)
OUTCOME_FAILURE = frozenset(
    "resist reject refuse fail collapse stall oppose block veto rebuff dismiss break "
    "abandon suspend violate derail scrap".split()
)
# An outcome still wanted, not yet had: "calls for", "efforts to", "pushing for" a deal.
OUTCOME_SOUGHT = frozenset(
    "call urge seek push press pressure effort renew reinstate need aim hope try appeal demand "
    "propose negotiate mediate".split()
)
# Things that have outcomes: the topic an outcome conflict is about.
OUTCOME_TOPICS = frozenset(
    "ceasefire truce deal agreement accord treaty talk negotiation plan proposal resolution "
    "bill law motion vote peace armistice pact settlement".split()
)

# A figure for one day or one incident vs a running total: different scopes, not a conflict.
SINGLE_SCOPE = frozenset("today tonight overnight yesterday daily single".split())
SINGLE_SCOPE_PHRASES = ("in the past 24 hours", "in the last 24 hours", "on a single day", "in one day")
CUMULATIVE_SCOPE = frozenset("since total cumulative overall".split())
CUMULATIVE_SCOPE_PHRASES = ("so far", "in total", "to date", "all told", "in all", "since the start")

# A country against "the region": visits to Israel vs tours of the Middle East.
REGION_WORDS = frozenset("region regional middle east mideast gulf".split())

# Words that make the same count: "killed" and "dead" count the same people.
SYNONYMS = (
    frozenset("kill killed dead death die casualty fatality".split()),
    frozenset("wound wounded injure injured injury hurt".split()),
    frozenset("missile rocket projectile".split()),
    frozenset("visit trip tour".split()),
    frozenset("people person individual".split()),
    frozenset("ceasefire truce armistice".split()),
    frozenset("meet meeting talk".split()),
    frozenset("boy child kid".split()),
    frozenset("girl child kid".split()),
    frozenset("man person".split()),
    frozenset("woman person lady".split()),
    frozenset("cut slice chop".split()),
)


def same_word(a: str, b: str) -> bool:
    """Lemmas that name the same thing: equal, one a stem of the other, or synonyms.

    The stem test ("meet"/"meeting", "fire"/"firing") stands in for a stemmer; four
    letters keep "war" from matching "warn".
    """
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True
    return any(a in group and b in group for group in SYNONYMS)


def antonym_pair(a_lemmas: set[str], b_lemmas: set[str]) -> tuple[str, str] | None:
    """The first opposed pair with one word on each side, as (a's word, b's word)."""
    for x, y in ANTONYMS:
        if x in a_lemmas and y in b_lemmas and y not in a_lemmas and x not in b_lemmas:
            return x, y
        if y in a_lemmas and x in b_lemmas and x not in a_lemmas and y not in b_lemmas:
            return y, x
    return None
