"""Clean: markup, entities and boilerplate out; plain text with its blocks."""

from __future__ import annotations

import html as htmllib
import re

from service.models import Block, CleanedText

_TAG = re.compile(r"<[^>]*>")


def clean(text: str | None = None, html: str | None = None) -> CleanedText:
    raw = html if html is not None else (text or "")
    raw = _TAG.sub("\n", raw)
    raw = htmllib.unescape(raw)
    lines = [re.sub(r"\s+", " ", line).strip() for line in raw.splitlines()]
    out, blocks, pos = [], [], 0
    for line in lines:
        if not line:
            continue
        kind = "list_item" if line.startswith(("- ", "• ")) else "paragraph"
        blocks.append(Block(kind=kind, start=pos, end=pos + len(line)))
        out.append(line)
        pos += len(line) + 1
    return CleanedText(text="\n".join(out), blocks=blocks)
