"""Layout: lines of light markup read as headings, paragraphs, list items and table rows.

Light markup is what both kinds of input become before this step: trafilatura's
markdown for HTML, and ``service.text.markup``'s reading of tag soup for text.
``#`` marks a heading, ``-``/``•``/``1.`` a list item, ``a | b | c`` a table row with a
``---|---`` line under its header. Plain text gets the same reading from its shape:
a short, title-cased line without final punctuation is a heading, a date alone on a
line is a dateline, a run of short unpunctuated lines is a list.

Each piece carries the context a claim needs to be read alone: the heading above a
paragraph, the sentence that introduces a list ("The triggers included:"), a table's
header cells, the label of a list item whose body follows on the next line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

BULLET = re.compile(r"^(?:[-*•◦▪‣–·]|\d{1,3}[.)])\s+")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATELINE = re.compile(
    rf"""^(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?
    (?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})
    (?:[,\s]+(?:at\s+)?\d{{1,2}}:\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{{2,4}})?)?$""",
    re.I | re.X,
)
_TERMINAL = ".!?:;,…"
_CLOSERS = "\"'”’»)]"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
# Lowercase words that title case leaves lowercase.
_MINOR_WORDS = frozenset(
    "a an and as at but by de for from in into nor of on onto or over per than the to up upon via vs with "
    "within without".split()
)
MAX_HEADING_WORDS = 16
MAX_LIST_LINE_WORDS = 12
MAX_LABEL_WORDS = 6


class Piece(NamedTuple):
    kind: str  # a BLOCK_KINDS value
    text: str
    context: str = ""
    role: str = ""  # for a heading that is not a section title: "table_header", "list_label", "dateline"


def is_terminated(line: str) -> bool:
    """Does ``line`` end like a sentence or a clause (rather than like a title)?"""
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def is_dateline(line: str) -> bool:
    return bool(_DATELINE.match(line.strip()))


def looks_like_heading(line: str) -> bool:
    """Short, unpunctuated at the end, and title-cased: "Blinken Presses Netanyahu on Talks"."""
    words = line.split()
    if not 2 <= len(words) <= MAX_HEADING_WORDS or is_terminated(line):
        return False
    content = [w for w in (w.strip("\"'“”‘’()") for w in words) if w[:1].isalpha() and w.lower() not in _MINOR_WORDS]
    if len(content) < 2:
        return False
    return sum(w[0].isupper() for w in content) / len(content) >= 0.8


def lay_out(lines: list[str]) -> tuple[list[Piece], str | None]:
    """The pieces of an article's lines, and its title (its first heading, if it opens with one)."""
    pieces = _mark_unbulleted_lists(_classify(_join_wrapped(lines)))
    return _add_context(pieces), _title(pieces)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Re-join prose that a hard line wrap cut mid-sentence (the next line goes on in lowercase)."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            previous
            and line[:1].islower()
            and not is_terminated(previous)
            and not _is_marked(previous)
            and "|" not in line
        ):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def _is_marked(line: str) -> bool:
    return bool(BULLET.match(line) or _HEADING_MARK.match(line) or "|" in line)


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _classify(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _TABLE_SEPARATOR.match(line):
            if pieces and pieces[-1].kind == "table_row":
                # The row above a separator is the table's header: context, not a claim.
                pieces[-1] = Piece("heading", pieces[-1].text, role="table_header")
            continue
        if _is_table_line(line, lines[i - 1] if i else "", following):
            pieces.append(Piece("table_row", " | ".join(c for c in _table_cells(line) if c)))
        elif _HEADING_MARK.match(line):
            pieces.append(Piece("heading", _HEADING_MARK.sub("", line)))
        elif BULLET.match(line):
            item = BULLET.sub("", line)
            if item.endswith(":") and len(item.split()) <= MAX_LABEL_WORDS:
                pieces.append(Piece("heading", item.rstrip(":").strip(), role="list_label"))
            elif item:
                pieces.append(Piece("list_item", item))
        elif is_dateline(line):
            pieces.append(Piece("heading", line, role="dateline"))
        elif looks_like_heading(line):
            pieces.append(Piece("heading", line))
        else:
            pieces.append(Piece("paragraph", line))
    return pieces


def _is_table_line(line: str, previous: str, following: str) -> bool:
    """A row has two cells or more, and a neighbouring row or header separator."""
    if len([c for c in _table_cells(line) if c]) < 2:
        return False
    return any(len(_table_cells(n)) >= 2 for n in (previous, following) if "|" in n)


def _mark_unbulleted_lists(pieces: list[Piece]) -> list[Piece]:
    """Runs of two or more short unpunctuated paragraphs are a list without bullets."""
    out = list(pieces)
    run: list[int] = []
    for i, piece in enumerate(pieces + [Piece("heading", "")]):
        if piece.kind == "paragraph" and len(piece.text.split()) <= MAX_LIST_LINE_WORDS and not is_terminated(piece.text):
            run.append(i)
            continue
        if len(run) >= 2:
            for j in run:
                out[j] = Piece("list_item", pieces[j].text)
        run = []
    return out


def _add_context(pieces: list[Piece]) -> list[Piece]:
    """Give each piece its context; a list label's body becomes a list item of that label."""
    out: list[Piece] = []
    heading = lead_in = label = header = ""
    for i, piece in enumerate(pieces):
        if piece.kind == "heading":
            if piece.role == "table_header":
                header = piece.text
            elif piece.role == "list_label":
                label = piece.text
            else:
                heading, lead_in, header = piece.text, "", ""
            out.append(Piece("heading", piece.text))
            continue
        if piece.kind == "table_row":
            out.append(Piece("table_row", piece.text, header or lead_in or heading))
            continue
        header = ""
        if label:
            out.append(Piece("list_item", piece.text, labelled(lead_in or heading, label)))
            label = ""
            continue
        if piece.kind == "list_item":
            out.append(Piece("list_item", piece.text, lead_in or heading))
            continue
        lead_in = _lead_in(piece.text, pieces[i + 1] if i + 1 < len(pieces) else None)
        out.append(Piece("paragraph", piece.text, heading))
    return out


def labelled(context: str, label: str) -> str:
    """The context of a list item that has a label: "The triggers included: Civilian Impact"."""
    return f"{context}: {label}" if context else label


def _lead_in(text: str, following: Piece | None) -> str:
    """The sentence that introduces the list or table after it ("Talks covered:")."""
    if not text.endswith(":") or following is None or following.kind == "paragraph":
        return ""
    return _SENTENCE_END.split(text)[-1].rstrip(":").strip()


def _title(pieces: list[Piece]) -> str | None:
    for piece in pieces:
        if piece.kind != "heading":
            return None
        if not piece.role:
            return piece.text
    return None
