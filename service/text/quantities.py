"""Quantities: the figures a claim states, as the intervals they assert.

Reporters hedge: "300+ wounded", "nearly 200 missiles", "at least 44 killed". Two
accounts contradict only when the intervals they allow cannot overlap, so each figure
becomes ``[low, high]`` with open ends where the wording leaves them open, plus what
it counts ("palestinians wounded", "missiles", "hours") read off the dependency parse.
"""

from __future__ import annotations

import re
import unicodedata

from service.lexicon import ALL_BUT, FATES, WHOLE_GROUP, same_word
from service.lexicon import MONTHS as _MONTHS
from service.models import QuantityInterval

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}
# Plural scale words and vague quantifiers name a range, not a figure.
_VAGUE = {
    "several": (3, 9), "tens": (20, 99), "dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999),
    "thousands": (2_000, 9_999), "millions": (2_000_000, 9_999_999),
    "billions": (2_000_000_000, 9_999_999_999),
}
_SCALE_ABBREVIATIONS = {"bn": 1_000_000_000, "mn": 1_000_000, "tn": 1_000_000_000_000}
_ABBREVIATED = re.compile(r"^(\d+(?:\.\d+)?)(bn|mn|tn)$")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$", re.I)
_NUMERIC = re.compile(r"^\d[\d,]*(\.\d+)?$")

# How the words before a figure bend its interval, longest phrase first.
_AT_LEAST = ("at least", "no fewer than", "no less than", "more than", "over", "above",
             "upwards of", "in excess of", "exceeding", "greater than", "over than")
_NEARLY = ("nearly", "almost", "close to", "just under", "just shy of", "shy of")
_ABOUT = ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated",
          "circa", "approx.", "~", "or so")
_AT_MOST = ("up to", "at most", "no more than", "not more than", "less than", "fewer than",
            "under", "below", "as many as", "as much as")
_CURRENCIES = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
_DURATIONS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
# Numbers inside these entities are names ("UN Resolution 1701", "Apollo 11"), not figures.
_NAME_LABELS = {"ORG", "LAW", "PRODUCT", "FAC", "WORK_OF_ART", "GPE", "PERSON", "EVENT", "LOC"}


def parse_number(text: str) -> float | None:
    """The value of one number token: "42,600", "2½", "½", "1.5", "eleven"; else None."""
    text = text.strip().lower().replace(",", "")
    if text in _UNITS:
        return float(_UNITS[text])
    if text in _SCALES:
        return float(_SCALES[text])
    if _NUMERIC.match(text):
        return float(text)
    abbreviated = _ABBREVIATED.match(text)
    if abbreviated:  # "4.2bn", "300mn": a money figure's scale, glued on
        return float(abbreviated.group(1)) * _SCALE_ABBREVIATIONS[abbreviated.group(2)]
    if text and unicodedata.category(text[-1]) == "No":  # vulgar fractions: ½, ¾
        whole = text[:-1]
        if whole and not whole.isdigit():
            return None
        return (float(whole) if whole else 0.0) + unicodedata.numeric(text[-1])
    if re.fullmatch(r"\d+/\d+", text):
        num, den = text.split("/")
        return float(num) / float(den) if float(den) else None
    return None


def parse_ordinal(text: str) -> int | None:
    """"11th" or "eleventh" -> 11."""
    text = text.strip().lower()
    found = _ORDINAL_DIGITS.match(text)
    if found:
        return int(found.group(1))
    return _ORDINAL_WORDS.get(text)


def words_to_number(words: list[str]) -> float | None:
    """Combine a run of number words and digits: "twenty five" = 25, "2 million", "a hundred"."""
    total, current, seen = 0.0, 0.0, False
    for word in words:
        word = word.lower()
        if word in ("a", "an") and not seen:
            current, seen = 1.0, True
            continue
        if word in ("and", "-"):
            continue
        value = parse_number(word)
        if value is None:
            return None
        seen = True
        if word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1.0) * scale
            if scale >= 1_000:
                total, current = total + current, 0.0
        else:
            current += value
    return total + current if seen else None


def extract_quantities(span) -> list[QuantityInterval]:
    """Every figure in a parsed span (a spaCy Doc or Span), as an interval with what it counts."""
    tokens = list(span)
    found, i = [], 0
    while i < len(tokens):
        run = _number_run(tokens, i)
        if not run:
            i += 1
            continue
        upper = _range_end(tokens, run)
        if upper and (_is_name_or_calendar(run) or _model_number(run)):
            i = upper[-1].i - tokens[0].i + 1
            continue
        quantity = _range(tokens, run, upper) if upper else _quantity(tokens, run)
        if quantity is not None:
            found.append(quantity)
        elif upper:
            found += _tally(tokens, run, upper)
        i = (upper or run)[-1].i - tokens[0].i + 1
    return found


