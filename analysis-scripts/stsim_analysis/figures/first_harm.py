"""Time to first harm: the share of deployments still free of harm against time
(an empirical survival curve; replications without harm are censored at the horizon)."""

import numpy as np

from . import layout
from .timeseries import describe, finish, series_layout

Z = 1.959963984540054
NAME = "time_to_first_harm"


def applies(r):
    return r.first_harm_counts.shape[1] >= 1 and r.harm_seen


def wilson(k, n):
    """95% Wilson interval of a proportion k/n (numpy only)."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def draw(r):
    days = r.first_harm_edges / 24.0
    deployments = r.first_harm_counts.sum(axis=1) + r.first_harm_censored
    grid, pooled = series_layout(r, r.first_harm_counts.sum(axis=1) / deployments)
    fig, axes, side = layout.figure(len(grid.panels), legend=True)
    for ax, panel in zip(axes, grid.panels):
        for s in panel.series:
            # Deployments of every point of the series together (one point unless pooled).
            counts = r.first_harm_counts[s.points].sum(axis=0)
            n = deployments[s.points].sum()
            free = n - np.concatenate([[0.0], np.cumsum(counts)])
            low, high = wilson(free, n)
            ax.step(days, free / n, where="post", color=s.colour)
            ax.fill_between(days, low, high, step="post", color=s.colour, alpha=0.15, linewidth=0)
        ax.set_ylim(0, 1.02)
        if panel.title:
            layout.title(ax, panel.title)
    finish(fig, side, grid, "time since deployment (days)", "share of deployments\nwithout harm yet",
           markers=False)
    text = (f"Time to first harm: the share of simulated deployments (replications) that have "
            f"not yet caused any harm, against time since deployment, {describe(grid, pooled)}; "
            f"bands are 95% Wilson intervals of that share. Where a curve ends above zero, that "
            f"share of deployments ran the whole horizon without harm (censored), although their "
            f"harm rate is not zero.")
    return fig, text
