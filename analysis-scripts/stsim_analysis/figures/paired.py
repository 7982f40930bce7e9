"""Marginal risk: each sweep point minus the baseline point, paired replication by
replication (common random numbers), with paired 95% intervals."""

import numpy as np

from . import layout, style
from .sweep import x_axis

NAME = "paired_differences"


def applies(r):
    return r.baseline is not None and "harm_rate" in r.paired


def _along(r):
    numeric = [c for c in r.columns if c.numeric and len(c.distinct()) > 1]
    if numeric:
        return max(numeric, key=lambda c: len(c.distinct()))
    return r.columns[-1] if r.columns else None


def draw(r):
    along = _along(r)
    d = r.paired["harm_rate"]
    grid = layout.lines(r, along)
    if grid is None:
        # Too many combinations for lines: every point against the baseline, in sweep order.
        others = [p for p in range(r.points) if p != r.baseline]
        grid = layout.Lines(along=None, by=None, facets=[],
                            panels=[layout.Panel("", [layout.Series(None, style.colour(0), "o",
                                                                    others)])])
        along = None
    fig, axes, side = layout.figure(len(grid.panels), legend=True, panel_width=2.6,
                                    panel_height=2.2)
    for ax, panel in zip(axes, grid.panels):
        ax.axhline(0.0, color=style.REFERENCE, linewidth=0.8)
        series = [(s, [p for p in s.points if p != r.baseline]) for s in panel.series]
        if along is not None:
            position = x_axis(ax, along, [members for _, members in series])
        else:
            position = {p: k for k, p in enumerate(series[0][1])}.get
        for s, members in series:
            if not members:
                continue
            x = np.array([position(p) for p in members], dtype=float)
            ax.errorbar(x, d.mean[members], yerr=[d.mean[members] - d.ci_low[members],
                                                  d.ci_high[members] - d.mean[members]],
                        color=s.colour, marker=s.marker, capsize=2, elinewidth=0.8)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        if panel.title:
            layout.title(ax, panel.title)
    fig.supxlabel(along.axis_label() if along is not None else "sweep point", fontsize=8)
    fig.supylabel("harm per task, minus baseline", fontsize=8)
    layout.key(fig, side, grid)
    text = (f"Marginal risk: the harm rate per task at each sweep point minus that of the "
            f"baseline point ({r.point_labels[r.baseline]}), computed replication by replication "
            f"on the same demand (common random numbers); error bars: paired 95% intervals "
            f"(Student t). Above zero the change adds risk, below zero it removes risk.")
    return fig, text
