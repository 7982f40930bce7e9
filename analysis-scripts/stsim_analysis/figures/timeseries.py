"""Harm over time: mean harms per day in each time bin, across replications."""

import numpy as np

from . import layout, style

NAME = "harm_over_time"


def applies(r):
    return r.harms_mean.shape[1] >= 2 and r.harm_seen


def series_layout(r, quantity):
    """The lines of a figure over time: in panels with a legend where the sweep fits
    (layout.lines), else pooled in groups of the swept parameter most associated with
    `quantity` (one value per point). Returns (layout, whether points are pooled)."""
    grid = layout.lines(r, None)
    if grid is not None and grid.colour_scale is None:
        return grid, False
    return layout.pooled_lines(r, quantity), True


def finish(fig, side, grid, xlabel, ylabel, markers=True):
    """Axis labels, then the legend or colour bar naming what tells the lines apart."""
    fig.supxlabel(xlabel, fontsize=8)
    fig.supylabel(ylabel, fontsize=8)
    layout.key(fig, side, grid, markers=markers)


def describe(grid, pooled):
    if pooled:
        return (f"points pooled in groups of {grid.by.label} (the swept parameter most "
                f"associated with harm), one line per group" if grid.by is not None
                else "all points pooled")
    return grid.describe("line")


def draw(r):
    edges = r.timeseries_edges
    days = np.diff(edges) / 24.0
    centres = (edges[:-1] + edges[1:]) / 2 / 24.0
    total = np.nansum(r.harms_mean, axis=1)
    grid, pooled = series_layout(r, np.log(np.where(total > 0, total, np.nan)))
    fig, axes, side = layout.figure(len(grid.panels), legend=True)
    for ax, panel in zip(axes, grid.panels):
        for s in panel.series:
            # The mean over the series' points (one point unless pooled) of their means
            # per replication; their standard errors combine as independent estimates.
            rate = r.harms_mean[s.points].mean(axis=0) / days
            se = np.sqrt((r.harms_stderr[s.points] ** 2).sum(axis=0)) / len(s.points) / days
            positive = rate > 0
            ax.plot(centres, np.where(positive, rate, np.nan), color=s.colour, marker=s.marker,
                    markersize=2.5)
            style.band(ax, centres, np.where(positive, rate - 1.96 * se, np.nan),
                       np.where(positive, rate + 1.96 * se, np.nan), s.colour)
        ax.set_yscale("log")
        if panel.title:
            layout.title(ax, panel.title)
    finish(fig, side, grid, "time since deployment (days)", "harms per day")
    text = (f"Harm over time: mean harms per day per deployment in each time bin, averaged over "
            f"replications, {describe(grid, pooled)}; bands are +-1.96 standard errors across "
            f"replications. Bins with no harm in any replication are left out (gaps). A rising "
            f"curve is drift: protection eroding while nothing goes wrong.")
    return fig, text
