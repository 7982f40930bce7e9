"""Marginal risk: each sweep point minus the baseline point, paired replication by
replication (common random numbers), with paired 95% intervals."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "paired_differences"


def applies(r):
    return r.baseline is not None and "harm_rate" in r.paired


def _along(r):
    numeric = [c for c in r.columns if c.numbers is not None]
    return numeric[-1] if numeric else (r.columns[-1] if r.columns else None)


def draw(r):
    along = _along(r)
    d = r.paired["harm_rate"]
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.62, style.WIDTH * 0.45))
    ax.axhline(0.0, color=style.REFERENCE, linewidth=0.8)
    numeric = along is not None and along.numbers is not None
    for i, (name, members) in enumerate(r.groups(along)):
        idx = np.array([p for p in members if p != r.baseline])
        if idx.size == 0:
            continue
        x = along.numbers[idx] if numeric else np.arange(idx.size)
        ax.errorbar(x, d.mean[idx], yerr=[d.mean[idx] - d.ci_low[idx], d.ci_high[idx] - d.mean[idx]],
                    color=style.colour(i), marker=style.marker(i), capsize=2, elinewidth=0.8,
                    label=name or "difference")
    if numeric:
        ax.set_xlabel(along.path)
        if np.all(along.numbers > 0) and along.numbers.max() / along.numbers.min() > 50:
            ax.set_xscale("log")
    ax.set_ylabel("harm per task, minus baseline")
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
    ax.legend(loc="best")
    fig.tight_layout()
    text = (f"Marginal risk: the harm rate per task at each sweep point minus that of the "
            f"baseline point ({r.point_labels[r.baseline]}), computed replication by replication "
            f"on the same demand (common random numbers); error bars: paired 95% intervals "
            f"(Student t). Above zero the change adds risk, below zero it removes risk.")
    return fig, text
