"""Scoring quote extraction against PolNeAR-style gold annotation.

Gold: brat standoff files (``attributions/<name>_<annotator>.ann``) with
character offsets into ``text/<name>.txt``; ``E`` lines tie an attribution's
Source, Cue and Content together. A gold quote is one attribution's Content,
which may come in fragments: a quote split by its attribution ("“A,” he
said. “B.”") is one Content with two discontinuous pieces (or a Content2).
A gold quote is

- **direct** when its content holds a quotation mark (partial quotes count);
- **indirect** when it holds none and its cue is a speech cue (said, told,
  added, wrote, according to, ...).

A prediction matches a gold fragment of its category when they overlap by
at least half of the shorter span, one to one (largest overlaps first). A
gold quote is found (a true positive, counted once) when any of its
fragments is matched, so the two halves of a split quote are one hit; a
prediction that matches no fragment is a false positive. On found quotes the
speaker is right when a matched prediction's speaker mention overlaps the
gold Source, or its resolved speaker shares a name with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from newsflow import lexicons
from newsflow.quotes import quotation_marks

QUOTE_MARKS = re.compile("[" + re.escape("".join(sorted({m for pair in quotation_marks("double").items() for m in pair}))) + "]")


def _verb_forms(lemma: str, irregular: str) -> set[str]:
    """The lemma, its -s form, and its past and -ing forms: the irregular
    ones listed, or else the regular ones."""
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        third, past = lemma[:-1] + "ies", lemma[:-1] + "ied"
    else:
        third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z", "o")) else "s")
        past = lemma + ("d" if lemma.endswith("e") else "ed")
    ing = (lemma[:-1] if lemma.endswith("e") and not lemma.endswith("ee") else lemma) + "ing"
    return {lemma, third, *(irregular.split() or (past, ing))}


# Speech cues for the indirect-speech category (lower-case word forms): the
# verbs the extractor takes as reporting indirect speech, and "according".
SPEECH_CUE_WORDS = frozenset(
    {"according"}.union(*(_verb_forms(row["lemma"], row["forms"]) for row in lexicons.table("speech_verbs.tsv")
                          if row["reports"] == "indirect"))
)
_NAME_WORD = re.compile(r"[A-Z][\w’'-]+")
_NOT_NAMES = {"Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "The", "President", "Secretary"}


@dataclass(frozen=True)
class GoldQuote:
    fragments: tuple[tuple[int, int], ...]
    category: str  # direct | indirect | other
    cue: str
    source: tuple[int, int] | None
    source_text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class Predicted:
    start: int
    end: int
    category: str  # direct | indirect
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Evaluation:
    direct: Score = field(default_factory=Score)
    indirect: Score = field(default_factory=Score)
    speaker_right: int = 0
    speaker_judged: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_judged if self.speaker_judged else 0.0


def _fragments(field: str) -> list[tuple[int, int]]:
    """``"10 20;25 40"`` (brat's discontinuous span) as ``[(10, 20), (25, 40)]``."""
    return [(int(a), int(b)) for a, b in (piece.split() for piece in field.split(";"))]


def parse_ann(text: str, ann: str) -> list[GoldQuote]:
    """Gold quotes of one article from its brat annotation."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, field = parts[1].partition(" ")
            spans[parts[0]] = _fragments(field)
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    gold = []
    for event in events:
        fragments = sorted(
            f for role, ref in event.items() if role.startswith("Content") for f in spans.get(ref, [])
        )
        if not fragments:
            continue
        cue = [text[a:b] for a, b in spans.get(event.get("Cue", ""), [])]
        source = spans.get(event.get("Source", ""))
        content = " ".join(text[a:b] for a, b in fragments)
        gold.append(
            GoldQuote(
                tuple(fragments),
                _category(content, " ".join(cue)),
                " ".join(cue),
                (source[0][0], source[-1][1]) if source else None,
                text[source[0][0] : source[-1][1]] if source else "",
            )
        )
    return gold


def _category(content: str, cue: str) -> str:
    if QUOTE_MARKS.search(content):
        return "direct"
    words = {w.lower() for w in re.findall(r"[\w’']+", cue)}
    return "indirect" if words & SPEECH_CUE_WORDS else "other"


def load_gold(gold_dir: Path) -> dict[str, list[GoldQuote]]:
    """``{text file name: gold spans}``, one annotator's file per article
    (the first in name order)."""
    gold_dir = Path(gold_dir)
    chosen: dict[str, Path] = {}
    for ann in sorted((gold_dir / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(article, ann)
    gold = {}
    for article, ann in chosen.items():
        text_path = gold_dir / "text" / f"{article}.txt"
        if text_path.exists():
            text = text_path.read_text(encoding="utf-8")
            gold[text_path.name] = parse_ann(text, ann.read_text(encoding="utf-8"))
    return gold


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one ``(predicted index, gold index)`` pairs that overlap by at
    least half of the shorter span, largest overlaps first."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            overlap = _overlap(p, g)
            if overlap and 2 * overlap >= min(p[1] - p[0], g[1] - g[0]):
                candidates.append((-overlap, i, j))
    pairs, used_p, used_g = [], set(), set()
    for _, i, j in sorted(candidates):
        if i not in used_p and j not in used_g:
            pairs.append((i, j))
            used_p.add(i)
            used_g.add(j)
    return pairs


def speaker_right(pred: Predicted, gold: GoldQuote) -> bool:
    if gold.source is None:
        return False
    if pred.speaker_start is not None and _overlap((pred.speaker_start, pred.speaker_end), gold.source):
        return True
    gold_names = {w for w in _NAME_WORD.findall(gold.source_text) if w.rstrip(".") not in _NOT_NAMES}
    predicted_names = set(_NAME_WORD.findall(pred.speaker or ""))
    return bool(gold_names & predicted_names)


def evaluate_article(name: str, text: str, predicted: list[Predicted], gold: list[GoldQuote], evaluation: Evaluation) -> None:
    """Add one article's counts (and its errors, with context) to ``evaluation``."""
    for category, score in (("direct", evaluation.direct), ("indirect", evaluation.indirect)):
        preds = [p for p in predicted if p.category == category]
        golds = [g for g in gold if g.category == category]
        fragments = [(j, f) for j, g in enumerate(golds) for f in g.fragments]
        pairs = match([(p.start, p.end) for p in preds], [f for _, f in fragments])
        found: dict[int, list[Predicted]] = {}
        for i, k in pairs:
            found.setdefault(fragments[k][0], []).append(preds[i])
        matched_p = {i for i, _ in pairs}
        score.tp += len(found)
        for i, p in enumerate(preds):
            if i not in matched_p:
                score.fp += 1
                evaluation.errors.append(_error(name, text, "false_positive", category, p.start, p.end, p.speaker))
        for j, g in enumerate(golds):
            if j not in found:
                score.fn += 1
                evaluation.errors.append(_error(name, text, "missed", category, g.start, g.end, g.source_text, g.cue))
                continue
            if g.source is None:
                continue
            evaluation.speaker_judged += 1
            if any(speaker_right(p, g) for p in found[j]):
                evaluation.speaker_right += 1
            else:
                p = found[j][0]
                mention = text[p.speaker_start : p.speaker_end] if p.speaker_start is not None else None
                evaluation.errors.append(
                    _error(name, text, "wrong_speaker", category, g.start, g.end, g.source_text, g.cue,
                           predicted=f"{p.speaker!r} ({mention!r})")
                )


_PRONOUNS = {"he", "she", "they", "i", "we", "it", "his", "her", "their", "who", "which", "that"}


def error_cause(kind: str, text: str, start: int, end: int, source: str | None, cue: str | None,
                predicted: str | None) -> str:
    """A rough cause for an error, to count errors by category."""
    quoted = text[start:end]
    if kind == "missed":
        if "\n" not in text[:start]:
            return "quote in the headline"
        if "\n\n" in quoted or "\n" in quoted:
            return "multi-paragraph quote"
        if cue and "according" in cue.lower():
            return "'according to' attribution"
        if cue and not {w.lower() for w in re.findall(r"[\w’']+", cue)} & SPEECH_CUE_WORDS:
            return "cue is not a speech verb"
        return "speech cue not linked to the content"
    if kind == "false_positive":
        if len(quoted.split()) <= 4 and QUOTE_MARKS.search(quoted):
            return "short quoted words (scare quotes, titles)"
        return "no gold attribution here" if predicted else "no gold attribution, no speaker"
    # wrong speaker
    if predicted is None or predicted.startswith("None (None)"):
        return "no speaker found"
    if (source or "").lower() in _PRONOUNS:
        return "gold source is a pronoun, predicted another mention"
    if source and source[:1].islower():
        return "gold source is a description"
    return "another named speaker"


def _error(name, text, kind, category, start, end, speaker, cue=None, predicted=None) -> dict:
    return {
        "file": name,
        "error": kind,
        "category": category,
        "cause": error_cause(kind, text, start, end, speaker, cue, predicted if kind == "wrong_speaker" else speaker),
        "start": start,
        "end": end,
        "text": text[start:end][:300],
        "speaker": speaker,
        "cue": cue,
        "predicted_speaker": predicted,
    }


def score_output(gold: dict[str, list[GoldQuote]], gold_text_dir: Path, out_dir: Path) -> tuple[Evaluation, dict]:
    """Score the quotes table under ``out_dir`` against ``gold``; also counts
    articles, failures and tokens."""
    from newsflow.store import read_table

    quotes = read_table(out_dir, "quotes").to_pylist()
    articles = read_table(out_dir, "articles").to_pylist()
    by_file: dict[str, list[Predicted]] = {}
    for q in quotes:
        by_file.setdefault(q["source_file"], []).append(
            Predicted(q["start"], q["end"], "indirect" if q["kind"] == "indirect" else "direct",
                      q["speaker"], q["speaker_start"], q["speaker_end"])
        )
    processed = {a["source_file"] for a in articles}
    evaluation = Evaluation()
    for name, spans in sorted(gold.items()):
        text = (Path(gold_text_dir) / name).read_text(encoding="utf-8")
        evaluate_article(name, text, by_file.get(name, []), spans, evaluation)
    counts = {
        "articles": len(gold),
        "articles_failed": len([name for name in gold if name not in processed]),
        "tokens": sum(a["n_tokens"] for a in articles),
    }
    return evaluation, counts
