"""Harm per task against the last swept parameter, one curve per combination of the
others: the plain view of any sweep (load, false-alarm rate, test interval...)."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "harm_by_parameter"


def applies(r):
    # Reliability and coupling sweeps have their own figures (flagship, coupling).
    special = r.column(lambda p: p.endswith(".reliability") or ".coupling." in p)
    return len(r.columns) >= 1 and special is None


def draw(r):
    along = r.columns[-1]
    harm = r.metric("harm_rate")
    # A numeric axis only for plain finite numbers; labels, strings and values such as
    # an infinite threshold ("never refuse") are categories in sweep order.
    numeric = (along.numbers is not None and along.labels is None
               and bool(np.all(np.isfinite(along.numbers))))
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.62, style.WIDTH * 0.45), layout="constrained")
    ticks = {}
    any_bound = False
    for i, (name, members) in enumerate(r.groups(along)):
        idx = np.array(members)
        if numeric:
            x = along.numbers[idx]
        else:
            for p in idx:
                ticks.setdefault(along.value_text(p), len(ticks))
            x = np.array([ticks[along.value_text(p)] for p in idx], dtype=float)
        seen = harm.count[idx] > 0
        ax.plot(x[seen], harm.mean[idx][seen], color=style.colour(i), marker=style.marker(i),
                label=name or "simulated")
        style.band(ax, x[seen], harm.ci_low[idx][seen], harm.ci_high[idx][seen], i)
        if np.any(~seen):
            any_bound = True
            ax.plot(x[~seen], harm.upper_bound[idx][~seen], linestyle="none",
                    marker=style.BOUND_MARKER, markersize=7, markerfacecolor="none",
                    markeredgecolor=style.colour(i))
    if any_bound:
        ax.plot([], [], linestyle="none", marker=style.BOUND_MARKER, markersize=7,
                markerfacecolor="none", markeredgecolor=style.REFERENCE, label="no harm seen: 95% upper bound")
    if numeric:
        values = along.numbers
        if np.all(values > 0) and values.max() / values.min() > 50:
            ax.set_xscale("log")
    else:
        ax.set_xticks(list(ticks.values()))
        ax.set_xticklabels(list(ticks.keys()))
    ax.set_yscale("log")
    ax.set_xlabel(along.path)
    ax.set_ylabel("system harm rate (harms per task)")
    ax.legend(loc="best", fontsize=6)
    text = (f"Harm per task against {along.path}, one curve per combination of the other swept "
            f"parameters; bands: 95% confidence intervals (exact binomial). Open carets: no harm "
            f"observed, drawn at the 95% upper bound.")
    return fig, text
