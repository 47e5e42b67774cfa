"""Boilerplate: the lines of a page that are not the article.

Each rule names a kind of line that sites wrap around their articles: calls to share
or subscribe, "Related Post" labels, navigation bullets, bylines and the author box
that repeats them, AI-content disclaimers. ``drop_boilerplate`` takes the article's
lines and returns the ones that are its content.
"""

from __future__ import annotations

import re

from service.text.layout import BULLET, is_terminated

_MAX_BOILERPLATE_WORDS = 60  # a longer paragraph is prose, whatever it mentions
_MAX_MENU_ITEM_WORDS = 3

_CALL_TO_ACTION = re.compile(
    r"""\b(?:
        share\ (?:this|the)\ (?:article|story|post|page)
      | subscribe\ (?:now|today|for\ (?:free|more|updates)|to\ (?:our|the)\ (?:newsletter|channel|feed|podcast|updates))
      | sign\ up\ (?:for|to)\ (?:our|the)\b
      | follow\ us\ on
      | stay\ (?:informed|tuned|updated)\ (?:about|on|with|for)
      | click\ here
      | all\ rights\ reserved
    )""",
    re.I | re.X,
)
_LABEL = re.compile(
    r"^(?:related\ (?:posts?|articles?|stories|news)|read\ (?:more|also|next)|see\ also|advertisement"
    r"|sponsored(?:\ content)?|share(?:\ this)?|comments?|tags?|previous\ (?:post|article)"
    r"|next\ (?:post|article)|you\ may\ also\ like|more\ stories)\W*$",
    re.I | re.X,
)
# A page saying that it, its articles or its content were made by AI (not an article
# reporting that something else was).
_AI_DISCLAIMER = re.compile(
    r"""\b(?:this|these|the|our)\ (?:articles?|content|stor(?:y|ies)|posts?|summar(?:y|ies)|text)\b
        [^.]{0,80}?\b(?:written|generated|produced|created)\ (?:\w+\ )?(?:by|with|using)\ (?:an\ )?
        (?:AI|artificial\ intelligence)\b
      | \bAI[-\ ]generated\ (?:content|articles?|stor(?:y|ies)|text|summar(?:y|ies))\b""",
    re.I | re.X,
)
_BYLINE = re.compile(
    r"^(?i:(?:written|posted|published|reported|edited)\ by|by|author:?)\s+(?P<name>[A-Z][\w.'’-]*(?:\ [A-Z][\w.'’-]*){0,3})$",
    re.X,
)


def drop_boilerplate(lines: list[str], authors: frozenset[str] = frozenset()) -> list[str]:
    """The lines of ``lines`` that belong to the article itself.

    ``authors`` are names known from elsewhere (a page's metadata); bylines in the
    lines add theirs. Boilerplate is what surrounds an article; a text made of nothing
    else (a single statement sent to be compared, say) is kept whole.
    """
    authors = authors | {m.group("name") for m in map(_BYLINE.match, lines) if m}
    kept = [line for line in _drop_navigation(lines) if not is_boilerplate(line, authors)]
    return kept or lines


def is_boilerplate(line: str, authors: frozenset[str] = frozenset()) -> bool:
    """Is ``line`` one of the lines a site wraps around its articles?"""
    words = line.split()
    if len(words) > _MAX_BOILERPLATE_WORDS:
        return False
    if _LABEL.match(line) or _BYLINE.match(line) or line in authors:
        return True
    if len(words) == 1 and line[0].isalpha():
        return True  # "Breaking", "Author", a lone name: labels, never claims
    if _CALL_TO_ACTION.search(line) or _AI_DISCLAIMER.search(line):
        return True
    return any(line.startswith(f"{name} ") for name in authors)  # the author's bio box


def _drop_navigation(lines: list[str]) -> list[str]:
    """Bullets above the article, unpunctuated and mostly a word or two, are the site's menu."""
    first_prose = next((i for i, line in enumerate(lines) if not BULLET.match(line)), len(lines))
    items = [BULLET.sub("", line) for line in lines[:first_prose]]
    if len(items) < 2 or first_prose == len(lines) or any(map(is_terminated, items)):
        return lines
    short = sum(len(item.split()) <= _MAX_MENU_ITEM_WORDS for item in items)
    return lines[first_prose:] if short * 2 >= len(items) else lines
