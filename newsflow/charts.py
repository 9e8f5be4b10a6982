"""The report's charts, drawn by matplotlib as SVG text to inline in the
page: no script and no network to show them, and they print as drawn.

Figures are made without pyplot (no global state: a flow may build a report
in any thread), text stays text (``svg.fonttype: none``, searchable and
small) and ids and dates are fixed, so the same data gives the same SVG.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "newsflow",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}
COLOR = "#3b6ea5"
WIDTH = 6.4  # inches: the page's column at 96 dpi is about 620 px


@contextmanager
def _drawing(height: float) -> Iterator[Figure]:
    """A new figure of the page's width in the report's style. matplotlib
    (about 0.4 s to import) comes with the first chart drawn: the report of
    an empty output draws none."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        yield Figure(figsize=(WIDTH, height))


def prepare() -> None:
    """Import what drawing needs: matplotlib, its SVG backend and its font
    list, most of the first chart's time (0.4 to 0.8 s against 0.04 s for
    each chart after)."""
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.figure  # noqa: F401


def _margins(figure: Figure, left: float, bottom: float, right: float = 0.3, top: float = 0.35) -> None:
    """Margins in inches. Set by hand: a layout engine draws each figure
    twice or more, doubling the report's time."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, bottom=bottom / height, right=1 - right / width, top=1 - top / height)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # inline: no XML declaration or doctype


def bars(title: str, labels: list[str], values: list[float], color: str = COLOR) -> str:
    """Horizontal bars, the largest on top: who or what counts most."""
    with _drawing(0.6 + 0.22 * max(len(labels), 1)) as figure:
        axes = figure.add_subplot()
        axes.barh(range(len(labels)), values, color=color)
        axes.set_yticks(range(len(labels)), [_short(label) for label in labels])
        axes.invert_yaxis()
        axes.set_title(title)
        for i, value in enumerate(values):
            axes.annotate(f"{value:,.0f}", (value, i), xytext=(3, 0), textcoords="offset points", va="center",
                          fontsize=8, color="#444444")
        axes.margins(x=0.12)
        longest = max((len(_short(label)) for label in labels), default=0)
        _margins(figure, left=0.25 + 0.072 * longest, bottom=0.3)
        return _svg(figure)


def columns(title: str, labels: list[str], values: list[float], color: str = COLOR) -> str:
    """Vertical bars in the order given: a quantity over time."""
    with _drawing(2.4) as figure:
        axes = figure.add_subplot()
        axes.bar(range(len(labels)), values, color=color)
        step = max(1, len(labels) // 12)  # at most about a dozen readable ticks
        axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
        axes.set_title(title)
        _margins(figure, left=0.6, bottom=0.9)
        return _svg(figure)


def stacked(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Vertical stacked bars: parts of a whole over time (a run's articles
    extracted and reused)."""
    with _drawing(2.4) as figure:
        axes = figure.add_subplot()
        bottom = [0.0] * len(labels)
        for (name, values), color in zip(series.items(), (COLOR, "#b8c9dd", "#d98c5f")):
            axes.bar(range(len(labels)), values, bottom=bottom, color=color, label=name)
            bottom = [b + v for b, v in zip(bottom, values)]
        step = max(1, len(labels) // 12)
        axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
        axes.set_xlim(-0.6, max(len(labels), 10) - 0.4)  # a first run is one bar, not the whole width
        axes.legend(frameon=False, fontsize=8)
        axes.set_title(title)
        _margins(figure, left=0.6, bottom=1.2)
        return _svg(figure)


def points_on_globe(title: str, names: list[str], longitudes: list[float], latitudes: list[float],
                    weights: list[float], labelled: int = 6) -> str:
    """Places as points at their coordinates, sized by weight, on a grid of
    longitude and latitude (no coastlines: none ship offline), the heaviest
    named."""
    with _drawing(3.4) as figure:
        axes = figure.add_subplot()
        top = max(weights, default=1) or 1
        axes.scatter(longitudes, latitudes, s=[8 + 300 * w / top for w in weights], color=COLOR, alpha=0.55,
                     linewidths=0)
        order = sorted(range(len(names)), key=lambda i: -weights[i])[:labelled]
        for i in order:
            axes.annotate(_short(names[i], 18), (longitudes[i], latitudes[i]), fontsize=7, xytext=(3, 3),
                          textcoords="offset points", color="#222222")
        axes.set_xlim(-180, 180)
        axes.set_ylim(-60, 80)
        axes.set_xticks(range(-180, 181, 60))
        axes.set_yticks(range(-60, 81, 30))
        axes.grid(color="#dddddd", linewidth=0.6)
        axes.set_aspect("equal")
        axes.set_xlabel("longitude")
        axes.set_ylabel("latitude")
        axes.set_title(title)
        _margins(figure, left=0.6, bottom=0.5)
        return _svg(figure)


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