def _range_end(tokens, run):
    """The upper figure of "10 to 20", "10-20" or "between 10 and 20", if ``run`` opens one."""
    after = run[-1].i - tokens[0].i + 1
    if after + 1 >= len(tokens) or _is_name_or_calendar(run) or not _plain(run):
        return []
    joiner = tokens[after].lower_
    if joiner == "to" and _preceding(tokens, run[0], 1) in _CURRENCIES:
        return []  # "gave $5 million to 40% of families": "to" is a preposition here
    if joiner in ("to", "-", "–") or (joiner == "and" and _preceding(tokens, run[0], 1) == "between"):
        upper = _number_run(tokens, after + 1)
        return upper if upper and _plain(upper) else []
    return []


def _plain(run) -> bool:
    return run[0].lower_ not in _VAGUE and parse_ordinal(run[0].lower_) is None


def _range(tokens, run, upper) -> QuantityInterval | None:
    low, high = words_to_number([t.text for t in run]), words_to_number([t.text for t in upper])
    if low is None or high is None or low > high:
        return None
    offset = tokens[0].i
    start = run[0].i - offset - (_preceding(tokens, run[0], 1) == "between")
    text = "".join(t.text_with_ws for t in tokens[start : upper[-1].i - offset + 1]).strip()
    return QuantityInterval(low=low, high=high, counts=_counts(upper) or _counts(run) or _word_after(tokens, upper),
                            text=text)


def _tally(tokens, run, upper) -> list[QuantityInterval]:
    """"passed 204-85", "a vote of 204 to 85": a larger figure before a smaller one is a
    score or a vote, two figures of their own, not a range."""
    out = []
    for part in (run, upper):
        value = words_to_number([t.text for t in part])
        if value is None:
            return []
        text = "".join(t.text_with_ws for t in part).strip()
        out.append(QuantityInterval(low=value, high=value, counts=_counts(part), text=text, value=value))
    return out


def _is_number_word(tok) -> bool:
    lower = tok.lower_
    if lower in _VAGUE:
        return True
    if parse_ordinal(lower) is not None:
        # "first"/"second" are everyday adjectives; only counted as ordinals when tagged so.
        return bool(_ORDINAL_DIGITS.match(lower)) or tok.ent_type_ == "ORDINAL"
    if parse_number(lower) is None:
        return False
    # "one of them", "the one who", "since one of magnitude 7.6": a pronoun, not a figure.
    if lower == "one":
        following = tok.doc[tok.i + 1].lower_ if tok.i + 1 < len(tok.doc) else ""
        before = tok.doc[tok.i - 1] if tok.i > 0 else None
        described = before is not None and (before.pos_ == "ADJ" or before.lower_ == "the")  # "the largest one"
        return tok.pos_ == "NUM" and following != "of" and not described
    return True


def _number_run(tokens, start: int):
    """The tokens of the figure starting at ``tokens[start]`` ("twenty - five", "2 million")."""
    tok = tokens[start]
    if not _is_number_word(tok) or ":" in tok.text:
        return []
    run = [tok]
    if tok.lower_ in _VAGUE:
        following = tokens[start + 1 : start + 3]
        if len(following) == 2 and following[0].lower_ == "of" and following[1].lower_.rstrip("s") in _SCALES:
            run += following  # "hundreds of thousands", "tens of millions"
        return run
    if parse_ordinal(tok.lower_) is not None:
        return run
    j = start + 1
    while j < len(tokens):
        nxt = tokens[j]
        if nxt.text == "-" and j + 1 < len(tokens) and tokens[j + 1].lower_ in _UNITS:
            run += [nxt, tokens[j + 1]]
            j += 2
            continue
        if nxt.lower_ in _SCALES or (nxt.lower_ in _UNITS and run[-1].lower_ in _UNITS):
            run.append(nxt)
            j += 1
            continue
        break
    return run


def _quantity(tokens, run) -> QuantityInterval | None:
    first, last = run[0], run[-1]
    if _is_name_or_calendar(run):
        return None
    text_words = [t.text for t in run]
    ordinal = parse_ordinal(first.lower_) if len(run) == 1 else None
    if ordinal is not None:
        return QuantityInterval(low=float(ordinal), high=float(ordinal),
                                counts=_counts(run, event=False) or _word_after(tokens, run),
                                text=first.text, ordinal=True, value=float(ordinal))
    if first.lower_ in _VAGUE:
        low, high = _VAGUE[first.lower_]
        if len(run) == 3:  # "hundreds of thousands"
            scale = _SCALES[last.lower_.rstrip("s")]
            low, high = low * scale, high * scale
        text = "".join(t.text_with_ws for t in run).strip()
        return QuantityInterval(low=float(low), high=float(high), counts=_counts(run) or _word_after(tokens, run),
                                text=text, approximate=True)
    words = text_words
    article = _preceding(tokens, first, 1)
    if article in ("a", "an") and first.lower_ in _SCALES:
        words = [article] + words
    value = words_to_number(words)
    if value is None:
        return None
    low, high, approximate, before, after = _bend(tokens, run, value)
    before += len(words) - len(text_words)
    if _CURRENCIES.get(_preceding(tokens, first, 1)):
        counts = _CURRENCIES[_preceding(tokens, first, 1)]
    elif _following(tokens, last, 1) in ("%", "percent"):
        counts = "percent"
    else:
        counts = _counts(run) or _word_after(tokens, run)
    offset = tokens[0].i
    written = tokens[first.i - offset - before : last.i - offset + 1 + after]
    text = "".join(t.text_with_ws for t in written).strip()
    return QuantityInterval(low=low, high=high, counts=counts, text=text, approximate=approximate, value=value,
                            share=_share(run))


