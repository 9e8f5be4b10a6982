"""Clean scraped article text while keeping a map back to the raw text.

Every cleaning step rewrites the text through :class:`MappedText`, which keeps,
for each character of the clean text, the span of raw characters it came from.
Extractors work on clean text; :meth:`CleanText.to_raw` turns their spans into
offsets into the raw decoded text, so ``raw[start:end]`` is always the evidence.

:func:`clean` is two phases, :func:`strip_markup` then :func:`normalise`; a web
page picks its main text between them (:mod:`newsflow.pages`).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Callable

import ftfy

from newsflow import lexicons

# Mojibake repair and NFC only: curly quotes carry meaning for quote extraction,
# and HTML entities are handled (and recorded) by their own step.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)

# HTML comments, including the typographic variants a CMS makes of "--"
# ("<!– … –>" in the sample article).
_HTML_COMMENT = re.compile(r"<!(?:--|[–—-]).*?(?:--|[–—-])>", re.DOTALL)
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# "<!DOCTYPE html>" and processing instructions, including Word's
# "<?xml:namespace … />", which ends at ">" as HTML parsers end it. A CDATA
# section's content is text: its wrapper goes one half at a time, as evidence
# cut inside the section holds only one of them.
_DECLARATION = re.compile(r"<![A-Za-z][^<>]*>|<\?[^<>]*>|<!\[CDATA\[|\]\]>")
_HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
# Tags that end a line where a browser would: without the break, "<p>a</p><p>b</p>"
# would read "ab". Inline tags (a, b, span, …) join their text.
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol blockquote tr td th table section article header footer"
    " aside nav figure figcaption hr pre dd dt dl main form".split()
)
_HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# A left single quote inside a word is a mistyped apostrophe ("Afghanistan‘s").
_LEFT_QUOTE_APOSTROPHE = re.compile(r"(?<=\w)\u2018(?=\w)")
# Whole lines that scraping leaves behind: navigation, sharing, subscription
# and cookie prompts (lexicons/debris_lines.txt). Anchored to the full line
# so prose is never touched.
_BOILERPLATE_LINE = re.compile(
    r"^[ \t]*(?:" + "|".join(lexicons.entries("debris_lines.txt")) + r")[ \t.!:]*$", re.IGNORECASE | re.MULTILINE
)
_SPACE_RUN = re.compile(r" {2,}")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")
# Line breaks other than "\n", with U+2029 ending a paragraph. U+0085 after a
# character that stands for a UTF-8 byte read as Latin-1 is one byte of
# mojibake ("Ã\x85" for "Å"), which ftfy repairs.
_LINE_BREAK = re.compile(r"\r\n?|\u2028|(?<![\u0080-\u00bf\u00c2-\u00f4])\u0085|(\u2029)")


@dataclass(frozen=True)
class Edit:
    """One thing cleaning changed, located in the raw text."""

    kind: str
    text: str
    start: int
    end: int


class MappedText:
    """Text plus, per character, the ``[start, end)`` raw span it stands for."""

    def __init__(self, raw: str):
        self.raw = raw
        self.text = raw
        self.starts = list(range(len(raw)))
        self.ends = list(range(1, len(raw) + 1))
        self.edits: list[Edit] = []

    def splice(self, pieces: list[tuple[int, int, str]], kind: str | None) -> None:
        """Replace sorted, non-overlapping, non-empty ``(start, end, new)`` pieces of the text."""
        text, starts, ends = [], [], []
        cursor = 0
        for start, end, new in pieces:
            text.append(self.text[cursor:start])
            starts.extend(self.starts[cursor:start])
            ends.extend(self.ends[cursor:start])
            raw_start, raw_end = self.starts[start], self.ends[end - 1]
            if kind is not None:
                self.edits.append(Edit(kind, self.raw[raw_start:raw_end], raw_start, raw_end))
            old_len, new_len = end - start, len(new)
            if new_len == old_len:
                starts.extend(self.starts[start:end])
                ends.extend(self.ends[start:end])
            elif new_len:
                # A rewritten run spans the whole old run; inner characters
                # map proportionally so that sub-spans stay inside it.
                for k in range(new_len):
                    lo = start + (k * old_len) // new_len
                    hi = start + ((k + 1) * old_len + new_len - 1) // new_len - 1
                    starts.append(raw_start if k == 0 else self.starts[lo])
                    ends.append(raw_end if k == new_len - 1 else self.ends[hi])
            text.append(new)
            cursor = end
        text.append(self.text[cursor:])
        starts.extend(self.starts[cursor:])
        ends.extend(self.ends[cursor:])
        self.text = "".join(text)
        self.starts, self.ends = starts, ends

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str], kind: str | None) -> None:
        pieces = []
        for m in pattern.finditer(self.text):
            if m.end() == m.start():
                continue
            new = repl(m) if callable(repl) else repl
            if new != m.group(0):
                pieces.append((m.start(), m.end(), new))
        if pieces:
            self.splice(pieces, kind)

    def transform_lines(self, fix: Callable[[str], str], kind: str) -> None:
        """Apply a length-changing fix line by line, re-aligned with difflib."""
        pieces = []
        offset = 0
        for line in self.text.split("\n"):
            fixed = fix(line)
            if fixed != line:
                for i1, i2, j1, j2 in _changed_runs(line, fixed):
                    if i1 == i2:
                        # A pure insertion has no raw span of its own: it joins
                        # a neighbouring character, which is never part of
                        # another run.
                        if i2 < len(line):
                            i2, new = i2 + 1, fixed[j1:j2] + line[i2]
                        elif i1 > 0:
                            i1, new = i1 - 1, line[i1 - 1] + fixed[j1:j2]
                        else:
                            continue
                    else:
                        new = fixed[j1:j2]
                    pieces.append((offset + i1, offset + i2, new))
            offset += len(line) + 1
        if pieces:
            self.splice(pieces, kind)


def _changed_runs(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Maximal runs where ``old`` and ``new`` differ, as ``(i1, i2, j1, j2)``."""
    runs: list[list[int]] = []
    previous_equal = True
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            previous_equal = True
            continue
        if previous_equal:
            runs.append([i1, i2, j1, j2])
        else:
            runs[-1][1], runs[-1][3] = i2, j2
        previous_equal = False
    return [tuple(run) for run in runs]


