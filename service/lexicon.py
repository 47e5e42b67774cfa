"""Every word list crossfact reasons with, and the one way it compares lemmas.

The facts stage (``service.text``) reads claims with these lists and the relate stage
(``service.relate``) judges the facts it recorded, so a word means the same thing on
both sides. The lists are small on purpose: each names a kind of statement or
opposition that holds across topics (an outcome reached vs resisted, a figure for one
day vs a running total), so a rule built on it generalises. Entries are lemmas as
spaCy writes them.
"""

from __future__ import annotations

import calendar
import os

# Verbs that report what someone says, not what happened: they mark attribution, and are
# left out of content overlap.
REPORTING_VERBS = frozenset(
    "say tell state claim report announce emphasize emphasise stress note add warn insist argue "
    "acknowledge admit confirm indicate suggest reiterate explain write allege assert maintain believe "
    "estimate predict declare tweet testify contend concede reveal".split()
)
# Nouns that name who issues statements: "the ministry said", "officials said".
SPEAKING_NOUNS = frozenset(
    "official source spokesman spokeswoman spokesperson minister ministry military army police "
    "government agency statement report witness analyst expert authority office department leader "
    "president".split()
)

# Words that negate the clause they govern, as a reader would mark them. "without" is
# not among them: it negates a modifier ("landed without its gear"), not the assertion.
NEGATORS = frozenset("not n't never no none nobody nothing neither nor nowhere cannot".split())
# Verbs whose clause denies or refuses its complement: "denied striking", "refused to meet".
NEGATING_VERBS = frozenset("deny refuse fail reject resist decline dismiss rebuff refute".split())
# Of those, verbs that negate only a report or a clause ("dismissed reports that...",
# "rejected claims") -- "dismiss a minister", "reject a plan" are acts, not denials -- and
# verbs that negate only what they govern ("failed to pass", "declined the offer"; "the
# bank failed", "prices declined" report what happened).
DENY_ONLY_SPEECH = frozenset("dismiss reject".split())
NEGATE_ONLY_COMPLEMENT = frozenset("fail decline".split())
SPEECH_NOUNS = frozenset(
    "report claim allegation accusation suggestion rumour rumor account charge speculation assertion idea notion".split()
)
# Those that deny a report ("Iran denies firing"): like reporting verbs, they say nothing
# of what happened, so they are no content a claim shares with another.
DENIAL = frozenset("deny dismiss refute reject".split())
NOT_CONTENT = REPORTING_VERBS | DENIAL | {"accuse", "according"}
# The same, written as a verb and its particle: "turned down the offer", "ruled out talks".
NEGATING_PHRASAL_VERBS = frozenset({("turn", "down"), ("rule", "out"), ("call", "off"), ("back", "out")})

# Verbs that name no act of their own: "is", "has", "is set to meet" (the act is "meet").
LIGHT_VERBS = frozenset("be have do make get set go take give seem become need".split())

# Counted nouns that say nothing of who or what without the verb that goes with them:
# "people killed" and "people confirmed" count different people; "missiles fired" and
# "missiles launched" count the same missiles.
GENERIC_COUNTED = frozenset("people person individual other man woman child passenger resident".split())

# Counted nouns that stand for anyone at all: "all 224 people on board" and "120 people
# wounded" need not be one group.
ANYONE = frozenset("people person persons individual individuals".split())

# Words that stand for a doer without naming one: "no one", "none of them", "it".
PRONOUNS = frozenset("i you he she it we they one none nobody someone somebody anyone everyone this that these those".split())

# Words that make a clock time approximate: "around 7:40 p.m.", "shortly after 9 a.m.".
TIME_HEDGES = frozenset("around about approximately roughly some just shortly soon nearly almost".split())

MONTHS = frozenset(
    {m.lower() for m in calendar.month_name[1:]} | {m.lower() for m in calendar.month_abbr[1:]} | {"sept"}
)

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
# Words that make a thing another instance of its kind: "a similar vote failed a week
# earlier" is not the vote that passed.
OTHER_INSTANCE = frozenset("previous similar earlier prior former another initial first last".split())

# Things that have outcomes: the topic an outcome conflict is about.
OUTCOME_TOPICS = frozenset(
    "ceasefire truce deal agreement accord treaty talk negotiation plan proposal resolution "
    "bill law motion vote peace armistice pact settlement".split()
)

# A figure for one day or one incident vs a running total: different scopes, not a conflict.
# "since" alone is no cue ("the biggest quake since 1999"); "since the war began" is.
SINGLE_SCOPE = frozenset("today tonight overnight daily single".split())
SINGLE_SCOPE_PHRASES = ("in the past 24 hours", "in the last 24 hours", "on a single day", "in one day")
CUMULATIVE_SCOPE = frozenset("cumulative overall".split())
CUMULATIVE_SCOPE_PHRASES = ("so far", "in total", "to date", "all told", "since the start", "since the beginning",
                            "total of", "total death toll")

# Counts that grow as a story unfolds: a toll reported on one day and a higher one the
# next are two moments, not two accounts (lemmas of what is counted or what happened).
EVOLVING_COUNTS = frozenset(
    "kill killed dead death die casualty fatality toll body wound wounded injure injured injury hurt "
    "missing trap trapped strand stranded rescue rescued survivor evacuate evacuated displace displaced "
    "arrest arrested detain detained hospitalize hospitalized".split()
)

