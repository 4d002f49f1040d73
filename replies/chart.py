"""The progress picture: pain before and after each session, per area, drawn with matplotlib.

Channels draw the chart from the reply's data (replies.model.Chart) when they send it, so
the tracker keeps the numbers, not a picture. Sized and styled for a phone: 720 x 480 px,
large type, the project's teal (web/style.css) for "after", grey for "before".
matplotlib's object API (no pyplot state), so it is safe in a server thread.
"""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta
from functools import lru_cache
from typing import List

from replies.model import Chart

TEAL = "#0f766e"
INK = "#1f2933"
GREY = "#9aa5b1"
#: one colour per area (teal first), then the line style tells before (dashed) from after
PALETTE = (TEAL, "#b45309", "#6d28d9", "#be123c", "#0369a1", "#4d7c0f")


def png(chart: Chart) -> bytes:
    """The chart as PNG bytes."""
    return _png(chart)


@lru_cache(maxsize=64)
def _png(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 4), dpi=120)
    axes = figure.add_subplot()
    for index, series in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        days: List[date] = [date.fromisoformat(p.day) for p in series.points]
        before = [p.before for p in series.points]
        after = [p.after for p in series.points]
        if any(v is not None for v in before):
            axes.plot(days, [float("nan") if v is None else v for v in before], marker="o", linestyle="--",
                      color=GREY if len(chart.series) == 1 else colour, alpha=0.9, label=f"{series.name}: before")  # fmt: skip
        axes.plot(days, [float("nan") if v is None else v for v in after], marker="o", linewidth=2.5, color=colour,
                  label=f"{series.name}: after")  # fmt: skip
    all_days = [date.fromisoformat(p.day) for series in chart.series for p in series.points]
    if all_days:  # at least a week across, so one or two sessions do not spread over years
        first, last = min(all_days), max(all_days)
        pad = max(timedelta(days=1), (timedelta(days=7) - (last - first)) / 2)
        axes.set_xlim(first - pad, last + pad)
    locator = AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.set_ylim(0, 10)
    axes.set_ylabel("Pain (0-10)", fontsize=12, color=INK)
    axes.set_title(chart.title, fontsize=14, color=INK)
    axes.tick_params(labelsize=11, colors=INK)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(fontsize=10, frameon=False, loc="upper right")
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def data_url(chart: Chart) -> str:
    """The chart inline, as a `data:image/png;base64,...` URL (REST and the widget)."""
    return "data:image/png;base64," + base64.b64encode(png(chart)).decode("ascii")
