"""What the report says, computed from the output tables: plain numbers and
lists for the page and its charts, no markup. ``read`` gives a table by
name (the published output, or a version about to be published)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from newsflow.article_pages import ARTICLE_COLUMNS, FEATURED, Reader, featured_articles

TOP = 15  # rows of a ranking
MAPPED = 200  # places on the map


@dataclass
class Ranking:
    title: str
    labels: list[str]
    values: list[float]


@dataclass
class ReportData:
    run: dict
    n_articles: int
    rows: dict[str, int]
    by_outlet: Ranking
    by_month: Ranking
    n_quotes: int
    named_share: float | None
    quote_kinds: Ranking
    speakers_by_quotes: Ranking
    speakers_by_articles: Ranking
    speakers_per_outlet: list[dict]
    people: Ranking
    organizations: Ranking
    places: Ranking
    mapped: pd.DataFrame
    counted: Ranking
    dates_by_year: Ranking
    quarantine_reasons: list[dict]
    validation: list[dict]
    runs: list[dict]  # the last 30, oldest first
    articles: list[dict]  # the articles given a page of their own


def _frame(read: Reader, name: str, columns: list[str]) -> pd.DataFrame:
    return read(name, columns=columns).to_pandas(types_mapper=pd.ArrowDtype)


def _ranking(title: str, counts: pd.Series, top: int = TOP) -> Ranking:
    counts = counts.sort_values(ascending=False, kind="stable").head(top)
    return Ranking(title, [str(label) for label in counts.index], [float(v) for v in counts.to_numpy()])


def report_data(read: Reader, validation: dict, featured: int = FEATURED) -> ReportData:
    """Everything the report shows. ``validation`` is the run's validation
    summary (table -> expectation -> rows and unexpected rows); the
    ``featured`` articles with the most quotes get a page of their own."""
    runs = read("runs").to_pylist()
    article_rows = read("articles", columns=ARTICLE_COLUMNS)
    articles = article_rows.to_pandas(types_mapper=pd.ArrowDtype)
    quotes = _frame(read, "quotes", ["article_id", "outlet", "kind", "speaker_entity_id"])
    entities = _frame(read, "entities", ["entity_id", "kind", "name", "n_articles", "n_mentions", "n_quotes",
                                         "latitude", "longitude"])
    numbers = _frame(read, "numbers", ["counts"])
    dates = _frame(read, "dates", ["value"])
    quarantine = read("quarantine", columns=["source_file", "stage", "reason"]).to_pylist()

    names = entities.set_index("entity_id")["name"]
    months = articles["published_date"].dropna().astype("datetime64[s]").dt.strftime("%Y-%m")
    named = quotes["speaker_entity_id"].notna()
    # Ranked by entity, labelled by name: two people known by one surname
    # in two articles are two entities of the same name.
    speakers = quotes[named].assign(name=quotes.loc[named, "speaker_entity_id"].map(names))
    years = dates.loc[dates["value"].notna(), "value"].str.slice(0, 4)
    years = years[years.str.fullmatch(r"\d{4}")].astype(int)
    if len(years):  # the span most dates fall in; a stray "1523" would squeeze the rest into one bar
        years = years[years.between(years.quantile(0.02), years.quantile(0.98))]
    places = entities[(entities["kind"] == "place") & entities["latitude"].notna()]
    places = places.sort_values(["n_mentions", "name"], ascending=[False, True]).head(MAPPED)

    return ReportData(
        run=runs[-1] if runs else {},
        n_articles=len(articles),
        rows={**json.loads(runs[-1]["row_counts"] if runs else "{}"), "quarantine": len(quarantine), "runs": len(runs)},
        by_outlet=_ranking("Articles by outlet", articles["outlet"].fillna("(unknown)").value_counts()),
        by_month=Ranking("Articles by month of publication", *_in_order(months.value_counts())),
        n_quotes=len(quotes),
        named_share=float(named.mean()) if len(quotes) else None,
        quote_kinds=_ranking("Quotes by kind", quotes["kind"].value_counts()),
        speakers_by_quotes=_ranking("Top speakers by quotes", _by_entity(speakers, names)),
        speakers_by_articles=_ranking("Top speakers by articles quoting them",
                                      _by_entity(speakers.drop_duplicates(["article_id", "speaker_entity_id"]),
                                                 names)),
        speakers_per_outlet=_per_outlet(speakers),
        people=_top_entities(entities, "person", "Top people by articles"),
        organizations=_top_entities(entities, "organization", "Top organizations by articles"),
        places=_top_entities(entities, "place", "Top places by articles"),
        mapped=places,
        counted=_ranking("What numbers count most", numbers["counts"].dropna().str.lower().value_counts()),
        dates_by_year=Ranking("Years the articles' dates refer to (the middle 96%)",
                              *_in_order(years.value_counts())),
        quarantine_reasons=_reasons(quarantine),
        validation=_validation(validation),
        runs=runs[-30:],
        articles=featured_articles(article_rows, featured),
    )


def _by_entity(rows: pd.DataFrame, names: pd.Series) -> pd.Series:
    counts = rows["speaker_entity_id"].value_counts()
    counts.index = counts.index.map(names)
    return counts


def _in_order(counts: pd.Series) -> tuple[list[str], list[float]]:
    counts = counts.sort_index()
    return [str(label) for label in counts.index], [float(v) for v in counts.to_numpy()]


def _top_entities(entities: pd.DataFrame, kind: str, title: str) -> Ranking:
    of_kind = entities[entities["kind"] == kind].sort_values(["n_articles", "n_mentions", "name"],
                                                             ascending=[False, False, True]).head(TOP)
    return Ranking(title, list(of_kind["name"]), [float(v) for v in of_kind["n_articles"]])


def _per_outlet(speakers: pd.DataFrame, top: int = 3) -> list[dict]:
    """The most quoted speakers of each outlet, outlets by quotes."""
    counts = speakers.groupby(["outlet", "name"], dropna=True).size().reset_index(name="quotes")
    rows = []
    for outlet, group in sorted(counts.groupby("outlet"), key=lambda g: (-g[1]["quotes"].sum(), g[0])):
        best = group.sort_values(["quotes", "name"], ascending=[False, True]).head(top)
        rows.append({"outlet": outlet, "quotes": int(group["quotes"].sum()),
                     "speakers": [(r.name, int(r.quotes)) for r in best.itertuples()]})
    return rows[:TOP]


def _reasons(quarantine: list[dict]) -> list[dict]:
    by_reason: dict[tuple[str, str], list[str]] = {}
    for row in quarantine:
        by_reason.setdefault((row["stage"], row["reason"]), []).append(row["source_file"])
    return [{"stage": stage, "reason": reason, "records": len(files), "files": sorted(set(files))}
            for (stage, reason), files in sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0]))]


def _validation(summary: dict) -> list[dict]:
    """Per table: expectations checked, those with unexpected rows, rows."""
    rows = []
    for table, expectations in sorted(summary.items()):
        failed = sum(1 for result in expectations.values() if result.get("unexpected"))
        checked = max((result.get("rows", 0) for result in expectations.values()), default=0)
        rows.append({"table": table, "expectations": len(expectations), "failed": failed, "rows": checked})
    return rows
