"""The columns validation reads that only extraction can compute, because
they need the article's raw text: its length, and whether each row's text is
what its span of the raw text says (``schemas.RAW_LENGTH``,
``schemas.EVIDENCE_MATCHES``). Kept apart from the validation itself, so that
a change to how rows are checked does not extract every article again (the
extraction fingerprint reads this module, not ``newsflow/validate.py``).
"""

from __future__ import annotations

from typing import Sequence

from newsflow.clean import clean
from newsflow.schemas import EVIDENCE_MATCHES, RAW_LENGTH, TABLES


def with_evidence(
    table_name: str, rows: list[dict], raw_text: str, removed: Sequence[tuple[int, int]] = ()
) -> list[dict]:
    """One article's rows of a table with the columns its offset and evidence
    expectations read: the raw text's length, and whether each row's text is
    what its span of the raw text says (``removed``: the raw spans cleaning
    removed as debris, sorted). Computed where the raw text is at hand
    (extraction), so that validation needs only the rows."""
    table = TABLES[table_name]
    extra: dict = {RAW_LENGTH.name: len(raw_text)} if table.offset_pairs else {}
    if not table.text_column:
        return [{**row, **extra} for row in rows]
    return [
        {
            **row,
            **extra,
            EVIDENCE_MATCHES.name: evidence_matches(raw_text, row["start"], row["end"], row[table.text_column], removed),
        }
        for row in rows
    ]


def evidence_matches(
    raw_text: str, start: int, end: int, text: str, removed: Sequence[tuple[int, int]] = ()
) -> bool:
    """Cleaning the raw evidence ``raw_text[start:end]`` gives back the stored
    text, once the debris cleaning removed inside it (``removed``: an aside
    between two paragraphs of a quote on a web page) is left out, each piece
    as the paragraph break it became."""
    evidence = raw_text[start:end]
    # Most evidence needed no cleaning at all: skip the costly comparison.
    if evidence == text or clean(evidence, remove_boilerplate_lines=False).text == text:
        return True
    inside = [(a, b) for a, b in removed if start <= a and b <= end]
    if not inside:
        return False
    pieces, cursor = [], start
    for a, b in inside:
        pieces.append(raw_text[cursor:a])
        cursor = b
    pieces.append(raw_text[cursor:end])
    return clean("\n\n".join(pieces), remove_boilerplate_lines=False).text == text
