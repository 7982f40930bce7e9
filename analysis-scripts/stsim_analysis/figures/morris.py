"""Which parameters to look at first (a morris sweep): each swept parameter's mean size
of effect mu* (how much the harm rate moves when the parameter crosses its range)
against the spread of its effects sigma (how much that depends on the other
parameters), with 95% bootstrap intervals."""

import math

import numpy as np

from . import layout, style

NAME = "morris"
METRIC = "harm_rate"
MAX_NAMED = 10  # points labelled by name; the rest are numbered in the caption


def applies(r):
    return (r.design == "morris" and r.sensitivity is not None and METRIC in r.sensitivity
            and {"mu_star", "sigma"} <= set(r.sensitivity[METRIC]))


def _scale(top):
    """A power of ten that brings the largest effect to between 1 and 1000 per that many
    tasks, so that the axes read "per 1,000 tasks" rather than with an exponent."""
    if not np.isfinite(top) or top <= 0 or top >= 1:
        return 1
    return int(10 ** max(0, math.ceil(-math.log10(top))))


def draw(r):
    indices = r.sensitivity[METRIC]
    mu, sigma = indices["mu_star"], indices["sigma"]
    names = [layout.parameter_label(r, p) for p in r.sensitivity_dimensions]
    top = np.nanmax(np.concatenate([mu["ci_high"], sigma["ci_high"], mu["mean"], sigma["mean"]]))
    per = _scale(top)
    x, y = mu["mean"] * per, sigma["mean"] * per
    low_x, high_x = mu["ci_low"] * per, mu["ci_high"] * per
    low_y, high_y = sigma["ci_low"] * per, sigma["ci_high"] * per
    top = top * per * 1.1 if np.isfinite(top) and top > 0 else 1.0
    fig, axes, _ = layout.figure(1, panel_width=4.6, panel_height=3.9)
    ax = axes[0]
    # sigma = mu*: along it a parameter's effect depends on the others as much as on it.
    ax.plot([0, top], [0, top], color=style.REFERENCE, linewidth=0.8, linestyle="--")
    ax.text(top * 0.97, top * 0.99, "spread as large as the effect", ha="right", va="top",
            fontsize=6, color=style.REFERENCE)
    ax.errorbar(x, y, xerr=[np.clip(x - low_x, 0, None), np.clip(high_x - x, 0, None)],
                yerr=[np.clip(y - low_y, 0, None), np.clip(high_y - y, 0, None)],
                fmt="none", ecolor="#999999", elinewidth=0.7, capsize=1.5, zorder=1)
    ax.scatter(x, y, s=26, color=style.OKABE_ITO[0], zorder=2)
    # Points are numbered by size of effect and named in a key: clusters stay readable.
    order = np.argsort(-np.nan_to_num(x, nan=-np.inf), kind="stable")
    at_origin = [i for i in order if x[i] == 0 and y[i] == 0]
    numbered = [i for i in order if i not in at_origin][:MAX_NAMED]
    key = []
    for n, i in enumerate(numbered, start=1):
        ax.annotate(str(n), (x[i], y[i]), xytext=(3, 3), textcoords="offset points",
                    fontsize=7, fontweight="bold")
        key.append(f"{n}  {layout.wrap(names[i], 34, 1)}")
    if at_origin:
        key.append(layout.wrap("at 0 (no effect): " + ", ".join(names[i] for i in at_origin),
                               40, 3))
    ax.text(0.03, 0.97, "\n".join(key), transform=ax.transAxes, ha="left", va="top",
            fontsize=6.5, linespacing=1.4)
    unit = "per task" if per == 1 else f"per {per:,} tasks"
    ax.set_xlim(-top * 0.02, top)
    ax.set_ylim(-top * 0.02, top)
    ax.set_xlabel(f"mu*: mean change of harm ({unit}) over the parameter's range")
    ax.set_ylabel(f"sigma: spread of that change ({unit})")
    layout.title(ax, "Which parameters move the harm rate, and whether alone")

    trajectories = int(r.attrs.get("points", 0)) // (len(r.sensitivity_dimensions) + 1)
    unnamed = [i for i in order if i not in numbered and i not in at_origin]
    description = (
        "Morris elementary effects of each swept parameter on the harm rate per task. Across: "
        "mu*, the mean size of the change in harm when the parameter alone moves across its "
        "range (steps of two-thirds of the range, scaled to the whole range); further right "
        "moves harm more. Up: sigma, how much that change varies from one setting of the "
        "other parameters to another; on the dashed line sigma = mu* the effect depends on "
        "the others as much as on the parameter. Parameters at 0 do not move the harm rate "
        f"in these ranges. From a morris design of {trajectories} trajectories with common "
        "random numbers; bars show 95% bootstrap intervals over the trajectories "
        "(docs/sensitivity.md)" +
        (f"; not shown by name: {', '.join(names[i] for i in unnamed)}" if unnamed else "") +
        ".")
    return fig, description
