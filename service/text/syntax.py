"""Small readings of spaCy's dependency parse that several facts need."""

from __future__ import annotations


def governing_verb(token) -> str:
    """The lemma of the verb a word hangs on, however deep: "sank in the Aegean Sea"
    -> "sink", "crashes at 9:03 AM" -> "crash"; "" when no verb governs it.

    A place or a time says where or when *that* act happened, which is not always the
    act the whole sentence is about ("500 are presumed drowned after their vessel sank
    in the Aegean").
    """
    head = token.head
    while head.i != token.i and head.pos_ not in ("VERB", "AUX"):
        token, head = head, head.head
    return head.lemma_.lower() if head.i != token.i else ""
