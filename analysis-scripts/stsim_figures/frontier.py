"""The refusal/defence frontier: harm per task against the share of benign tasks that lost
their service (refused, blocked by a false alarm, dropped from a queue)."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "frontier"


def _along(r):
    threshold = r.column(lambda p: "threshold" in p)
    if threshold is not None:
        return threshold
    numeric = [c for c in r.columns if c.numbers is not None]
    return numeric[-1] if numeric else (r.columns[-1] if r.columns else None)


def applies(r):
    # Where a refusal policy or a false-alarm rate trades utility for safety.
    traded = r.column(lambda p: "threshold" in p or "false_alarm" in p) is not None
    refusing = np.nanmax(r.metric("refused_benign_share").mean) > 0
    return (traded or refusing) and np.nanmax(r.metric("benign_lost_share").mean) > 0


def draw(r):
    along = _along(r)
    lost, harm = r.metric("benign_lost_share"), r.metric("harm_rate")
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.62, style.WIDTH * 0.45))
    any_bound = False
    for i, (name, members) in enumerate(r.groups(along)):
        idx = np.array(members)
        x = lost.mean[idx]
        seen = harm.count[idx] > 0
        y = np.where(seen, harm.mean[idx], harm.upper_bound[idx])
        ax.plot(x, y, color=style.colour(i), linewidth=1.0, alpha=0.6)
        ax.errorbar(x[seen], harm.mean[idx][seen],
                    yerr=[harm.mean[idx][seen] - harm.ci_low[idx][seen],
                          harm.ci_high[idx][seen] - harm.mean[idx][seen]],
                    xerr=[x[seen] - lost.ci_low[idx][seen], lost.ci_high[idx][seen] - x[seen]],
                    color=style.colour(i), marker=style.marker(i), linestyle="none",
                    elinewidth=0.8, capsize=0, label=name or "simulated")
        if np.any(~seen):
            any_bound = True
            ax.plot(x[~seen], y[~seen], linestyle="none", marker=style.BOUND_MARKER, markersize=7,
                    markerfacecolor="none", markeredgecolor=style.colour(i))
    if any_bound:
        ax.plot([], [], linestyle="none", marker=style.BOUND_MARKER, markersize=7,
                markerfacecolor="none", markeredgecolor=style.REFERENCE, label="no harm seen: 95% upper bound")
    ax.set_yscale("log")
    ax.set_xlim(left=0)
    ax.set_xlabel("benign utility lost (share of benign tasks refused or stopped)")
    ax.set_ylabel("system harm rate (harms per task)")
    ax.legend(loc="best")
    fig.tight_layout()
    moved = along.path if along is not None else "the sweep"
    text = (f"Harm per task against benign utility lost, moving along {moved}; one series per "
            f"combination of the other swept parameters. Error bars: 95% confidence intervals "
            f"(exact binomial) on both axes. A good design is low and to the left: it stops harm "
            f"without refusing or blocking legitimate users.")
    return fig, text