@dataclass(frozen=True)
class CleanText:
    text: str
    starts: list[int]
    ends: list[int]
    edits: list[Edit]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` for the clean span ``[start, end)`` (non-empty)."""
        return self.starts[start], self.ends[end - 1]


def _unescape(m: re.Match) -> str:
    reference = m.group(0)
    if reference[1] == "#":
        code = int(reference[3:-1], 16) if reference[2] in "xX" else int(reference[2:-1])
        # A reference to a control character is debris, not text (html makes
        # "&#0;" U+FFFD); whitespace ones are normalised like raw whitespace.
        if code == 0x7F or (code < 0x20 and chr(code) not in "\t\n\r\f"):
            return ""
    return html.unescape(reference)


def _tag_replacement(m: re.Match) -> str:
    return "\n" if m.group(1).lower() in _BLOCK_TAGS else ""


def _fix_unicode(line: str) -> str:
    return ftfy.fix_text(line, config=_FTFY_CONFIG)


def strip_markup(mapped: MappedText) -> None:
    """The markup phase: comments, scripts, declarations, tags and entities."""
    mapped.sub(_HTML_COMMENT, "", "html_comment")
    mapped.sub(_SCRIPT_STYLE, "", "html_markup")
    mapped.sub(_DECLARATION, "", "html_markup")
    mapped.sub(_HTML_TAG, _tag_replacement, "html_tag")
    mapped.sub(_HTML_ENTITY, _unescape, "html_entity")


def normalise(mapped: MappedText, *, remove_boilerplate_lines: bool) -> None:
    """The normalising phase: line breaks, repairs, odd characters, spacing."""
    # After the entities, so that "&#13;\n" is one line break, as "\r\n" is,
    # in a whole article and in any fragment of it alike.
    mapped.sub(_LINE_BREAK, lambda m: "\n\n" if m.group(1) else "\n", None)
    mapped.transform_lines(_fix_unicode, "unicode_repair")
    mapped.sub(_ZERO_WIDTH, "", "zero_width")
    mapped.sub(_ODD_SPACE, " ", "nbsp")
    mapped.sub(_LEFT_QUOTE_APOSTROPHE, "\u2019", "apostrophe")
    if remove_boilerplate_lines:
        mapped.sub(_BOILERPLATE_LINE, "", "boilerplate")
    mapped.sub(_SPACE_RUN, " ", None)
    mapped.sub(_SPACE_AROUND_NEWLINE, "\n", None)
    mapped.sub(_BLANK_LINES, "\n\n", None)


def trimmed(mapped: MappedText) -> CleanText:
    """The mapped text without leading and trailing whitespace."""
    text = mapped.text
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    return CleanText(
        text=text[lead:trail],
        starts=mapped.starts[lead:trail],
        ends=mapped.ends[lead:trail],
        edits=sorted(mapped.edits, key=lambda e: (e.start, e.end, e.kind)),
    )


def clean(raw: str, *, remove_boilerplate_lines: bool = True) -> CleanText:
    """Clean one article's decoded text; see the module docstring.

    ``remove_boilerplate_lines=False`` keeps the one context-dependent step
    out: a sentence such as "Subscribe here." is debris on a line of its own
    and prose inside a paragraph, so a fragment cannot tell which it is.
    """
    mapped = MappedText(raw)
    strip_markup(mapped)
    normalise(mapped, remove_boilerplate_lines=remove_boilerplate_lines)
    return trimmed(mapped)
