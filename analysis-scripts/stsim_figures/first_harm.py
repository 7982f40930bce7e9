"""Time to first harm: the share of deployments still free of harm against time
(an empirical survival curve; replications without harm are censored at the horizon)."""

import numpy as np

from . import results, small_multiples, style

Z = 1.959963984540054
NAME = "time_to_first_harm"


def applies(r):
    return r.first_harm_counts.shape[1] >= 1


def wilson(k, n):
    """95% Wilson interval of a proportion k/n (numpy only)."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def draw(r):
    groups = results.panels(r)
    fig, axes = small_multiples.grid(len(groups))
    days = r.first_harm_edges / 24.0
    for ax, (title, lines) in zip(axes, groups):
        for i, (label, p) in enumerate(lines):
            n = r.first_harm_counts[p].sum() + r.first_harm_censored[p]
            free = n - np.concatenate([[0.0], np.cumsum(r.first_harm_counts[p])])
            share = free / n
            low, high = wilson(free, n)
            ax.step(days, share, where="post", color=style.colour(i), label=label)
            ax.fill_between(days, low, high, step="post", color=style.colour(i), alpha=0.15,
                            linewidth=0)
        ax.set_ylim(0, 1.02)
        if title:
            ax.set_title(title)
    fig.supxlabel("time since deployment (days)", fontsize=8)
    fig.supylabel("share of deployments\nwithout harm yet", fontsize=8)
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0),
                    title=r.columns[-1].path if r.columns else None)
    text = ("Time to first harm: the share of simulated deployments (replications) that have "
            "not yet caused any harm, against time since deployment; bands are 95% Wilson "
            "intervals of that share. Where a curve ends above zero, that share of deployments "
            "ran the whole horizon without harm (censored), although their harm rate is not zero.")
    return fig, text
