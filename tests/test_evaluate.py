"""The quote scorer on small hand-made brat fixtures."""

from __future__ import annotations

from pathlib import Path

from newsflow.evaluate import Evaluation, Predicted, evaluate_article, load_gold, match, parse_ann

TEXT = (
    "Title\n\n"
    "“We will win,” Mr. Smith said. “Nobody doubts it.”\n\n"  # a quote split by its attribution
    "He said the vote was close.\n\n"  # indirect speech with a pronoun source
    "“Never,” she said.\n\n"  # a quote nobody predicts
    "Officials believe the plan works."  # a belief: neither direct nor indirect
)


def offsets(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def brat() -> str:
    lines, t = [], 0

    def span(label, *fragments):
        nonlocal t
        t += 1
        pieces = ";".join("{} {}".format(*offsets(f)) for f in fragments)
        lines.append(f"T{t}\t{label} {pieces}\t{' '.join(fragments)}")
        return f"T{t}"

    def event(n, source, cue, content):
        parts = [f"Attribution:{cue}", f"Content:{content}", f"Cue:{cue}"] + ([f"Source:{source}"] if source else [])
        lines.append(f"E{n}\t{' '.join(parts)}")

    event(1, span("Source", "Mr. Smith"), span("Cue", "said"), span("Content", "“We will win,”", "“Nobody doubts it.”"))
    event(2, span("Source", "He"), span("Cue", "said"), span("Content", "the vote was close"))
    event(3, span("Source", "she"), span("Cue", "said"), span("Content", "“Never,”"))
    event(4, span("Source", "Officials"), span("Cue", "believe"), span("Content", "the plan works"))
    return "\n".join(lines) + "\n"


def gold_folder(folder: Path) -> Path:
    """``folder`` in PolNeAR's layout, holding TEXT and its annotation."""
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "attributions" / "a_ann1.ann").write_text(brat(), encoding="utf-8")
    return folder


def predicted(fragment: str, category: str, speaker=None, mention=None) -> Predicted:
    start, end = offsets(fragment)
    s, e = offsets(mention) if mention else (None, None)
    return Predicted(start, end, category, speaker, s, e)


def test_gold_categories_and_split_fragments():
    gold = parse_ann(TEXT, brat())
    assert [g.category for g in gold] == ["direct", "indirect", "direct", "other"]
    assert len(gold[0].fragments) == 2
    assert TEXT[slice(*gold[1].source)] == "He"


def test_hit_miss_split_quote_and_pronoun_speaker():
    gold = parse_ann(TEXT, brat())
    evaluation = Evaluation()
    predictions = [
        predicted("“We will win,”", "direct", "John Smith", "Mr. Smith"),  # first half of the split quote
        predicted("“Nobody doubts it.”", "direct", "John Smith", "Mr. Smith"),  # second half: same gold quote
        predicted("He said the vote was close", "indirect", "John Smith", "He"),  # overlaps gold by more than half
        predicted("Title", "direct"),  # a false positive
    ]
    evaluate_article("a.txt", TEXT, predictions, gold, evaluation)
    assert (evaluation.direct.tp, evaluation.direct.fp, evaluation.direct.fn) == (1, 1, 1)
    assert (evaluation.indirect.tp, evaluation.indirect.fp, evaluation.indirect.fn) == (1, 0, 0)
    # Speaker right on both found quotes: "Mr. Smith" overlaps, and the
    # pronoun mention "He" overlaps the gold source "He".
    assert (evaluation.speaker_right, evaluation.speaker_judged) == (2, 2)
    assert {e["error"] for e in evaluation.errors} == {"false_positive", "missed"}


def test_wrong_speaker_is_counted():
    gold = parse_ann(TEXT, brat())
    evaluation = Evaluation()
    evaluate_article("a.txt", TEXT, [predicted("“Never,”", "direct", "John Smith", "Mr. Smith")], gold, evaluation)
    assert evaluation.direct.tp == 1
    assert (evaluation.speaker_right, evaluation.speaker_judged) == (0, 1)


def test_match_is_one_to_one_and_needs_half_the_shorter_span():
    assert match([(0, 10), (0, 10)], [(0, 10)]) == [(0, 0)]
    assert match([(0, 10)], [(6, 30)]) == []  # overlap 4 < half of 10
    assert match([(0, 10)], [(5, 30)]) == [(0, 0)]


def test_load_gold_takes_one_annotator_per_article(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "a_ann1.ann").write_text(brat(), encoding="utf-8")
    (tmp_path / "attributions" / "a_ann2.ann").write_text("", encoding="utf-8")
    gold = load_gold(tmp_path)
    assert list(gold) == ["a.txt"] and len(gold["a.txt"]) == 4
