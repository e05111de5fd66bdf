"""Comparison -> its flow chart, as SVG text or PNG bytes (matplotlib), and the chart helpers
and topic colours the compare charts share.

* **Flow diagram** (alluvial): one column per edition, one bar per topic with talks there
  (height = share of the edition's talks; talks in no topic at the bottom, grey), and bands
  between consecutive editions: a topic continuing (joint: always the same topic), splitting,
  merging or sharing vocabulary with another (align).

The share-over-time chart is in :mod:`talktopics.render.compare_shares`.

The figures are drawn with matplotlib's object API (no global pyplot state) and are
deterministic: fixed SVG id salt, no dates in the metadata. In the SVG every bar, band and line
carries a ``<title>`` tooltip, and for the HTML report links to ``#series-<id>``; text
stays text (``svg.fonttype = none``), escaped by matplotlib's XML writer, and no math text is
parsed from labels.
"""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import escape

from talktopics.render.colours import OTHER_COLOUR, label_colours

if TYPE_CHECKING:
    from talktopics.compare.records import Comparison

__all__ = [
    "CHART_NAMES",
    "ChartFormat",
    "chart_rc",
    "flow_chart",
    "save_figure",
    "series_colours",
    "short_label",
]

logger = logging.getLogger(__name__)

ChartFormat = Literal["svg", "png"]
CHART_NAMES = ("flow", "shares")
_GAP = 0.012
"""Vertical gap between two bars of a column, in shares."""
_BAR = 0.16
"""Bar width, in edition columns."""
_LABEL_MIN_SHARE = 0.025
"""Topics are labelled in the flow diagram where their share reaches this."""


def series_colours(comparison: Comparison) -> dict[str, str]:
    """Colour of each series id, from its label as in the digest
    (:func:`~talktopics.render.colours.label_colours`, series in order), and other."""
    picked = label_colours(s.label for s in comparison.series)
    colours = {s.id: colour for s, colour in zip(comparison.series, picked, strict=True)}
    colours["other"] = OTHER_COLOUR
    return colours


