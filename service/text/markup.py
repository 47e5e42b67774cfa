"""Markup: tag soup and broken entities in "plain" text, turned into light markup.

Pasted and scraped articles arrive as text that still carries their HTML, often
mangled on the way: tags split by spaces (``< td >``, ``< / td >``), tags that lost
their ``<`` (``li >``, ``b \\">``), escaped slashes (``<\\/P>``), entities torn apart
(``&nbs p ;``, ``& n bsp;``) or escaped over and over (``&amp;amp;amp;``).

``to_light_markup`` keeps the structure those tags carried and drops the rest:
block tags become line breaks, ``<li>`` a ``- `` bullet, ``<h1>``..``<h6>`` a ``#``
heading, table cells ``|``-separated rows (with a ``---|---`` line under a row of
``<th>`` cells), the same light markup that ``service.text.layout`` reads and that
trafilatura writes for real HTML.
"""

from __future__ import annotations

import re
from html import unescape
from html.entities import html5

_BLOCK_TAGS = (
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption "
    "figure footer form head header hr html main nav ol p pre section summary table tbody tfoot thead "
    "title ul br"
).split()
_CELL_TAGS = ("td", "th")
_ROW_TAGS = ("tr",)
_HEADING_TAGS = tuple(f"h{n}" for n in range(1, 7))
_INLINE_TAGS = (
    "a abbr b bdi big cite code del dfn em font i img input ins kbd label mark q s samp small span "
    "strike strong sub sup time tt u var wbr"
).split()
_TAG_NAMES = sorted(
    set(_BLOCK_TAGS + list(_CELL_TAGS + _ROW_TAGS + _HEADING_TAGS) + _INLINE_TAGS + ["li"]),
    key=len,
    reverse=True,  # longest first, so "strong" is not read as "s" + "trong"
)
_NAME = "(?i:" + "|".join(_TAG_NAMES) + ")"
# Glued to a capital only as written in HTML, lowercase and longer than a letter:
# "< / ulToward" is a tag, "<US30YT=RR>" (a Reuters ticker) is not.
_LOWER_NAME = "(?:" + "|".join(n for n in _TAG_NAMES if len(n) > 1) + ")"

# Names that are never English words, so one standing alone before a tag is debris
# (unlike "a" in "a <b>big</b> deal").
_ORPHAN_NAME = "(?i:li|td|th|tr|ul|ol|tbody|thead|br)"

# One alternation, tried left to right at each position:
#   full     <td>, < / td >, <td class="x">, <br/>, <\/P> (slashes unescaped beforehand)
#   glued    < / ulToward: the tag lost its ">" and runs into the next, capitalised word
#   tail     li >, tr >, b ">: the tag lost its "<" (never before a digit: "p > 0.05")
#   orphan   li < / ul: a name left standing right before another tag
_TAG = re.compile(
    rf"""
    <\s*(?P<full_close>/)?\s*(?P<full>{_NAME})(?![A-Za-z0-9])[^<>]*>
  | <\s*(?P<glued_close>/)?\s*(?P<glued>{_LOWER_NAME})(?=[A-Z]|\s*$)
  | (?<![\w<])(?P<tail_close>/)?(?P<tail>{_NAME})\s*\\?"?\s*/?\s*>(?!\s*\d)
  | (?<![\w<])(?P<orphan>{_ORPHAN_NAME})\s+(?=<\s*/?\s*{_NAME}(?![a-z]))
    """,
    re.VERBOSE | re.MULTILINE,
)
_DROP_WITH_CONTENT = re.compile(r"<\s*(script|style|noscript|template)\b.*?<\s*/\s*\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ESCAPED_SLASH = re.compile(r"<\\/")

# Entities whose name was torn by spaces: "&nbs p ;", "& n bsp;", "&a mp;".
_SPACED_ENTITY = re.compile(r"&\s?((?:[A-Za-z]\s?){2,8});")
_NUMERIC_ENTITY = re.compile(r"&\s?#\s?(x[0-9A-Fa-f]{1,6}|\d{1,7})\s?;")
_AMP_CHAIN = re.compile(r"&(?:amp;)+", re.I)
# What is left of an entity escaped too often once its pieces have been decoded:
# "a mpa mpa amp amp&/amp;/amp;". Only runs over these letters and separators, and
# only when they carry entity punctuation (see _is_entity_debris).
_ENTITY_DEBRIS = re.compile(r"(?<!\w)(?:[ampnbs]+[&;/ ]+|[&;/]+ *)+")
_BRACKETED_CODE = re.compile(r"<([^<>\s]{1,30})>")  # "<.DJI>", "<EUR=>": codes, not tags
_STRAY_ANGLE = re.compile(r"\s*[<>](?!\s*[=\d.$€£+-])\s*")  # "P < .01", "> $5" are comparisons


def to_light_markup(raw: str) -> str:
    """``raw`` with its tags read as structure and its entities decoded."""
    text = _COMMENT.sub(" ", raw)
    text = _DROP_WITH_CONTENT.sub(" ", text)
    # Entities first: an escaped tag ("&lt;/td&gt;") is still a tag.
    text = _ESCAPED_SLASH.sub("</", decode_entities(text)).replace('\\"', '"')
    text = _TAG.sub(_TagReader(), text)
    text = _BRACKETED_CODE.sub(r"\1", text)
    return _STRAY_ANGLE.sub(_keep_one_space, text)


def decode_entities(text: str) -> str:
    """Decode entities, torn or escaped several times, and drop what is left of them."""
    text = _AMP_CHAIN.sub("&", text)
    text = _NUMERIC_ENTITY.sub(lambda m: unescape(f"&#{m.group(1)};"), text)
    text = _SPACED_ENTITY.sub(_decode_spaced, text)
    text = _AMP_CHAIN.sub("&", text)
    text = _ENTITY_DEBRIS.sub(lambda m: " " if _is_entity_debris(m.group(0)) else m.group(0), text)
    return text.replace("\u00a0", " ")


def _decode_spaced(match: re.Match) -> str:
    name = re.sub(r"\s", "", match.group(1))
    for candidate in (name, name.lower()):
        if candidate + ";" in html5:
            return html5[candidate + ";"]
    return match.group(0)


def _is_entity_debris(run: str) -> bool:
    pieces = re.findall(r"amp|nbsp", run.replace(" ", ""))
    return len(pieces) >= 2 and sum(run.count(c) for c in "&;/") >= 2


def _keep_one_space(match: re.Match) -> str:
    return "\n" if "\n" in match.group(0) else " "


class _TagReader:
    """Replacement for each tag match; remembers whether the current row has header cells."""

    def __init__(self):
        self.row_has_header = False

    def __call__(self, match: re.Match) -> str:
        kind = match.lastgroup
        if kind == "orphan":
            return " "
        name = match.group(kind).lower()
        # A tag that lost its "<" is nearly always the end of an element ("li >", "td >").
        closing = kind == "tail" or bool(match.group(f"{kind}_close"))
        if name in _ROW_TAGS:
            return self._end_row()
        if name in _CELL_TAGS:
            if name == "th":
                self.row_has_header = True
            return " | " if closing else " "
        if name == "li":
            return "\n" if closing else "\n- "
        if name in _HEADING_TAGS:
            return "\n" if closing else "\n# "
        if name in _BLOCK_TAGS:
            return self._end_row() if name in ("table", "thead", "tbody") else "\n"
        return " " if name in ("img", "input", "wbr") else ""

    def _end_row(self) -> str:
        if self.row_has_header:
            self.row_has_header = False
            return "\n---|---\n"
        return "\n"
