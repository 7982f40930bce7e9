"""Red lines need evidence: the failure-free operating time needed to claim, with 95%
confidence, that the harm rate is below a bound, set beside how long the simulated
deployments actually went before their first harm."""

import matplotlib.lines
import numpy as np

from . import layout, style

NAME = "evidence"
LN20 = -np.log(0.05)


def applies(r):
    # Drawn where most deployments at some point see no harm within the horizon, although
    # harm occurs: the situation in which "it has never happened" is misread as evidence.
    quiet = r.metric("first_harm_probability").mean < 0.5
    return bool(np.any(quiet & (r.metric("harm_rate").count > 0)))


def median_days(r, p):
    """Median time to first harm in days, or (None, reason).

    Survival is taken as exponential within a bin (a constant hazard there), which is
    exact for a constant harm rate; "early" when every deployment had harmed within the
    bin where the median falls (it is below that bin's end), "late" past the horizon.
    """
    counts = r.first_harm_counts[p]
    n = counts.sum() + r.first_harm_censored[p]
    survival = 1.0 - np.concatenate([[0.0], np.cumsum(counts)]) / n
    edges = r.first_harm_edges
    k = int(np.argmax(survival <= 0.5)) if np.any(survival <= 0.5) else -1
    if k < 0:
        return None, "late"
    s0, s1 = survival[k - 1], survival[k]
    if s1 <= 0.0:
        return edges[k] / 24.0, "early"
    t = edges[k - 1] + (edges[k] - edges[k - 1]) * np.log(s0 / 0.5) / np.log(s0 / s1)
    return t / 24.0, "exact"


def draw(r):
    harm = r.metric("harm_rate")
    tasks_per_hour = float(np.median(r.tasks / r.replications)) / r.horizon_hours
    horizon_days = r.horizon_hours / 24.0
    fig, axes, side = layout.figure(1, legend=True, panel_width=4.2, panel_height=3.0)
    ax = axes[0]
    seen = harm.count > 0
    rates = harm.mean[seen]
    # From the rate whose claim needs ten horizons of failure-free operation up.
    lo = min(rates.min(), LN20 / (tasks_per_hour * 24.0 * horizon_days * 10)) / 2
    hi = rates.max() * 2
    bound = np.geomspace(lo, hi, 200)
    references = [ax.plot(bound, LN20 / (bound * tasks_per_hour) / 24.0, color=style.REFERENCE,
                          label="failure-free time needed to claim rate < bound (95%)")[0],
                  ax.axhline(horizon_days, color=style.REFERENCE, linestyle=":", linewidth=1.0,
                             label=f"one deployment's horizon ({horizon_days:g} days)")]
    handles = []
    # One colour per value of a swept parameter when the points fit a legend, else a
    # colour scale over the parameter most associated with the harm rate.
    grid = layout.lines(r, None)
    scale = None
    if grid is None or grid.facets or grid.colour_scale is not None:
        by = layout.most_associated(r, np.log(np.where(seen, harm.mean, np.nan)))
        scale = layout.colour_scale(by) if by is not None else None
        series = layout.sampled_series(r, by, scale)
    else:
        by, series = grid.by, grid.panels[0].series
    kinds = {"late": (6, "median beyond the horizon"), "early": (7, "median within the first bin (at most)")}
    used = set()
    for s in series:
        drawn = {"exact": ([], []), "late": ([], []), "early": ([], [])}
        for p in s.points:
            if harm.count[p] == 0:
                continue
            m, kind = median_days(r, p)
            drawn[kind][0].append(harm.mean[p])
            drawn[kind][1].append(m if m is not None else horizon_days)
        ax.plot(*drawn["exact"], linestyle="none", color=s.colour, marker=s.marker,
                markersize=4 if scale is None else 3)
        if s.label is not None:
            handles.append(style.series_handle(s.colour, s.marker, s.label))
        for kind, (symbol, _) in kinds.items():
            if drawn[kind][0]:
                used.add(kind)
                ax.plot(*drawn[kind], linestyle="none", marker=symbol, markersize=7,
                        markerfacecolor="none", markeredgecolor=s.colour)
    handles += references
    for kind in sorted(used):
        symbol, text = kinds[kind]
        handles.append(matplotlib.lines.Line2D([], [], linestyle="none", marker=symbol,
                                               markersize=7, markerfacecolor="none",
                                               markeredgecolor=style.REFERENCE, label=text))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("harm rate (harms per task)")
    ax.set_ylabel("operating time (days)")
    if scale is not None:
        layout.colour_bar(fig, side, scale, by.axis_label())
    title = f"median time to first harm, by {by.label}" if by is not None and scale is None \
        else None
    layout.legend(side, handles, title, below=scale is not None)
    markers = ("median time to first harm of each sweep point" + (
        f", coloured by {by.label}" if by is not None else ""))
    text = (f"Red lines need evidence. Line: the failure-free operation needed to claim with 95% "
            f"confidence that the harm rate is below a bound (x axis), -ln(0.05)/(bound x tasks per hour) "
            f"at {tasks_per_hour:.3g} tasks per hour, "
            f"about 3 / bound tasks. Dotted line: the simulated horizon. Markers (x: the simulated "
            f"harm rate): the {markers}, the time its deployments ran before the first harm. "
            f"Markers fall below the line by a factor "
            f"of about ln(20)/ln(2) = 4.3 (medians from the binned first-harm times, assuming a constant "
            f"hazard within a bin): a system whose true rate equals a bound usually fails "
            f"before it has run long enough to earn the claim.")
    return fig, text
