"""Speaker finding: which words of the parse name whoever a cue reports.

Pure functions of the parse. Which person those words refer to is
resolution (``newsflow.resolution``); which words are quoted comes from the
quotations (``QuotedDoc.in_quote``): the quote's own words are never its
speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsflow.doc_text import text_of

SUBJECTS = ("nsubj", "nsubjpass")
_NP_LEFT_DEPS = {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "predet", "case", "advmod"}


@dataclass(frozen=True)
class QuotedDoc:
    """A parsed article and which of its tokens stand inside quotation marks."""

    doc: Doc
    in_quote: list[bool]

    @property
    def text(self) -> str:
        return text_of(self.doc)

    def token_at(self, char: int) -> Token | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None


def speaker_of(cue: Token, quoted: QuotedDoc, statement_nouns: frozenset[str]) -> Token | None:
    """The head of the cue's speaker: the subject of the speech verb (or of
    the verb it hangs from), the agent of a passive, the object of
    "according to"."""
    if cue.lower_ == "according":
        return next((c for c in cue.doc[cue.i + 1].children if c.dep_ == "pobj"), None)
    verb = cue
    for _ in range(3):  # "... and added", "who said"
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        if subject is not None and (subject.is_punct or subject.tag_ == "POS"):
            subject = subject.head  # a misparsed "’s": the noun it belongs to
        if subject is not None and quoted.in_quote[subject.i]:
            # "“Every single amendment,” said Cruz": the quote's own words
            # are no speaker, the name after the verb is.
            return inverted_subject(verb, quoted)
        if subject is not None:
            if subject.tag_ in ("WP", "WDT"):
                # "a Clinton endorser ... who suggested": the noun the
                # relative clause belongs to.
                clause = next((a for a in [verb, *verb.ancestors] if a.dep_ == "relcl"), None)
                return clause.head if clause is not None else None
            return subject
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
            verb = verb.head
        elif verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head is not verb.head:
            verb = verb.head.head  # "explained it by saying": whoever explained
        elif verb.dep_ == "acl" and verb.head.lemma_.lower() in statement_nouns and verb.head.head is not verb.head:
            verb = verb.head.head  # "issued a statement saying": whoever issued it
        else:
            break
    return None


def inverted_subject(verb: Token, quoted: QuotedDoc) -> Token | None:
    """``“The risk,” said Edward Leamer``: the parser does not always make
    the name after the verb its subject."""
    doc = quoted.doc
    for token in doc[verb.i + 1 : verb.i + 5]:
        if token.is_punct or token.is_space or quoted.in_quote[token.i]:
            return None
        if token.ent_type_ in ("DATE", "TIME"):
            continue  # "said Tuesday"
        if token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.i > verb.i + 1 and doc[verb.i + 1].pos_ == "DET"):
            while token.dep_ in ("compound", "flat", "amod") and token.head.i > token.i:
                token = token.head
            return token
    return None


def labelled_speaker(start: int, quoted: QuotedDoc, is_person) -> Token | None:
    """``Mark Blumenthal and Jon Cohen: “…”``: a name and a colon, no verb.
    ``is_person(token)`` says whether a token is part of a person's name."""
    before = quoted.text[:start].rstrip()
    if not before.endswith((":", "—", "–")):
        return None
    label = quoted.token_at(len(before) - 1)
    if label is None or label.i == 0:
        return None
    token = quoted.doc[label.i - 1]
    return token if is_person(token) else None


def mention_span(head: Token) -> Span:
    """The speaker mention as written: the head noun with its determiners,
    modifiers and title, without appositions or relative clauses."""
    doc = head.doc
    start = head.i
    for child in head.lefts:
        if child.dep_ in _NP_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    end = head.i + 1
    while end < len(doc) and doc[end].dep_ in ("flat", "compound") and doc[end].head.i == head.i:
        end += 1
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start:end]