# What can befall a person in an incident, as counted ("killed", "detained"), by kind:
# one figure told with two kinds ("30 injured" / "30 killed", "12 missing" / "12
# rescued") is two accounts of what befell them, not one fact. Death and the living
# fates cannot befall the same person: "all four perpetrators were detained" leaves none
# of them killed. Missing is neither.
FATES = {
    "dead": frozenset("kill killed die died dead death drown perish fatality".split()),
    "hurt": frozenset("injure injured injury wound wounded hurt hospitalize hospitalized".split()),
    "held": frozenset("detain detained arrest arrested capture captured".split()),
    "safe": frozenset("survive survivor rescue rescued save saved evacuate evacuated".split()),
    "missing": frozenset("missing trap trapped".split()),
}
DEATH_FATES = FATES["dead"]
LIVING_FATES = FATES["hurt"] | FATES["held"] | FATES["safe"]
# Words that make a figure the whole of what it counts ("all 175 passengers", "every one
# of the 12 miners"), and those that make it what the whole leaves out ("all but two").
WHOLE_GROUP = frozenset("all every entire".split())
ALL_BUT = frozenset("but except".split())

# What a report calls the story's incident when it says when or where it happened ("the
# accident occurred at 9:07 local time", "the attack happened near the station"), and the
# acts that are such an incident: where and when a plane crashed is where and when the
# accident occurred.
INCIDENT_NOUNS = frozenset(
    "event incident accident crash collision disaster tragedy attack shooting explosion blast shipwreck "
    "sinking derailment".split()
)
HAPPEN_VERBS = frozenset("occur happen unfold".split())
INCIDENT_VERBS = frozenset("crash sink capsize collide derail explode strike attack storm erupt collapse".split())

# Compass points in degrees; "northern", "westward" and "north-east" are read to these.
COMPASS = {
    "north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
    "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0,
}

# How a place relates to what happened, by the preposition that introduces it.
PLACE_ROLES = {
    "in": "at", "at": "at", "on": "at", "inside": "at", "into": "at",
    "from": "from", "to": "to", "toward": "to", "towards": "to", "for": "to",
}

# A country against "the region": visits to Israel vs tours of the Middle East.
REGION_WORDS = ("region", "regional", "middle east", "mideast")

# Words that make the same count: "killed" and "dead" count the same people.
SYNONYMS = (
    frozenset("kill killed dead death die casualty fatality toll".split()),
    frozenset("wound wounded injure injured injury hurt".split()),
    frozenset("missile rocket projectile".split()),
    frozenset("visit trip tour".split()),
    frozenset("people person individual passenger".split()),
    frozenset("survivor survive rescue rescued".split()),
    frozenset("detain arrest".split()),
    frozenset("perpetrator gunman attacker assailant suspect".split()),
    frozenset("lawmaker legislator".split()),
    frozenset("quake earthquake".split()),
    frozenset("big large".split()),
    frozenset("ceasefire truce armistice".split()),
    frozenset("meet meeting talk".split()),
    frozenset("boy child kid".split()),
    frozenset("girl child kid".split()),
    frozenset("man person".split()),
    frozenset("woman person lady".split()),
    frozenset("cut slice chop".split()),
)


# Each synonym's groups, by index into SYNONYMS: two words are synonyms when they share one.
_SYNONYM_GROUPS = {w: frozenset(i for i, g in enumerate(SYNONYMS) if w in g) for g in SYNONYMS for w in g}
_NO_GROUP: frozenset[int] = frozenset()


def same_word(a: str, b: str) -> bool:
    """Lemmas that name the same thing: equal, one a stem of the other, or synonyms.

    The stem test ("meet"/"meeting", "fire"/"firing") stands in for a stemmer; four
    letters keep "war" from matching "warn". The relate stage compares every content
    word of a claim with every word of each candidate's, so the common case (no shared
    first four letters, no synonym) answers without building anything.
    """
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    # Both stem tests need four shared first letters.
    if a[:4] == b[:4] and len(a) >= 4 and len(b) >= 4:
        short, long_ = sorted((a, b), key=len)
        if long_.startswith(short) and len(long_) - len(short) <= 3:
            return True
        # Two endings on one stem: "killed" and "killing", "survived" and "survivor".
        stem = len(os.path.commonprefix((a, b)))
        if stem >= len(short) - 2 and len(long_) - stem <= 3:
            return True
    return not _SYNONYM_GROUPS.get(a, _NO_GROUP).isdisjoint(_SYNONYM_GROUPS.get(b, _NO_GROUP))


# Qualities that tell two things apart without one account denying the other: "a big
# wave" and "a small wave" are not one fact, nor need they be a contradiction.
CONTRASTS = (("big", "small"), ("large", "small"), ("long", "short"), ("high", "low"), ("heavy", "light"),
             ("survivor", "victim"), ("injured", "dead"), ("wounded", "dead"))

# Every word that takes part in an opposition: kept among a claim's lemmas even where
# spaCy calls it a stop word ("empty", "full", "down").
OPPOSABLE = frozenset(w for pair in ANTONYMS + CONTRASTS for w in pair)


def antonym_pair(a_lemmas: set[str], b_lemmas: set[str], pairs=ANTONYMS) -> tuple[str, str] | None:
    """The first opposed pair with one word on each side, as (a's word, b's word)."""
    for x, y in pairs:
        if x in a_lemmas and y in b_lemmas and y not in a_lemmas and x not in b_lemmas:
            return x, y
        if y in a_lemmas and x in b_lemmas and x not in a_lemmas and y not in b_lemmas:
            return y, x
    return None
