"""Who said what: direct, partial and indirect quotes with their speakers.

1. Quotation spans are found on the clean text by a scanner that knows the
   newspaper convention for quotes running over several paragraphs (an opening
   mark on every paragraph, a closing mark only on the last) and never fails on
   unbalanced marks.
2. Each quotation is attributed through the dependency parse: a speech cue
   ("said", "told", "according to") in the same sentence outside the quote,
   whose subject is the speaker; failing that, the quote continues the nearest
   preceding attribution (the "He said. “…” / “…”" pattern).
3. Indirect speech is a speech verb's clausal complement outside quotation
   marks ("He said the NRF controls more than 60% of Panjshir").
4. Speaker mentions are resolved to the fullest name the article gives:
   names through the entity index, "he"/"she" to the most recent fitting
   speaker or subject, "the official" to the earlier "a senior administration
   official".
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsflow.mentions import DESCRIPTION_TITLES, EntityIndex
from newsflow.segment import Span as TextSpan

SPEECH_VERBS = frozenset(
    """say tell add write state claim report announce explain argue note insist warn acknowledge admit
    deny suggest predict reply respond recall testify confirm declare assert contend conclude emphasize
    stress maintain remark observe tweet post complain concede allege boast vow promise caution charge
    counter quip joke ask answer describe agree disagree comment continue mention recount reveal
    indicate estimate proclaim shout yell scream whisper urge assure exclaim retort snap mutter laugh
    scoff gush marvel muse plead beg demand lament bemoan grumble interject chant cheer read quote
    reiterate repeat underscore offer counter rebut wonder inquire pledge swear threaten posit propose
    recommend point elaborate clarify disclose confide confess dispute affirm inform remind speak
    testify blog text email cry sing""".split()
)
# Verbs whose clausal complement is reported speech: a narrower list, since
# without quotation marks the verb alone must carry the attribution.
INDIRECT_VERBS = frozenset(
    """say tell add write state claim report announce explain argue note insist warn acknowledge admit
    deny suggest predict reply respond recall testify confirm declare assert contend conclude emphasize
    stress maintain remark observe tweet post complain concede allege boast vow promise caution charge
    counter agree disagree comment mention recount reveal indicate estimate proclaim""".split()
)
# Verbs that attribute quoted words without reporting speech: ``called it
# “grossly irresponsible”``. Cues for partial quotes only.
NAMING_VERBS = frozenset("call dub describe label brand term refer characterize".split())
OPENING = {"“": "”", "„": "”", "«": "»", '"': '"'}
CLOSING = {"”", "»", '"'}
PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "they": None, "i": None, "we": None}
_MIN_QUOTE_CHARS = 3
# An attribution sentence after a quote ("he said.") is short.
_MAX_ATTRIBUTION_TOKENS = 15
# A quote without a cue in its own sentence inherits the nearest preceding
# speaker only within this many paragraphs.
_CONTINUATION_PARAGRAPHS = 2


@dataclass
class Quote:
    kind: str  # direct | partial | indirect
    start: int
    end: int
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None
    speaker_mention: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    paragraph: int = 0
    sentence: int = 0


def find_quotations(text: str, paragraphs: list[TextSpan]) -> list[tuple[int, int]]:
    """``[start, end)`` of every quotation, marks included.

    Whether a mark opens or closes is read from its neighbours (a space
    before and a letter after opens), which pairs straight quotes correctly
    and survives a curly mark typed the wrong way round. A quotation still
    open at the end of a paragraph continues when the next paragraph opens
    with a quote mark (the newspaper convention for long quotes) and ends at
    the paragraph's end otherwise; a closing mark with no opening one is
    ignored.
    """
    found: list[tuple[int, int]] = []
    open_at: int | None = None
    for index, para in enumerate(paragraphs):
        # A quotation carried over from the previous paragraph: skip the
        # continuation mark that opens this one.
        i = para.start + (1 if open_at is not None else 0)
        while i < para.end:
            if text[i] in OPENING or text[i] in CLOSING:
                if _mark_opens(text, i, open_at is not None):
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
        continues = following is not None and _mark_opens(text, following.start, False) and (
            text[following.start] in OPENING or text[following.start] in CLOSING
        )
        if open_at is not None and not continues:
            found.append((open_at, _rstrip(text, open_at, para.end)))
            open_at = None
    return [(s, e) for s, e in found if e - s >= _MIN_QUOTE_CHARS + 2]


_LEFT_BOUNDARY = set("([{—–-/") | set(OPENING)
_RIGHT_BOUNDARY = set(".,;:!?)]}—–-…") | CLOSING


def _mark_opens(text: str, i: int, is_open: bool) -> bool:
    """Does the quotation mark at ``i`` open a quotation?"""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    left = before.isspace() or before in _LEFT_BOUNDARY
    right = after.isspace() or after in _RIGHT_BOUNDARY
    mark = text[i]
    if mark == '"':
        if left != right:
            return left
        return not is_open  # no telling from the context: alternate
    if mark in OPENING:  # “ „ «: opens unless it plainly closes an open quote
        return not (is_open and right and not left)
    return not is_open and left and not right  # ” »: closes unless it plainly opens


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return min(i, len(text) - 1)


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


_NP_LEFT_DEPS = {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "predet", "case", "advmod"}
_DEFINITE = {"the", "this", "that", "these", "those"}
_SUBJECTS = ("nsubj", "nsubjpass")
_STATEMENT_NOUNS = {"statement", "tweet", "post", "letter", "email", "release", "message", "interview", "speech",
                    "note", "memo", "video", "ad", "op-ed", "column", "editorial", "report"}


@dataclass
class _Attribution:
    """A cue and its speaker, before it becomes a quote row."""

    quote: Quote
    cue_token: Token | None
    speaker_head: Token | None


class QuoteExtractor:
    """Extracts the quotes of one parsed article (clean-text offsets)."""

    def __init__(self, doc: Doc, paragraphs: list[TextSpan], entities: EntityIndex, paragraph_of_char, sentence_of_char):
        self.doc = doc
        self.text = doc.text
        self.paragraphs = paragraphs
        self.entities = entities
        self.paragraph_of_char = paragraph_of_char
        self.sentence_of_char = sentence_of_char
        self.quotations = find_quotations(self.text, paragraphs)
        self.in_quote = [False] * len(doc)
        for start, end in self.quotations:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    self.in_quote[i] = True
        # (char offset, speaker name, gender) of every resolved speaker and
        # named subject, for resolving pronouns in text order.
        self._salient: list[tuple[int, str, str | None, int]] = []

    # -- public ------------------------------------------------------------
    def extract(self) -> list[Quote]:
        pending = self._quotation_attributions() + self._indirect_attributions()
        pending.sort(key=lambda a: (a.quote.start, a.quote.end))
        self._salient = self._named_subjects()
        resolved: list[Quote] = []
        for attribution in pending:
            quote = attribution.quote
            if attribution.speaker_head is not None:
                self._set_speaker(quote, attribution.speaker_head)
            elif quote.kind == "direct":
                self._continue_previous(quote, resolved)
            if quote.kind == "partial" and quote.cue is None:
                continue  # scare quotes, titles and nicknames are not speech
            resolved.append(quote)
        return resolved

    # -- finding attributions ----------------------------------------------
    def _quotation_attributions(self) -> list[_Attribution]:
        found = []
        for start, end in self.quotations:
            quote = Quote(
                kind=self._quotation_kind(start),
                start=start,
                end=end,
                paragraph=self.paragraph_of_char(start),
                sentence=self.sentence_of_char(start),
            )
            cue = self._cue_for_quotation(start, end, quote.kind)
            speaker = None
            if cue is not None:
                self._set_cue(quote, cue)
                speaker = self._speaker_of(cue) or self._inverted_subject(cue)
            elif quote.kind == "direct":
                speaker = self._labelled_speaker(start)
            found.append(_Attribution(quote, cue, speaker))
        return found

    def _quotation_kind(self, start: int) -> str:
        """Partial when the quotation is embedded in the reporter's own clause
        (``called it “grossly irresponsible”``), direct otherwise."""
        sentence = self.sentence_span(start)
        before = self.text[sentence.start_char if sentence is not None else 0 : start].rstrip()
        if not before or before[-1] in ":,;—–-(\n" or before[-1] in OPENING:
            return "direct"
        return "partial"

    def sentence_span(self, char: int) -> Span | None:
        token = self._token_at(char)
        return token.sent if token is not None else None

    def _token_at(self, char: int) -> Token | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def _cue_for_quotation(self, start: int, end: int, kind: str) -> Token | None:
        """The cue of a quotation, outside every quotation.

        First the speech verb that governs the quotation in the parse (for a
        partial quote also a naming verb: ``called it “grossly
        irresponsible”``); a partial quote has no other. A direct quote may
        also take the cue nearest to it in the sentences it touches, or a
        short attribution sentence right after it (``“…!” he said.``) or a
        sentence ending in a colon right before it (``He wrote: “…”``).
        """
        first = self._token_at(start)
        last = self._token_at(end - 1)
        if first is None or last is None:
            return None
        # The root of the quoted words, marks left out: a closing mark is
        # often attached to the reporting verb.
        inner = [t for t in self.doc[first.i : last.i + 1] if not t.is_punct and not t.is_space]
        span = self.doc[inner[0].i : inner[-1].i + 1] if inner else self.doc[first.i : last.i + 1]
        for ancestor in span.root.ancestors:
            if not self.in_quote[ancestor.i] and (
                self._is_cue(ancestor) or (kind == "partial" and ancestor.lemma_.lower() in NAMING_VERBS)
            ):
                return ancestor
        introducing = self._colon_verb(start)
        if introducing is not None and kind == "direct":
            return introducing
        lo, hi = first.sent.start, last.sent.end
        nearest = self._nearest_cue(self.doc[lo:hi], start, end)
        if kind == "partial":
            # "Her countrymen, she said, should not listen to “…”": a
            # parenthetical report governs the whole sentence.
            if nearest is not None and (nearest.dep_ in ("parataxis", "ROOT")):
                return nearest
            return None
        if nearest is not None:
            return nearest
        framing = self._framing_verb(last)
        if framing is not None:
            return framing
        following = self._token_at(_skip_spaces(self.text, end))
        if following is not None and following.sent.start > last.sent.start and following.idx - end <= 2:
            sentence = following.sent
            if len(sentence) <= _MAX_ATTRIBUTION_TOKENS and "\n" not in self.text[end : following.idx]:
                cue = self._nearest_cue(sentence, start, end)
                if cue is not None:
                    return cue
        if first.sent.start > 0:
            before = self.doc[first.sent.start - 1].sent
            if before.text.rstrip().endswith(":") and "\n" not in self.text[before.end_char : start]:
                return self._nearest_cue(before, start, end)
        return None

    def _colon_verb(self, start: int) -> Token | None:
        """``he gave the Texan a back-handed compliment: “…”``: the verb of
        the clause that a colon ends introduces the quote, whatever the verb."""
        before = self.text[:start].rstrip()
        if not before.endswith(":"):
            return None
        colon = self._token_at(len(before) - 1)
        if colon is None or colon.i == 0:
            return None
        for token in reversed(self.doc[colon.sent.start : colon.i]):
            if token.pos_ == "VERB" and not self.in_quote[token.i] and colon.i - 1 in {t.i for t in token.subtree}:
                return token if self._speaker_of(token) is not None else None
        return None

    def _labelled_speaker(self, start: int) -> Token | None:
        """``Mark Blumenthal and Jon Cohen: “…”``: a name and a colon, no verb."""
        before = self.text[:start].rstrip()
        if not before.endswith((":", "—", "–")):
            return None
        label = self._token_at(len(before) - 1)
        if label is None or label.i == 0:
            return None
        token = self.doc[label.i - 1]
        person = self.entities.person_at(token)
        return token if person is not None else None

    def _framing_verb(self, last: Token) -> Token | None:
        """``“This is fantastic!” beamed Donald Hartley``: any verb framing the
        quote with a named or pronoun subject right after it is its cue."""
        doc = self.doc
        i = last.i + 1
        while i < len(doc) and (doc[i].is_punct or doc[i].is_space):
            if "\n" in doc[i].text_with_ws:
                return None  # the paragraph ends with the quote
            i += 1
        if i >= len(doc):
            return None
        for token in (t for t in doc[i : i + 4] if t.sent.start == doc[i].sent.start):
            if token.pos_ == "VERB" and not self.in_quote[token.i]:
                subject = next((c for c in token.children if c.dep_ in _SUBJECTS), None)
                if subject is not None and subject.pos_ in ("PROPN", "PRON") and subject.i >= i:
                    return token
                break
        return None

    def _nearest_cue(self, tokens: Span, start: int, end: int) -> Token | None:
        best, best_distance = None, None
        for token in tokens:
            if self.in_quote[token.i] or not self._is_cue(token):
                continue
            distance = start - token.idx if token.idx < start else token.idx - end
            if best_distance is None or distance < best_distance:
                best, best_distance = token, distance
        return best

    @staticmethod
    def _is_cue(token: Token) -> bool:
        if token.lower_ == "according":
            return token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"
        return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in SPEECH_VERBS

    def _indirect_attributions(self) -> list[_Attribution]:
        found = []
        for token in self.doc:
            if self.in_quote[token.i]:
                continue
            if token.lower_ == "according" and self._is_cue(token):
                content = self._according_to_content(token)
                speaker = next((c for c in token.doc[token.i + 1].children if c.dep_ == "pobj"), None)
            elif token.pos_ == "VERB" and token.lemma_.lower() in INDIRECT_VERBS:
                complement = next((c for c in token.children if c.dep_ == "ccomp"), None)
                content = self._complement_content(complement) if complement is not None else None
                speaker = self._speaker_of(token)
            else:
                continue
            if content is None or speaker is None or any(self.in_quote[i] for i in range(content.start, content.end)):
                continue
            quote = Quote(
                kind="indirect",
                start=content.start_char,
                end=content.end_char,
                paragraph=self.paragraph_of_char(content.start_char),
                sentence=self.sentence_of_char(content.start_char),
            )
            self._set_cue(quote, token)
            found.append(_Attribution(quote, token, speaker))
        return found

    def _complement_content(self, complement: Token) -> Span | None:
        start = complement.left_edge.i
        # "said that ..." keeps "that" out of the content.
        if self.doc[start].dep_ == "mark" and self.doc[start].lower_ in ("that", "whether", "if"):
            start += 1
        return self._trimmed(start, complement.right_edge.i + 1)

    def _according_to_content(self, according: Token) -> Span | None:
        sentence = according.sent
        phrase_end = according.doc[according.i + 1].right_edge.i + 1
        if according.i - sentence.start <= 1:  # "According to X, ..."
            return self._trimmed(phrase_end, sentence.end)
        return self._trimmed(sentence.start, according.i)

    def _trimmed(self, start: int, end: int) -> Span | None:
        doc = self.doc
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        return doc[start:end] if end - start >= 3 else None

    # -- speakers ----------------------------------------------------------
    def _speaker_of(self, cue: Token) -> Token | None:
        if cue.lower_ == "according":
            return next((c for c in cue.doc[cue.i + 1].children if c.dep_ == "pobj"), None)
        verb = cue
        for _ in range(3):  # "... and added", "who said"
            subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
            if subject is not None and (subject.is_punct or subject.tag_ == "POS"):
                subject = subject.head  # a misparsed "’s": the noun it belongs to
            if subject is not None and self.in_quote[subject.i]:
                # "“Every single amendment,” said Cruz": the quote's own words
                # are no speaker, the name after the verb is.
                return self._inverted_subject(verb)
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
            elif verb.dep_ == "acl" and verb.head.lemma_.lower() in _STATEMENT_NOUNS and verb.head.head is not verb.head:
                verb = verb.head.head  # "issued a statement saying": whoever issued it
            else:
                break
        return None

    def _inverted_subject(self, verb: Token) -> Token | None:
        """``“The risk,” said Edward Leamer``: the parser does not always make
        the name after the verb its subject."""
        doc = self.doc
        for token in doc[verb.i + 1 : verb.i + 5]:
            if token.is_punct or token.is_space or self.in_quote[token.i]:
                return None
            if token.ent_type_ in ("DATE", "TIME"):
                continue  # "said Tuesday"
            if token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.i > verb.i + 1 and doc[verb.i + 1].pos_ == "DET"):
                while token.dep_ in ("compound", "flat", "amod") and token.head.i > token.i:
                    token = token.head
                return token
        return None

    def mention_span(self, head: Token) -> Span:
        """The speaker mention as written: the head noun with its determiners,
        modifiers and title, without appositions or relative clauses."""
        start = head.i
        for child in head.lefts:
            if child.dep_ in _NP_LEFT_DEPS:
                start = min(start, child.left_edge.i)
        end = head.i + 1
        while end < len(self.doc) and self.doc[end].dep_ in ("flat", "compound") and self.doc[end].head.i == head.i:
            end += 1
        while start < head.i and (self.doc[start].is_punct or self.doc[start].is_space):
            start += 1
        return self.doc[start:end]

    def _set_cue(self, quote: Quote, cue: Token) -> None:
        if cue.lower_ == "according":
            quote.cue, quote.cue_start, quote.cue_end = "according to", cue.idx, cue.idx + len("according to")
        else:
            quote.cue, quote.cue_start, quote.cue_end = cue.text, cue.idx, cue.idx + len(cue.text)

    def _set_speaker(self, quote: Quote, head: Token) -> None:
        mention = self.mention_span(head)
        quote.speaker_mention = mention.text
        quote.speaker_start, quote.speaker_end = mention.start_char, mention.end_char
        quote.speaker = self._resolve(mention, head)
        if quote.speaker is not None:
            person = self.entities.person_at(head)
            gender = person.gender if person else PRONOUNS.get(head.lower_)
            self._salient.append((mention.start_char, quote.speaker, gender, self.paragraph_of_char(mention.start_char)))
            self._salient.sort(key=lambda s: s[0])

    def _resolve(self, mention: Span, head: Token) -> str | None:
        person = self.entities.person_at(head)
        if person is None:
            # "Afghanistan's former vice president, Amrullah Saleh, said"
            person = next(
                (p for c in head.rights if c.dep_ == "appos" and (p := self.entities.person_at(c)) is not None), None
            )
        if person is not None:
            return person.name
        lower = head.lower_
        if lower in ("he", "she"):
            return self._antecedent(mention.start_char, PRONOUNS[lower])
        if head.pos_ == "PRON":
            return None
        entity = self.entities.entity_at(head)
        if entity is not None:
            return entity.name
        first = mention[0].lower_
        if first in _DEFINITE and head.pos_ == "NOUN":
            earlier = self._earlier_description(head, mention.start_char)
            if earlier is not None:
                return earlier
        return _as_description(mention)

    def _antecedent(self, char: int, gender: str | None) -> str | None:
        paragraph = self.paragraph_of_char(char)
        for position, name, candidate_gender, candidate_paragraph in reversed(self._salient):
            if position >= char:
                continue
            if paragraph - candidate_paragraph > _CONTINUATION_PARAGRAPHS + 1:
                break
            if gender and candidate_gender and gender != candidate_gender:
                continue
            return name
        return None

    def _earlier_description(self, head: Token, char: int) -> str | None:
        """"the official" refers back to "a senior administration official";
        "the senator" to the last person titled Sen."""
        title = DESCRIPTION_TITLES.get(head.lemma_.lower())
        if title is not None:
            for mention, person in self.entities.people_before(char):
                if title in person.titles:
                    return person.name
        for token in reversed(self.doc[: head.i]):
            if (
                token.lemma_.lower() == head.lemma_.lower()
                and token.tag_ == head.tag_  # "the official" is not "officials"
                and token.dep_ in _SUBJECTS
                and not self.in_quote[token.i]
            ):
                earlier = self.mention_span(token)
                if earlier[0].lower_ not in _DEFINITE:
                    return _as_description(earlier)
        return None

    def _named_subjects(self) -> list[tuple[int, str, str | None, int]]:
        """Named people as grammatical subjects outside quotations: the
        candidates a later "he" or "she" most likely refers to."""
        found = []
        for person in self.entities.people:
            for mention in person.mentions:
                span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None or self.in_quote[span.root.i]:
                    continue
                if span.root.dep_ in _SUBJECTS:
                    found.append((mention.start, person.name, person.gender, self.paragraph_of_char(mention.start)))
        return sorted(found, key=lambda s: s[0])

    def _continue_previous(self, quote: Quote, resolved: list[Quote]) -> None:
        """A quote with no cue of its own continues the nearest preceding
        attribution within a couple of paragraphs (news convention)."""
        for previous in reversed(resolved):
            if previous.speaker is None:
                continue
            if quote.paragraph - previous.paragraph > _CONTINUATION_PARAGRAPHS:
                return
            quote.speaker = previous.speaker
            quote.speaker_mention = previous.speaker_mention
            quote.speaker_start, quote.speaker_end = previous.speaker_start, previous.speaker_end
            return


def _as_description(mention: Span) -> str:
    """An unnamed speaker keeps its description, article in lower case."""
    text = mention.text
    if mention[0].pos_ == "DET":
        text = mention[0].lower_ + text[len(mention[0].text):]
    return text