def _share(run) -> str:
    """ "all but two passengers" -> "all but"; "all 175 passengers", "all four direct
    perpetrators" -> "all"; "" for a figure that is only a part, or says nothing of it."""
    last = run[-1]
    if last.dep_ == "conj" and last.head.lower_ in WHOLE_GROUP:
        if any(c.lower_ in ALL_BUT for c in last.head.children):
            return "all but"
    noun = _counted_noun(run)
    around = list(run[0].children) + (list(noun.children) if noun is not None else [])
    if any(t.lower_ in WHOLE_GROUP and t.dep_ in ("det", "predet", "quantmod") for t in around):
        return "all"
    return ""


def _bend(tokens, run, value: float):
    """The interval that the words around a figure allow: (low, high, approximate,
    how many tokens before and after the figure say so)."""
    first, last = run[0], run[-1]
    if _following(tokens, last, 1) in ("+", "plus"):
        return value, None, False, 0, 1
    if _following(tokens, last, 2) == "or more":
        return value, None, False, 0, 2
    for phrases, shape in ((_AT_LEAST, "at_least"), (_NEARLY, "nearly"), (_ABOUT, "about"), (_AT_MOST, "at_most")):
        phrase = _matching_prefix(tokens, first, phrases)
        if phrase is None:
            continue
        before = len(phrase.split())
        if shape == "at_least":
            return value, None, False, before, 0
        if shape == "nearly":
            return value * 0.9, value, True, before, 0
        if shape == "about":
            return value * 0.9, value * 1.1, True, before, 0
        return None, value, False, before, 0
    return value, value, False, 0, 0


def _matching_prefix(tokens, first, phrases) -> str | None:
    for n in (3, 2, 1):
        before = _preceding(tokens, first, n)
        for phrase in phrases:
            if before == phrase:
                return phrase
    return None


def _preceding(tokens, tok, n: int) -> str:
    start = tok.i - tokens[0].i
    return " ".join(t.lower_ for t in tokens[max(0, start - n) : start])


def _following(tokens, tok, n: int) -> str:
    start = tok.i - tokens[0].i + 1
    return " ".join(t.lower_ for t in tokens[start : start + n])


def _is_name_or_calendar(run) -> bool:
    """A number that is part of a name or a calendar date is not a figure."""
    first = run[0]
    if first.ent_type_ in _NAME_LABELS and not _only_a_number(first):
        return True
    noun = _counted_noun(run)
    if noun is not None and noun.lemma_.lower() in _DURATIONS:
        return False  # "2½ hours", "three days": a length of time is a figure
    if _looks_like_year(run):
        return True
    before = first.doc[first.i - 1] if first.i > 0 else None
    if noun is None and before is not None and before.pos_ == "PROPN" and before.is_title and before.ent_type_ != "DATE":
        return True  # "Boeing 737-800", "Flight 7C2216", "Apollo 11": part of a name
    # spaCy sometimes tags "between 30 and 40 people" DATE: a counted noun settles it.
    calendar_noun = noun is None or noun.lower_.rstrip(".") in _MONTHS
    return first.ent_type_ in ("DATE", "TIME") and calendar_noun


def _model_number(run) -> bool:
    """ "Boeing 737-800": figures joined by a hyphen right after a name are a model, not a range."""
    first = run[0]
    before = first.doc[first.i - 1] if first.i > 0 else None
    joined = first.i + 1 < len(first.doc) and first.doc[first.i + 1].text == "-" and not run[-1].whitespace_
    return joined and before is not None and before.pos_ == "PROPN" and before.is_title


def _only_a_number(tok) -> bool:
    """An entity that is nothing but this figure ("288" tagged FAC) names nothing."""
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return ent is not None and all(t.like_num or t.is_punct for t in ent)


def _looks_like_year(run) -> bool:
    return len(run) == 1 and bool(re.fullmatch(r"1[5-9]\d\d|20\d\d", run[0].text))