def chart_rc() -> Any:
    """matplotlib settings of every compare chart (deterministic SVG, text kept as text)."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "talktopics-compare",
        "text.parse_math": False,
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "path.simplify": False,
    }


def save_figure(fig: Any, fmt: ChartFormat, tooltips: dict[str, str]) -> str | bytes:
    """A figure as SVG text (with a ``<title>`` per group id in ``tooltips``) or PNG bytes."""
    buffer = io.BytesIO()
    if fmt == "svg":
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": "talktopics"},
            bbox_inches="tight",
            pad_inches=0.15,
        )
        svg = buffer.getvalue().decode("utf-8")
        return _add_tooltips(svg, tooltips)
    fig.savefig(
        buffer,
        format="png",
        dpi=150,
        metadata={"Software": "talktopics"},
        bbox_inches="tight",
        pad_inches=0.15,
    )
    return buffer.getvalue()


def _add_tooltips(svg: str, tooltips: dict[str, str]) -> str:
    """Insert a ``<title>`` as the first child of each group whose id has a tooltip."""

    def add(match: re.Match[str]) -> str:
        text = tooltips.get(match.group(2))
        return match.group(0) + (f"\n   <title>{escape(text)}</title>" if text else "")

    return re.sub(r'(<g id="([^"]+)"[^>]*>)', add, svg)


def flow_chart(
    comparison: Comparison, fmt: ChartFormat = "svg", *, links: bool = False
) -> str | bytes:
    """The flow (alluvial) diagram of topics across editions; SVG text or PNG bytes.

    With ``links`` (SVG for the HTML report) each bar links to ``#series-<id>``.
    """
    import matplotlib  # lazy: matplotlib is slow to import
    from matplotlib.figure import Figure

    n_ed = len(comparison.editions)
    colours = series_colours(comparison)
    tooltips: dict[str, str] = {}
    with matplotlib.rc_context(chart_rc()):
        height = min(14.0, max(6.4, 0.16 * len(comparison.series) + 3.5))
        per_edition = 1.5 if n_ed <= 6 else 1.0
        fig = Figure(figsize=(max(6.0, per_edition * n_ed + 2.5), height))
        ax = fig.add_axes((0.02, 0.04, 0.96, 0.88))
        ax.set_axis_off()
        spans = _flow_bars(ax, comparison, colours, tooltips, links=links)
        _flow_bands(ax, comparison, spans, colours, tooltips)
        _flow_labels(ax, comparison, spans)
        for e, info in enumerate(comparison.editions):
            ax.text(e, -0.045, info.label, ha="center", va="bottom", fontsize=10, weight="bold")
            ax.text(
                e,
                -0.012,
                f"{info.talks} talks",
                ha="center",
                va="bottom",
                fontsize=7.5,
                color="#5a6572",
            )
        bottom = max((span[1] for span in spans.values()), default=1.0)
        ax.set_xlim(-1.3, n_ed - 1 + 1.3)
        ax.set_ylim(bottom + 0.01, -0.09)
        fig.suptitle(f"{comparison.name}: topics across editions", fontsize=11, y=0.985)
        return save_figure(fig, fmt, tooltips)


Spans = dict[tuple[str, int], tuple[float, float]]
"""(series id or "other", edition index) -> the top and bottom of its bar, in shares."""


def _flow_bars(
    ax: Any,
    comparison: Comparison,
    colours: dict[str, str],
    tooltips: dict[str, str],
    *,
    links: bool,
) -> Spans:
    """Bars: per edition, series in series order, then "other"; y grows downwards."""
    from matplotlib.patches import Rectangle  # lazy: matplotlib is slow to import

    spans: Spans = {}
    for e, info in enumerate(comparison.editions):
        y = 0.0
        rows = [(s.id, s.label, s.shares[e].share, s.shares[e].talks) for s in comparison.series]
        other = comparison.other[e]
        rows.append(("other", "talks in no topic", other.share, other.talks))
        for sid, name, share, talks in rows:
            if talks == 0:
                continue
            spans[(sid, e)] = (y, y + share)
            gid = f"node-{sid}-{e}"
            rect = Rectangle(
                (e - _BAR / 2, y),
                _BAR,
                share,
                facecolor=colours[sid],
                edgecolor="none",
                gid=gid,
            )
            if links and sid != "other":
                rect.set_url(f"#series-{sid}")
            ax.add_patch(rect)
            tooltips[gid] = f"{name} — {info.label}: {talks} talks ({100 * share:.1f}%)"
            y += share + _GAP
    return spans


def _flow_bands(
    ax: Any,
    comparison: Comparison,
    spans: Spans,
    colours: dict[str, str],
    tooltips: dict[str, str],
) -> None:
    """Bands, stacked at each bar in the order of the bars they lead to / come from."""
    from matplotlib.patches import PathPatch  # lazy: matplotlib is slow to import
    from matplotlib.path import Path as MPath

    order = {s.id: i for i, s in enumerate(comparison.series)}
    out_used: dict[tuple[str, int], float] = {}
    in_used: dict[tuple[str, int], float] = {}
    index = {info.label: e for e, info in enumerate(comparison.editions)}
    flows = sorted(
        comparison.flows,
        key=lambda f: (index[f.source_edition], order[f.source], order[f.target]),
    )
    for f in flows:
        e = index[f.source_edition]
        a, b = spans.get((f.source, e)), spans.get((f.target, e + 1))
        if a is None or b is None:
            continue
        y0a = a[0] + out_used.get((f.source, e), 0.0)
        y0b = b[0] + in_used.get((f.target, e + 1), 0.0)
        out_used[(f.source, e)] = out_used.get((f.source, e), 0.0) + f.source_share
        in_used[(f.target, e + 1)] = in_used.get((f.target, e + 1), 0.0) + f.target_share
        y1a, y1b = y0a + f.source_share, y0b + f.target_share
        xa, xb = e + _BAR / 2, e + 1 - _BAR / 2
        mid = (xa + xb) / 2
        vertices = [
            (xa, y0a),
            (mid, y0a),
            (mid, y0b),
            (xb, y0b),
            (xb, y1b),
            (mid, y1b),
            (mid, y1a),
            (xa, y1a),
            (xa, y0a),
        ]
        codes = [MPath.MOVETO, *[MPath.CURVE4] * 3, MPath.LINETO, *[MPath.CURVE4] * 3]
        codes.append(MPath.CLOSEPOLY)
        colour = colours[f.target if f.kind == "split" else f.source]
        gid = f"flow-{f.source}-{f.target}-{e}"
        ax.add_patch(
            PathPatch(
                MPath(vertices, codes),
                facecolor=colour,
                edgecolor="none",
                alpha=0.45 if f.kind == "continuation" else 0.3,
                gid=gid,
            )
        )
        tooltips[gid] = _flow_tip(comparison, f.source, f.target, f.kind, f.similarity)


def _flow_labels(ax: Any, comparison: Comparison, spans: Spans) -> None:
    """Labels, each topic once: right of its last-edition bar, else left of its
    first-edition bar, else right of its largest bar (over the bands, on a white box)."""
    n_ed = len(comparison.editions)
    last = n_ed - 1
    for s in comparison.series:
        if (s.id, last) in spans:
            e, x, ha = last, last + _BAR / 2 + 0.04, "left"
        elif (s.id, 0) in spans:
            e, x, ha = 0, -_BAR / 2 - 0.04, "right"
        else:
            e = max(range(n_ed), key=lambda k: (s.shares[k].share, k))
            x, ha = e + _BAR / 2 + 0.04, "left"
        if s.shares[e].share < _LABEL_MIN_SHARE:
            continue
        y0, y1 = spans[(s.id, e)]
        ax.text(
            x,
            (y0 + y1) / 2,
            short_label(s.label),
            va="center",
            ha=ha,
            fontsize=7.5,
            color="#1c232b",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )


def _flow_tip(
    comparison: Comparison, source: str, target: str, kind: str, similarity: float | None
) -> str:
    names = {s.id: s.label for s in comparison.series}
    sim = f" (similarity {similarity:.2f})" if similarity is not None else ""
    if source == target:
        return f"{names[source]} continues{sim}"
    return f"{names[source]} → {names[target]}: {kind}{sim}"


def short_label(label: str, limit: int = 28) -> str:
    """A label on one line, cut to ``limit`` characters with an ellipsis."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
