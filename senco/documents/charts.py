"""Charts as SVG, drawn by matplotlib (DESIGN.md: one chart code for pages and PDFs).

Every chart is shown beside a table holding the same figures, so the chart adds a picture and
takes nothing away from someone who cannot see it. Drawing uses the Agg back end (no display),
writes text as text (`svg.fonttype` "none": small files, the page's font, selectable), fixes the
SVG ids' salt and drops the date, so the same figures always give the same file. Nothing is
fetched from the network.
"""

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92")  # GOV.UK blue, orange, green, purple
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "opensenco",
    "font.family": "sans-serif",
    "font.size": 10,
}


def _svg(figure: Figure) -> bytes:
    out = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    value_label: str = "Pupils",
    horizontal: bool = True,
) -> bytes:
    """Bars for one or more series (a legend when more than one), as SVG bytes."""
    with matplotlib.rc_context(STYLE):
        height = max(2.5, 0.32 * len(labels) * max(1, len(series)) + 1.2) if horizontal else 4
        figure = Figure(figsize=(7, height))
        axes = figure.subplots()
        width = 0.8 / max(1, len(series))
        positions = list(range(len(labels)))
        for i, (name, values) in enumerate(series.items()):
            offsets = [p + (i - (len(series) - 1) / 2) * width for p in positions]
            colour = COLOURS[i % len(COLOURS)]
            if horizontal:
                axes.barh(offsets, values, height=width, label=name, color=colour)
            else:
                axes.bar(offsets, values, width=width, label=name, color=colour)
        if horizontal:
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            axes.set_xlabel(value_label)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes.set_xticks(positions, labels, rotation=30, ha="right")
            axes.set_ylabel(value_label)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        if len(series) > 1:
            axes.legend(frameon=False)
        return _svg(figure)
