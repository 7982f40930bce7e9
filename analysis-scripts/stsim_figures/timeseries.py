"""Harm over time: mean harms per day in each time bin, across replications."""

import numpy as np

from . import results, small_multiples, style

NAME = "harm_over_time"


def applies(r):
    return r.harms_mean.shape[1] >= 2


def draw(r):
    groups = results.panels(r)
    fig, axes = small_multiples.grid(len(groups))
    edges = r.timeseries_edges
    days = np.diff(edges) / 24.0
    centres = (edges[:-1] + edges[1:]) / 2 / 24.0
    for ax, (title, lines) in zip(axes, groups):
        for i, (label, p) in enumerate(lines):
            rate = r.harms_mean[p] / days
            se = r.harms_stderr[p] / days
            positive = rate > 0
            y = np.where(positive, rate, np.nan)
            ax.plot(centres, y, color=style.colour(i), marker=style.marker(i), markersize=2.5,
                    label=label)
            style.band(ax, centres, np.where(positive, rate - 1.96 * se, np.nan),
                       np.where(positive, rate + 1.96 * se, np.nan), i)
        ax.set_yscale("log")
        if title:
            ax.set_title(title)
    fig.supxlabel("time since deployment (days)", fontsize=8)
    fig.supylabel("harms per day", fontsize=8)
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0),
                    title=r.columns[-1].path if r.columns else None)
    text = ("Harm over time: mean harms per day per deployment in each time bin, averaged over "
            "replications; bands are +-1.96 standard errors across replications. Bins with no "
            "harm in any replication are left out (gaps). A rising curve is drift: protection "
            "eroding while nothing goes wrong.")
    return fig, text
