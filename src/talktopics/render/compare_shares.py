"""Comparison -> the share of talks of each topic per edition as small multiples: one small panel
per topic (its line in its colour, the other topics faint behind it, the first and last values
written beside the points), as a matplotlib figure (SVG text or PNG bytes) for the files and
as small standalone SVG panels that the HTML report lays out in a grid that reflows on a
phone.

Every panel shares one vertical scale, so heights compare across panels. The topics come in
report order: changes first (rising, then falling), then the stable ones, then those with too
few talks to tell; at most :data:`MAX_PANELS` of them.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from talktopics.render.compare_charts import (
    ChartFormat,
    chart_rc,
    save_figure,
    series_colours,
    short_label,
)
from talktopics.render.compare_view import CLASS_NAMES

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison, TopicSeries

__all__ = ["MAX_PANELS", "chart_series", "share_chart", "share_panels", "share_scale"]

logger = logging.getLogger(__name__)

MAX_PANELS = 24
"""Topics drawn in the share chart."""
_RANK = {
    "new": 0,
    "emerging": 0,
    "split": 0,
    "gone": 1,
    "fading": 1,
    "merged": 1,
    "stable": 2,
    "inconclusive": 3,
}
_FAINT = "#d0d7de"
# Panel geometry of the HTML panels, in SVG units.
_W, _H = 300, 112
_LEFT, _RIGHT, _TOP, _BOTTOM = 62, 238, 14, 86


def chart_series(comparison: Comparison) -> list[TopicSeries]:
    """The topics the share chart draws, in its order: changes first (rising, falling), then
    the stable ones, then those with too few talks to tell; largest first within each."""
    ordered = sorted(comparison.series, key=lambda s: (_RANK[s.classification], -s.total, s.id))
    return ordered[:MAX_PANELS]


def share_scale(comparison: Comparison) -> float:
    """The top of the shared vertical scale, in percent: the largest share, rounded up to 5."""
    top = max((100 * x.share for s in comparison.series for x in s.shares), default=0.0)
    return max(5.0, 5 * math.ceil(top / 5))


def _xs(comparison: Comparison) -> list[float]:
    """Horizontal position of each edition: its year when every edition has a distinct one."""
    years = [e.year for e in comparison.editions]
    if all(y is not None for y in years) and len(set(years)) == len(years):
        return [float(y) for y in years if y is not None]
    return [float(e) for e in range(len(years))]


def _tooltip(s: TopicSeries) -> str:
    values = ", ".join(f"{x.edition} {100 * x.share:.1f}% ({x.talks})" for x in s.shares)
    return f"{s.label} ({CLASS_NAMES[s.classification]}): {values}"


def share_chart(
    comparison: Comparison, fmt: ChartFormat = "svg", *, links: bool = False
) -> str | bytes:
    """Small multiples of the share of talks per edition; SVG text or PNG bytes.

    With ``links`` (SVG) each topic's line links to ``#series-<id>``.
    """
    import matplotlib  # lazy: matplotlib is slow to import
    from matplotlib.figure import Figure

    colours = series_colours(comparison)
    shown = chart_series(comparison)
    xs = _xs(comparison)
    top = share_scale(comparison)
    cols = max(1, min(3, len(shown)))
    rows = max(1, math.ceil(len(shown) / cols))
    tooltips: dict[str, str] = {}
    with matplotlib.rc_context(chart_rc()):
        fig = Figure(figsize=(3.3 * cols, 2.25 * rows + 0.5))
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        for k, ax in enumerate(axes.flat):
            if k >= len(shown):
                ax.set_axis_off()
                continue
            s = shown[k]
            for other in shown:
                if other.id != s.id:
                    ax.plot(xs, [100 * x.share for x in other.shares], color=_FAINT, lw=0.8)
            ys = [100 * x.share for x in s.shares]
            gid = f"line-{s.id}"
            (line,) = ax.plot(xs, ys, "-o", color=colours[s.id], lw=2.2, ms=4, gid=gid)
            if links:
                line.set_url(f"#series-{s.id}")
            tooltips[gid] = _tooltip(s)
            for i in sorted({0, len(xs) - 1}):
                ax.annotate(
                    f"{ys[i]:.1f}%",
                    (xs[i], ys[i]),
                    xytext=(-5 if i == 0 else 5, 0),
                    textcoords="offset points",
                    ha="right" if i == 0 else "left",
                    va="center",
                    fontsize=8,
                    color="#1c232b",
                )
            ax.set_title(
                f"{short_label(s.label, 30)}\n{CLASS_NAMES[s.classification]}",
                fontsize=8.5,
                loc="left",
            )
            ax.set_ylim(0, top)
            ax.grid(axis="y", color="#e1e5ea", linewidth=0.6)
            pad = 0.3 * ((xs[-1] - xs[0]) or 1.0)
            ax.set_xlim(xs[0] - pad, xs[-1] + pad)
            ax.set_xticks(
                [xs[0], xs[-1]], [comparison.editions[0].label, comparison.editions[-1].label]
            )
        fig.suptitle(
            f"{comparison.name}: share of the edition's talks per topic (%)",
            fontsize=11,
            x=0.02,
            ha="left",
        )
        fig.tight_layout()
        return save_figure(fig, fmt, tooltips)


def _svg_point(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def share_panels(comparison: Comparison) -> list[dict[str, Any]]:
    """One small SVG per topic of :func:`chart_series` for the HTML report.

    Returns:
        Per topic: ``id``, ``label``, ``cls`` (the class as readers see it), ``colour`` and
        ``svg`` (a complete ``<svg>`` element, user text escaped, ``viewBox`` only so that it
        scales to its grid cell).
    """
    colours = series_colours(comparison)
    shown = chart_series(comparison)
    n_ed = len(comparison.editions)
    top = share_scale(comparison)

    def x_of(e: int) -> float:
        return _LEFT + (_RIGHT - _LEFT) * (e / (n_ed - 1) if n_ed > 1 else 0.5)

    def y_of(share: float) -> float:
        return _BOTTOM - (_BOTTOM - _TOP) * min(1.0, 100 * share / top)

    first, last = escape(comparison.editions[0].label), escape(comparison.editions[-1].label)
    panels: list[dict[str, Any]] = []
    for s in shown:
        parts = [
            f'<svg class="panel-chart" viewBox="0 0 {_W} {_H}" role="img" '
            f'aria-label="{escape(_tooltip(s), {chr(34): "&quot;"})}">',
            f"<title>{escape(_tooltip(s))}</title>",
            f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_RIGHT}" y2="{_TOP}" class="grid"/>',
            f'<line x1="{_LEFT}" y1="{_BOTTOM}" x2="{_RIGHT}" y2="{_BOTTOM}" class="axis"/>',
        ]
        for other in shown:
            if other.id != s.id:
                points = " ".join(
                    _svg_point(x_of(e), y_of(x.share)) for e, x in enumerate(other.shares)
                )
                parts.append(f'<polyline points="{points}" class="faint"/>')
        points = " ".join(_svg_point(x_of(e), y_of(x.share)) for e, x in enumerate(s.shares))
        parts.append(f'<polyline points="{points}" class="main" stroke="{colours[s.id]}"/>')
        for e, x in enumerate(s.shares):
            parts.append(
                f'<circle cx="{x_of(e):.1f}" cy="{y_of(x.share):.1f}" r="3.2" '
                f'fill="{colours[s.id]}"/>'
            )
        for e, anchor_side, dx in ((0, "end", -7), (n_ed - 1, "start", 7)):
            x = s.shares[e]
            parts.append(
                f'<text x="{x_of(e) + dx:.1f}" y="{y_of(x.share) + 4:.1f}" class="value" '
                f'text-anchor="{anchor_side}">{100 * x.share:.1f}%</text>'
            )
        parts.append(
            f'<text x="{x_of(0):.1f}" y="{_H - 8}" class="tick" text-anchor="middle">{first}</text>'
        )
        if n_ed > 1:
            parts.append(
                f'<text x="{x_of(n_ed - 1):.1f}" y="{_H - 8}" class="tick" '
                f'text-anchor="middle">{last}</text>'
            )
        parts.append("</svg>")
        panels.append(
            {
                "id": s.id,
                "label": " ".join(s.label.split()),
                "cls": CLASS_NAMES[s.classification],
                "colour": colours[s.id],
                "svg": "".join(parts),
            }
        )
    return panels
