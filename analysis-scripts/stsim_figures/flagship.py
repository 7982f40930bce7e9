"""The flagship figure: the system's harm rate against the model's error rate, per task,
on log scales, one curve per system design, beside the line harm = model error."""

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from . import style

NAME = "flagship"


def _reliability_column(r):
    return r.column(lambda p: p.endswith(".reliability") or ".reliability_by_context." in p)


def applies(r):
    column = _reliability_column(r)
    return (column is not None and column.numbers is not None
            and len(set(column.numbers.tolist())) >= 2
            and np.any(r.metric("model_error_rate").mean > 0))


def draw(r):
    along = _reliability_column(r)
    err, harm = r.metric("model_error_rate"), r.metric("harm_rate")
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.62, style.WIDTH * 0.55))
    lows, highs = [], []
    any_bound = False
    for i, (name, members) in enumerate(r.groups(along)):
        idx = np.array([p for p in members if err.mean[p] > 0])
        if idx.size == 0:
            continue
        x = err.mean[idx]
        seen = harm.count[idx] > 0
        label = name or "simulated"
        ax.plot(x[seen], harm.mean[idx][seen], color=style.colour(i), marker=style.marker(i),
                label=label)
        style.band(ax, x[seen], harm.ci_low[idx][seen], harm.ci_high[idx][seen], i)
        if np.any(~seen):
            any_bound = True
            ax.plot(x[~seen], harm.upper_bound[idx][~seen], linestyle="none",
                    marker=style.BOUND_MARKER, markersize=7, markerfacecolor="none",
                    markeredgecolor=style.colour(i), label="_nolegend_" if seen.any() else label)
        lows += [x.min(), np.nanmin(np.where(seen, harm.ci_low[idx], harm.upper_bound[idx]))]
        highs += [x.max(), np.nanmax(np.where(seen, harm.ci_high[idx], harm.upper_bound[idx]))]
    positive = [v for v in lows if v > 0]
    lo = min(positive) / 2 if positive else 1e-6
    hi = max(highs) * 2
    ax.plot([lo, hi], [lo, hi], linestyle="--", color=style.REFERENCE, linewidth=1.0,
            label="harm rate = model error rate")
    if any_bound:
        ax.plot([], [], linestyle="none", marker=style.BOUND_MARKER, markersize=7,
                markerfacecolor="none", markeredgecolor=style.REFERENCE, label="no harm seen: 95% upper bound")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    # The same axis read as reliability, which is how models are advertised.
    top = ax.secondary_xaxis("top")
    ticks = [t for t in (0.5, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7) if lo <= t <= hi]
    top.set_xticks(ticks)
    top.set_xticklabels([f"{1.0 - t:.7g}" for t in ticks])
    top.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    top.set_xlabel("model reliability (1 - error rate)")
    ax.set_xlabel("model error rate (wrong outputs per task)")
    ax.set_ylabel("system harm rate (harms per task)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    text = (f"System harm rate per task against the model's error rate per task ({along.path} swept), "
            f"one curve per {_series_name(r, along)}. Bands: 95% confidence intervals of the harm rate "
            f"(exact binomial, on the effective sample where harms cluster within replications). Dashed line: harm rate equal to the model error rate; a curve below it "
            f"means the system stops or absorbs errors, above it means harm the model's errors do not "
            f"explain (misuse, operators). Open carets: no harm observed at that point, drawn at the "
            f"95% upper bound.")
    return fig, text


def _series_name(r, along):
    """The swept dimensions the curves stand for, with their labels where they have them."""
    others = []
    for c in r.columns:
        if c is along:
            continue
        if c.labels is not None:
            others.append(f"{c.path} ({', '.join(dict.fromkeys(c.labels))})")
        else:
            others.append(c.path)
    return " x ".join(others) if others else "scenario"
