"""The text of a parsed article, built once.

spaCy joins ``doc.text`` from the tokens on every access (several
milliseconds an article), and most extractors read it.
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "newsflow_text"


def text_of(doc: Doc) -> str:
    """``doc.text``, joined on the first call for this Doc only."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text