def _counted_noun(run):
    """The noun the figure modifies: "200 missiles", "dozens of people"."""
    last = run[-1]
    head = last.head
    if last.dep_ in ("nummod", "quantmod", "amod", "compound", "npadvmod") and head.pos_ in ("NOUN", "PROPN") and head not in run:
        return head
    if head not in run and head.head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nummod", "compound") and head.lower_ in _SCALES:
        return head.head
    if last.dep_ == "conj" and last.head.lower_ in WHOLE_GROUP and last.head.head.pos_ == "NOUN":
        return last.head.head  # "all but two passengers": "all" holds the noun, "two" hangs on "all"
    if last.pos_ in ("NOUN", "NUM") and last.lower_ in _VAGUE:
        for child in last.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return None


_FILLER = frozenset("more than over about nearly almost around at least some of the a an up to".split())


def _word_after(tokens, run) -> str:
    """When the parse links the figure to no noun, the word that follows it is the best
    guess at what it counts: "the toll reached 133 people" -> "people"."""
    after = run[-1].i - tokens[0].i + 1
    for tok in tokens[after : after + 3]:
        if tok.pos_ in ("NOUN", "PROPN") and not tok.is_stop:
            return tok.lower_
        if tok.lower_ not in _FILLER:
            return ""
    return ""


def _counts(run, event: bool = True) -> str:
    """What a figure counts: its noun, and the participle that says what happened to it;
    for a figure a count reaches ("the death toll reached nine", "the number of bodies
    has risen to 78"), what that count counts."""
    noun = _counted_noun(run)
    if noun is None:
        reached = _reached_count(run[-1]) or _named_before(run[0])
        if reached:
            return reached
    anchor = noun if noun is not None else run[-1]
    if noun is not None and noun.dep_ == "pobj" and noun.head.head == run[-1]:
        anchor = run[-1]  # "hundreds of people were killed": what befell the hundreds befell the people
    words = [noun.lower_] if noun is not None else []
    happened = _participle(anchor) if event else None  # a rank ("11th visit") counts no event
    if happened is not None:
        words.append(happened.lower_)
    return " ".join(words)


_TALLY_NOUNS = frozenset("number total count tally figure".split())


def _named_before(figure) -> str:
    """"magnitude 7.6", "a depth of 15.5": the noun just before a figure that hangs on it."""
    before = figure.doc[figure.i - 1] if figure.i > 0 else None
    if before is not None and before.pos_ == "NOUN" and figure.head == before:
        return before.lower_
    return ""


def _reached_count(figure) -> str:
    """The subject a figure is the value of: "the death toll reached nine" -> "death toll"."""
    verb = figure.head
    if figure.dep_ == "pobj" and verb.dep_ == "prep":
        verb = verb.head
    elif figure.dep_ not in ("dobj", "attr"):
        return ""
    if verb.pos_ not in ("VERB", "AUX"):
        return ""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "NOUN":
        return ""
    if subject.lemma_.lower() in _TALLY_NOUNS:
        counted = [c for p in subject.children if p.dep_ == "prep" and p.lower_ == "of"
                   for c in p.children if c.dep_ == "pobj"]
        return counted[0].lower_ if counted else ""
    modifiers = [c.lower_ for c in subject.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ")]
    return " ".join(modifiers + [subject.lower_])


def _participle(anchor):
    """ "300+ Palestinians wounded", "44 people were killed", "killing four people",
    "several passengers sustained injuries": the verb that happened to them or that
    they did, so that "people killed" and "people living there" count different things."""
    while anchor.dep_ == "conj" and anchor.head != anchor:
        anchor = anchor.head  # "one passenger and one crew member were rescued": both were
    if anchor.dep_ in ("nsubj", "nsubjpass", "dobj") and anchor.head.pos_ == "VERB":
        return _fate(anchor.head)
    if anchor.dep_ == "nummod" and anchor.head.pos_ == "VERB" and anchor.head.tag_ in ("VBD", "VBN"):
        return anchor.head  # "at least 44 killed"
    for child in anchor.children:
        if child.dep_ == "acl" and child.tag_ == "VBN":
            return child
    return None


def _fate(verb):
    """Of two verbs sharing one subject, the one that says what befell them: "found and
    detained" -> "detained", so that the count is of the detained ("displaced and at
    least 44 were killed" is another subject's verb)."""
    if _is_fate(verb):
        return verb
    # "remain missing", "were reported missing", "are feared dead": the complement says it
    told = next((c for c in verb.children if c.dep_ in ("acomp", "xcomp", "oprd") and _is_fate(c)), None)
    if told is not None:
        return told
    shared = [c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"
              and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)]
    return next((c for c in shared if _is_fate(c)), verb)


def _is_fate(verb) -> bool:
    return any(same_word(verb.lower_, w) for fates in FATES.values() for w in fates)
