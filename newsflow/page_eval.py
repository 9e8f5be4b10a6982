"""Score main-text extraction on pages with known snippets, as trafilatura's
evaluation does: a ``with`` snippet found in the text is a true positive,
missing a false negative; a ``without`` snippet found is a false positive,
missing a true negative. A page without text counts every snippet missing.

Snippets and texts are compared after the whitespace and character
normalisation cleaning does, so that a no-break space or a line break inside
a snippet is no miss of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import trafilatura

from newsflow.clean import clean
from newsflow.formats import declared_charset
from newsflow.ingest import decode
from newsflow.pages import NoArticleText, page_text

Extractor = Callable[[str, str | None], str | None]


def newsflow_text(html: str, url: str | None) -> str | None:
    try:
        return page_text(html, url).text
    except NoArticleText:
        return None


def trafilatura_text(html: str, url: str | None) -> str | None:
    return trafilatura.extract(html, url=url)


EXTRACTORS: dict[str, Extractor] = {"newsflow": newsflow_text, "trafilatura": trafilatura_text}


def comparable(text: str) -> str:
    """``text`` normalised as cleaning normalises it, whitespace runs as one space."""
    return " ".join(clean(text, remove_boilerplate_lines=False).text.split())


def page_counts(text: str | None, item: dict) -> dict[str, int]:
    """True/false positives/negatives of one page's text against its snippets."""
    found = comparable(text) if text else ""
    present = [comparable(s) in found for s in item["with"]]
    absent = [comparable(s) not in found for s in item["without"]]
    return {
        "tp": sum(present),
        "fn": len(present) - sum(present),
        "fp": len(absent) - sum(absent),
        "tn": sum(absent),
    }


def scores(counts: dict[str, int]) -> dict[str, float]:
    tp, fn, fp, tn = counts["tp"], counts["fn"], counts["fp"], counts["tn"]
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "accuracy": (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0,
    }


def score_pages(pages_dir: str | Path, snippets_json: str | Path) -> dict:
    """Counts and scores per extractor over the pages named in ``snippets_json``,
    with the per-page counts that make them up."""
    snippets = json.loads(Path(snippets_json).read_text(encoding="utf-8"))
    result = {}
    for name, extract in EXTRACTORS.items():
        pages = {}
        for file_name, item in snippets.items():
            data = (Path(pages_dir) / file_name).read_bytes()
            html, _ = decode(data, declared_charset(data))  # as a run reads the page
            pages[file_name] = page_counts(extract(html, item.get("url")), item)
        totals = {k: sum(p[k] for p in pages.values()) for k in ("tp", "fn", "fp", "tn")}
        result[name] = {**totals, **scores(totals), "pages": pages}
    return result


def score_table(result: dict) -> str:
    """A small text table of ``score_pages``'s result."""
    rows = ["extractor       P      R      F1     acc    tp  fn  fp  tn"]
    for name, s in result.items():
        rows.append(
            f"{name:<14}{s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['accuracy']:6.3f}"
            f"  {s['tp']:3d} {s['fn']:3d} {s['fp']:3d} {s['tn']:3d}"
        )
    return "\n".join(rows)
