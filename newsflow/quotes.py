"""Who said what: direct, partial and indirect quotes, their cues and the
words that name their speakers.

1. Quotation spans are found on the clean text by a scanner that knows the
   newspaper convention for quotes running over several paragraphs (an opening
   mark on every paragraph, a closing mark only on the last) and never fails on
   unbalanced marks.
2. Each quotation gets its cue from the dependency parse: a speech verb in
   the same sentence outside the quote ("said", "told", "according to"), a
   short attribution sentence after it, a clause ending in a colon before it.
3. Indirect speech is a speech verb's clausal complement outside quotation
   marks ("He said the NRF controls more than 60% of Panjshir").
4. The cue's subject is the speaker mention (``newsflow.speakers``).

Which person a mention names ("he", "the official", "Nazary") is
resolution, a separate step (``newsflow.resolution``). The rules (speech
verbs, quotation marks, limits) come in as ``QuoteRules``, built from the
component's config (``newsflow.components``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from newsflow import lexicons
from newsflow.doc_text import text_of
from newsflow.segment import Layout
from newsflow.segment import Span as TextSpan
from newsflow.speakers import SUBJECTS, QuotedDoc, inverted_subject, labelled_speaker, mention_span, speaker_of


def quotation_marks(level: str | None = None) -> dict[str, str]:
    """Opening -> closing quotation marks (``lexicons/quotation_marks.tsv``),
    of one level ("double", "single") or all."""
    return {row["opening"]: row["closing"] for row in lexicons.table("quotation_marks.tsv")
            if level in (None, row["level"])}


@dataclass(frozen=True)
class QuoteRules:
    speech_verbs: frozenset[str]  # lemmas that make a verb a cue
    indirect_verbs: frozenset[str]  # the speech verbs that also report unquoted speech
    naming_verbs: frozenset[str]  # cues of partial quotes only: called it “…”
    statement_nouns: frozenset[str]  # "issued a statement saying": the issuer speaks
    opening: dict[str, str]  # quotation marks: opening -> closing
    min_quote_chars: int  # a quotation shorter than this plus two characters (its marks) is no quote
    max_attribution_tokens: int  # an attribution sentence after a quote ("he said.") is short

    @property
    def closing(self) -> frozenset[str]:
        return frozenset(self.opening.values())


@dataclass(frozen=True)
class Quote:
    """A quote, in clean-text offsets. ``start``/``end`` are exact: a mark
    glued to a word (``act—“My``) starts a quote inside a token."""

    kind: str  # direct | partial | indirect
    start: int
    end: int
    paragraph: int
    sentence: int
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_head: int | None = None  # token index of the speaker mention's head
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


def find_quotes(doc: Doc, layout: Layout, rules: QuoteRules, is_person) -> tuple[list[tuple[int, int]], list[Quote]]:
    """Every quotation (marks included), and the quotes with their cues and
    speaker mentions, in text order; speakers not yet resolved. Quotations
    embedded in the reporter's words without a cue (scare quotes, titles,
    nicknames) are no quotes."""
    quotations = find_quotations(text_of(doc), layout.paragraphs, rules)
    quoted = QuotedDoc(doc, quoted_tokens(doc, quotations))
    found = [
        q
        for start, end in quotations
        if (q := _quotation(start, end, quoted, layout, rules, is_person)).kind != "partial" or q.cue is not None
    ]
    found += _indirect_quotes(quoted, layout, rules)
    return quotations, sorted(found, key=lambda q: (q.start, q.end))


def quoted_tokens(doc: Doc, quotations: list[tuple[int, int]]) -> list[bool]:
    """For each token, whether a quotation holds it."""
    in_quote = [False] * len(doc)
    for start, end in quotations:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                in_quote[i] = True
    return in_quote


def find_quotations(text: str, paragraphs: list[TextSpan], rules: QuoteRules) -> list[tuple[int, int]]:
    """``[start, end)`` of every quotation, marks included.

    Whether a mark opens or closes is read from its neighbours (a space
    before and a letter after opens), which pairs straight quotes correctly
    and survives a curly mark typed the wrong way round. A quotation still
    open at the end of a paragraph continues when the next paragraph opens
    with a quote mark (the newspaper convention for long quotes) and ends at
    the paragraph's end otherwise; a closing mark with no opening one is
    ignored.
    """
    marks = _Marks(rules)
    found: list[tuple[int, int]] = []
    open_at: int | None = None
    for index, para in enumerate(paragraphs):
        # A quotation carried over from the previous paragraph: skip the
        # continuation mark that opens this one.
        i = para.start + (1 if open_at is not None else 0)
        while i < para.end:
            if text[i] in marks.any:
                if marks.opens(text, i, open_at is not None):
                    if open_at is not None:
                        # A new opening before any closing: the earlier
                        # quotation ended, unmarked, just before it.
                        found.append((open_at, _rstrip(text, open_at, i)))
                    open_at = i
                elif open_at is not None:
                    found.append((open_at, i + 1))
                    open_at = None
            i += 1
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        continues = (
            following is not None
            and marks.opens(text, following.start, False)
            and text[following.start] in marks.any
        )
        if open_at is not None and not continues:
            found.append((open_at, _rstrip(text, open_at, para.end)))
            open_at = None
    return [(s, e) for s, e in found if e - s >= rules.min_quote_chars + 2]


class _Marks:
    """Which quotation marks open and close, by their neighbours."""

    def __init__(self, rules: QuoteRules):
        self.opening = set(rules.opening)
        self.closing = rules.closing
        self.any = self.opening | self.closing
        self.left_boundary = set("([{—–-/") | self.opening
        self.right_boundary = set(".,;:!?)]}—–-…") | self.closing

    def opens(self, text: str, i: int, is_open: bool) -> bool:
        """Does the quotation mark at ``i`` open a quotation?"""
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        left = before.isspace() or before in self.left_boundary
        right = after.isspace() or after in self.right_boundary
        mark = text[i]
        if mark in self.opening and mark in self.closing:  # a straight mark
            if left != right:
                return left
            return not is_open  # no telling from the context: alternate
        if mark in self.opening:  # “ „ «: opens unless it plainly closes an open quote
            return not (is_open and right and not left)
        return not is_open and left and not right  # ” »: closes unless it plainly opens


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return min(i, len(text) - 1)


def _quotation(start: int, end: int, quoted: QuotedDoc, layout: Layout, rules: QuoteRules, is_person) -> Quote:
    kind = _quotation_kind(start, quoted, rules)
    quote = Quote(kind, start, end, layout.paragraph_of(start), layout.sentence_of(start))
    cue = _cue_for_quotation(start, end, kind, quoted, rules)
    if cue is not None:
        head = speaker_of(cue, quoted, rules.statement_nouns) or inverted_subject(cue, quoted)
        return _with_speaker(_with_cue(quote, cue), head)
    if kind == "direct":
        return _with_speaker(quote, labelled_speaker(start, quoted, is_person))
    return quote


def _quotation_kind(start: int, quoted: QuotedDoc, rules: QuoteRules) -> str:
    """Partial when the quotation is embedded in the reporter's own clause
    (``called it “grossly irresponsible”``), direct otherwise."""
    token = quoted.token_at(start)
    sentence = token.sent if token is not None else None
    before = quoted.text[sentence.start_char if sentence is not None else 0 : start].rstrip()
    if not before or before[-1] in ":,;—–-(\n" or before[-1] in rules.opening:
        return "direct"
    return "partial"


def _cue_for_quotation(start: int, end: int, kind: str, quoted: QuotedDoc, rules: QuoteRules) -> Token | None:
    """The cue of a quotation, outside every quotation.

    First the speech verb that governs the quotation in the parse (for a
    partial quote also a naming verb: ``called it “grossly
    irresponsible”``); a partial quote has no other. A direct quote may
    also take the cue nearest to it in the sentences it touches, or a
    short attribution sentence right after it (``“…!” he said.``) or a
    sentence ending in a colon right before it (``He wrote: “…”``).
    """
    doc, text = quoted.doc, quoted.text
    first = quoted.token_at(start)
    last = quoted.token_at(end - 1)
    if first is None or last is None:
        return None
    # The root of the quoted words, marks left out: a closing mark is
    # often attached to the reporting verb.
    inner = [t for t in doc[first.i : last.i + 1] if not t.is_punct and not t.is_space]
    span = doc[inner[0].i : inner[-1].i + 1] if inner else doc[first.i : last.i + 1]
    for ancestor in span.root.ancestors:
        if not quoted.in_quote[ancestor.i] and (
            _is_cue(ancestor, rules) or (kind == "partial" and ancestor.lemma_.lower() in rules.naming_verbs)
        ):
            return ancestor
    introducing = _colon_verb(start, quoted, rules)
    if introducing is not None and kind == "direct":
        return introducing
    nearest = _nearest_cue(doc[first.sent.start : last.sent.end], start, end, quoted, rules)
    if kind == "partial":
        # "Her countrymen, she said, should not listen to “…”": a
        # parenthetical report governs the whole sentence.
        if nearest is not None and (nearest.dep_ in ("parataxis", "ROOT")):
            return nearest
        return None
    if nearest is not None:
        return nearest
    framing = _framing_verb(last, quoted)
    if framing is not None:
        return framing
    following = quoted.token_at(_skip_spaces(text, end))
    if following is not None and following.sent.start > last.sent.start and following.idx - end <= 2:
        sentence = following.sent
        if len(sentence) <= rules.max_attribution_tokens and "\n" not in text[end : following.idx]:
            cue = _nearest_cue(sentence, start, end, quoted, rules)
            if cue is not None:
                return cue
    if first.sent.start > 0:
        before = doc[first.sent.start - 1].sent
        if before.text.rstrip().endswith(":") and "\n" not in text[before.end_char : start]:
            return _nearest_cue(before, start, end, quoted, rules)
    return None


def _colon_verb(start: int, quoted: QuotedDoc, rules: QuoteRules) -> Token | None:
    """``he gave the Texan a back-handed compliment: “…”``: the verb of
    the clause that a colon ends introduces the quote, whatever the verb,
    if it has a speaker."""
    doc = quoted.doc
    before = quoted.text[:start].rstrip()
    if not before.endswith(":"):
        return None
    colon = quoted.token_at(len(before) - 1)
    if colon is None or colon.i == 0:
        return None
    for token in reversed(doc[colon.sent.start : colon.i]):
        if token.pos_ == "VERB" and not quoted.in_quote[token.i] and colon.i - 1 in {t.i for t in token.subtree}:
            return token if speaker_of(token, quoted, rules.statement_nouns) is not None else None
    return None


def _framing_verb(last: Token, quoted: QuotedDoc) -> Token | None:
    """``“This is fantastic!” beamed Donald Hartley``: any verb framing the
    quote with a named or pronoun subject right after it is its cue."""
    doc = quoted.doc
    i = last.i + 1
    while i < len(doc) and (doc[i].is_punct or doc[i].is_space):
        if "\n" in doc[i].text_with_ws:
            return None  # the paragraph ends with the quote
        i += 1
    if i >= len(doc):
        return None
    for token in (t for t in doc[i : i + 4] if t.sent.start == doc[i].sent.start):
        if token.pos_ == "VERB" and not quoted.in_quote[token.i]:
            subject = next((c for c in token.children if c.dep_ in SUBJECTS), None)
            if subject is not None and subject.pos_ in ("PROPN", "PRON") and subject.i >= i:
                return token
            break
    return None


def _nearest_cue(tokens: Span, start: int, end: int, quoted: QuotedDoc, rules: QuoteRules) -> Token | None:
    best, best_distance = None, None
    for token in tokens:
        if quoted.in_quote[token.i] or not _is_cue(token, rules):
            continue
        distance = start - token.idx if token.idx < start else token.idx - end
        if best_distance is None or distance < best_distance:
            best, best_distance = token, distance
    return best


def _is_cue(token: Token, rules: QuoteRules) -> bool:
    if token.lower_ == "according":
        return token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in rules.speech_verbs


def _indirect_quotes(quoted: QuotedDoc, layout: Layout, rules: QuoteRules) -> list[Quote]:
    """A speech verb's clausal complement, or what "according to" reports,
    outside quotation marks and with a speaker."""
    doc = quoted.doc
    found = []
    for token in doc:
        if quoted.in_quote[token.i]:
            continue
        if token.lower_ == "according" and _is_cue(token, rules):
            content = _according_to_content(token)
        elif token.pos_ == "VERB" and token.lemma_.lower() in rules.indirect_verbs:
            complement = next((c for c in token.children if c.dep_ == "ccomp"), None)
            content = _complement_content(complement) if complement is not None else None
        else:
            continue
        if content is None or any(quoted.in_quote[i] for i in range(content.start, content.end)):
            continue
        speaker = speaker_of(token, quoted, rules.statement_nouns)
        if speaker is None:
            continue
        start = content.start_char
        quote = Quote("indirect", start, content.end_char, layout.paragraph_of(start), layout.sentence_of(start))
        found.append(_with_speaker(_with_cue(quote, token), speaker))
    return found


def _complement_content(complement: Token) -> Span | None:
    doc = complement.doc
    start = complement.left_edge.i
    # "said that ..." keeps "that" out of the content.
    if doc[start].dep_ == "mark" and doc[start].lower_ in ("that", "whether", "if"):
        start += 1
    return _trimmed(doc, start, complement.right_edge.i + 1)


def _according_to_content(according: Token) -> Span | None:
    sentence = according.sent
    phrase_end = according.doc[according.i + 1].right_edge.i + 1
    if according.i - sentence.start <= 1:  # "According to X, ..."
        return _trimmed(according.doc, phrase_end, sentence.end)
    return _trimmed(according.doc, sentence.start, according.i)


def _trimmed(doc: Doc, start: int, end: int) -> Span | None:
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end - start >= 3 else None


def _with_cue(quote: Quote, cue: Token) -> Quote:
    text = "according to" if cue.lower_ == "according" else cue.text
    return replace(quote, cue=text, cue_start=cue.idx, cue_end=cue.idx + len(text))


def _with_speaker(quote: Quote, head: Token | None) -> Quote:
    if head is None:
        return quote
    mention = mention_span(head)
    return replace(
        quote, speaker_head=head.i, speaker_mention=mention.text,
        speaker_start=mention.start_char, speaker_end=mention.end_char,
    )
