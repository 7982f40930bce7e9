"""Red lines need evidence: the failure-free operating time needed to claim, with 95%
confidence, that the harm rate is below a bound, set beside how long the simulated
deployments actually went before their first harm."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "evidence"
LN20 = -np.log(0.05)


def applies(r):
    # Drawn where most deployments at some point see no harm within the horizon, although
    # harm occurs: the situation in which "it has never happened" is misread as evidence.
    quiet = r.metric("first_harm_probability").mean < 0.5
    return bool(np.any(quiet & (r.metric("harm_rate").count > 0)))


def median_days(r, p):
    """Median time to first harm in days (linear within a bin), or None past the horizon."""
    counts = r.first_harm_counts[p]
    n = counts.sum() + r.first_harm_censored[p]
    cumulative = np.cumsum(counts)
    if cumulative[-1] < n / 2:
        return None
    k = int(np.argmax(cumulative >= n / 2))
    before = cumulative[k - 1] if k > 0 else 0.0
    edges = r.first_harm_edges
    fraction = (n / 2 - before) / counts[k] if counts[k] > 0 else 1.0
    return (edges[k] + fraction * (edges[k + 1] - edges[k])) / 24.0


def draw(r):
    harm = r.metric("harm_rate")
    tasks_per_hour = float(np.median(r.tasks / r.replications)) / r.horizon_hours
    horizon_days = r.horizon_hours / 24.0
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.75, style.WIDTH * 0.55), layout="constrained")
    seen = harm.count > 0
    rates = harm.mean[seen]
    lo = min(rates.min(), LN20 / (tasks_per_hour * 24.0 * horizon_days * 100)) / 3
    hi = max(rates.max(), 1e-2) * 3
    bound = np.geomspace(lo, hi, 200)
    ax.plot(bound, LN20 / (bound * tasks_per_hour) / 24.0, color=style.REFERENCE,
            label="failure-free time needed to claim rate < bound (95%)")
    ax.axhline(horizon_days, color=style.REFERENCE, linestyle=":", linewidth=1.0,
               label=f"one deployment's horizon ({horizon_days:g} days)")
    along = r.columns[-1] if r.columns else None
    beyond = False
    for i, (name, members) in enumerate(r.groups(along)):
        xs, ys, up = [], [], []
        for p in members:
            if harm.count[p] == 0:
                continue
            m = median_days(r, p)
            xs.append(harm.mean[p])
            ys.append(m if m is not None else horizon_days)
            up.append(m is None)
        if not xs:
            continue
        xs, ys, up = map(np.array, (xs, ys, up))
        ax.plot(xs[~up], ys[~up], linestyle="none", color=style.colour(i), marker=style.marker(i),
                label=f"median time to first harm{', ' + name if name else ''}")
        if up.any():
            beyond = True
            ax.plot(xs[up], ys[up], linestyle="none", marker=6, markersize=7, markerfacecolor="none",
                    markeredgecolor=style.colour(i))
    if beyond:
        ax.plot([], [], linestyle="none", marker=6, markersize=7, markerfacecolor="none",
                markeredgecolor=style.REFERENCE, label="median beyond the horizon")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("harm rate (harms per task)")
    ax.set_ylabel("operating time (days)")
    ax.legend(loc="upper right")
    text = (f"Red lines need evidence. Line: the failure-free operation needed to claim with 95% "
            f"confidence that the harm rate is below a bound (x axis), -ln(0.05)/(bound x tasks per hour) "
            f"at {tasks_per_hour:.3g} tasks per hour, "
            f"about 3 / bound tasks. Dotted line: the simulated horizon. Markers (x: the simulated harm rate): each sweep point's median "
            f"time its deployments ran before the first harm. Markers fall below the line by a factor "
            f"of about ln(20)/ln(2) = 4.3: a system whose true rate equals a bound usually fails "
            f"before it has run long enough to earn the claim.")
    return fig, text
