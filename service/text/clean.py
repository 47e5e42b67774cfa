"""Clean: markup, entities and boilerplate out; plain text with its blocks.

HTML goes through trafilatura, which finds the article in the page and writes it as
markdown. Text goes through ``service.text.markup``, which reads whatever tags and
entities it still carries (often broken) into the same light markup. From there one
path: tidy each line, split glued words, drop boilerplate and repeated passages, and
lay the lines out as headings, paragraphs, list items and table rows.

The cleaned text is the repaired text: every later span points into it.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import trafilatura

from service.models import Block, CleanedText
from service.text.boilerplate import drop_boilerplate
from service.text.layout import BULLET, Piece, lay_out
from service.text.markup import to_light_markup
from service.text.tidy import normalize_characters, tidy_line
from service.text.wordsplit import repair_glued_words

_HTML_DOCUMENT = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>])", re.I)
# A list item that a lost line break left at the end of the previous sentence:
# "...into violence. - Neutral Mediation Facilitation:"
_INLINE_BULLET = re.compile(r"(?<=[.!?])\s+[-•]\s+(?=[A-Z])")
_BLOCK_ELEMENT = re.compile(r"<(?:p|li|h[1-6]|tr|div|br)\b", re.I)
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+.!<>-])")
_NOT_WORD = re.compile(r"\W+")
_LIST_PREFIX = "- "


def clean(text: str | None = None, html: str | None = None) -> CleanedText:
    """The article in ``html`` (preferred) or ``text`` as clean plain text with its blocks."""
    if html is None and text is not None and _HTML_DOCUMENT.match(text):
        html, text = text, None
    if html is None:
        lines = _content_lines(to_light_markup(text or ""))
    else:
        lines = _content_lines(_html_to_light_markup(html), _page_authors(html))
    pieces, title = lay_out(lines)
    return _assemble(pieces, title)


def _page_authors(html: str) -> frozenset[str]:
    """The authors a page's metadata names: their bio boxes are boilerplate too."""
    metadata = trafilatura.extract_metadata(html) if html.strip() else None
    if metadata is None or not metadata.author:
        return frozenset()
    return frozenset(name.strip() for name in metadata.author.split(";") if name.strip())


def _html_to_light_markup(html: str) -> str:
    """The article's content as markdown, or the page's own structure where trafilatura
    finds no article or flattens it (it falls back to one run of text on short pages)."""
    extracted = trafilatura.extract(
        html, output_format="markdown", include_tables=True, include_comments=False, favor_recall=True
    )
    if not extracted or ("\n" not in extracted.strip() and len(_BLOCK_ELEMENT.findall(html)) > 1):
        return to_light_markup(_without_page_chrome(html))
    # The page's own text can carry the same torn entities and escaped tags as pasted text.
    return to_light_markup(_MARKDOWN_ESCAPE.sub(r"\1", extracted))


def _without_page_chrome(html: str) -> str:
    """``html`` without the elements that hold a site's chrome rather than its article."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return html  # not a document lxml can read: tag soup, read as such
    for element in tree.xpath("|".join(f"//{tag}" for tag in _CHROME_TAGS)):
        element.drop_tree()
    return lxml.html.tostring(tree, encoding="unicode")


def _content_lines(light: str, authors: frozenset[str] = frozenset()) -> list[str]:
    light = normalize_characters(_INLINE_BULLET.sub("\n- ", light))
    lines = [repair_glued_words(tidy_line(line)) for line in light.split("\n")]
    return _drop_repeats(drop_boilerplate([line for line in lines if _has_words(line)], authors))


def _has_words(line: str) -> bool:
    return any(ch.isalnum() for ch in line) or line.count("-") >= 2  # keep table separators


def _drop_repeats(lines: list[str]) -> list[str]:
    """A passage said twice (a pasted block, an author box in header and footer) once."""
    seen, kept = set(), []
    for line in lines:
        key = _NOT_WORD.sub(" ", BULLET.sub("", line)).strip().lower()
        if key and key in seen and "-" * 2 not in line:
            continue
        seen.add(key)
        kept.append(line)
    return kept


def _assemble(pieces: list[Piece], title: str | None) -> CleanedText:
    """Join the pieces into one text, one per line, with list items bulleted."""
    parts, blocks, pos = [], [], 0
    for piece in pieces:
        prefix = _LIST_PREFIX if piece.kind == "list_item" else ""
        start = pos + len(prefix)
        blocks.append(Block(kind=piece.kind, start=start, end=start + len(piece.text), context=piece.context))
        parts.append(prefix + piece.text)
        pos = start + len(piece.text) + 1
    return CleanedText(text="\n".join(parts), blocks=blocks, title=title)
