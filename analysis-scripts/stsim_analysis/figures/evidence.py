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


VERDICTS = {"met": ("o", "full", "claim met: upper bound below the target"),
            "not met": ("X", "full", "claim refuted: lower bound above the target"),
            "undecided": ("o", "none", "undecided: the target lies between the bounds")}


def expected_time(r):
    """The exponential expected time to first harm, from the censored deployments."""
    return r.statistics.get("evidence", {}).get("mean_time_to_first_harm")


def draw_acceptance(ax, r, series, harm):
    """Bounds on the harm rate against the simulated rate, with the target: the test."""
    a = r.acceptance
    tested = np.array([v != "untested" for v in a["verdict"]])
    used = set()
    for s in series:
        for p in s.points:
            if not tested[p] or harm.count[p] == 0:
                continue
            verdict = a["verdict"][p]
            symbol, fill, _ = VERDICTS[verdict]
            used.add(verdict)
            ax.plot([harm.mean[p]] * 2, [a["lower_bound"][p], a["upper_bound"][p]],
                    color=s.colour, linewidth=1.2)
            ax.plot(harm.mean[p], a["upper_bound"][p], linestyle="none", marker=symbol,
                    fillstyle=fill, color=s.colour, markersize=6)
    targets = np.unique(a["target"][tested])
    for t in targets:
        ax.axhline(t, color=style.REFERENCE, linestyle="--", linewidth=1.0)
    confidence = float(np.median(a["confidence"][tested]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("harm rate (harms per task)")
    ax.set_ylabel(f"one-sided {confidence:.0%} bounds\non the harm rate")
    layout.title(ax, "acceptance test: is the harm rate below the red line?")
    handles = [matplotlib.lines.Line2D([], [], color=style.REFERENCE, linestyle="--",
                                       label="red line (harm_rate_target)")]
    for verdict in VERDICTS:
        if verdict in used:
            symbol, fill, text = VERDICTS[verdict]
            handles.append(matplotlib.lines.Line2D([], [], linestyle="none", marker=symbol,
                                                   fillstyle=fill, color=style.REFERENCE,
                                                   markersize=6, label=text))
    return handles, targets, confidence


def draw(r):
    harm = r.metric("harm_rate")
    tasks_per_hour = float(np.median(r.tasks / r.replications)) / r.horizon_hours
    horizon_days = r.horizon_hours / 24.0
    tested = r.acceptance is not None
    fig, axes, side = layout.figure(2 if tested else 1, legend=True, panel_width=4.2 if not tested
                                    else 2.8, panel_height=3.0, columns=2 if tested else 1,
                                    share_y=False)
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
    mean_time = expected_time(r)
    # Every point's marks are gathered and drawn by kind of mark, a few artists in all: a
    # sampled design has a series per point, and an artist per point took tens of seconds.
    marks = {}  # (marker, hollow) -> (x, y, colours)
    bars = ([], [], [], [])  # x, low, high, colours

    def mark(marker, hollow, x, y, colour):
        xs, ys, colours = marks.setdefault((marker, hollow), ([], [], []))
        xs.append(x)
        ys.append(y)
        colours.append(colour)

    for s in series:
        for p in s.points:
            if harm.count[p] == 0:
                continue
            if mean_time is not None and np.isfinite(mean_time.mean[p]):
                y = mean_time.mean[p] / 24.0
                for values, v in zip(bars, (harm.mean[p], mean_time.ci_low[p] / 24.0,
                                            mean_time.ci_high[p] / 24.0, s.colour)):
                    values.append(v)
                mark("D", True, harm.mean[p], y, s.colour)
            m, kind = median_days(r, p)
            if kind == "exact":
                mark(s.marker, False, harm.mean[p], m, s.colour)
            else:
                used.add(kind)
                mark(kinds[kind][0], False, harm.mean[p], m if m is not None else horizon_days,
                     s.colour)
        if s.label is not None:
            handles.append(style.series_handle(s.colour, s.marker, s.label))
    if bars[0]:
        x, low, high, colours = bars
        ax.vlines(x, low, high, colors=colours, linewidth=0.8)
        for end in (low, high):
            ax.scatter(x, end, marker="_", s=12, c=colours, linewidths=0.8)
    # Hollow diamonds over their bars, then the medians (carets where they are bounds).
    for (marker, hollow), (x, y, colours) in sorted(marks.items(), key=lambda m: m[0][0] != "D"):
        size = (3 if marker == "D" else 7 if marker in (6, 7) else 4 if scale is None else 3) ** 2
        if hollow:
            ax.scatter(x, y, marker=marker, s=size, facecolors="white", edgecolors=colours,
                       linewidths=0.8, zorder=3)
        else:
            ax.scatter(x, y, marker=marker, s=size, c=colours, linewidths=0, zorder=3)
    handles += references
    if mean_time is not None:
        handles.append(matplotlib.lines.Line2D(
            [], [], linestyle="none", marker="D", markersize=3, markerfacecolor="white",
            color=style.REFERENCE, label="expected time to first harm, 95% interval "
            "(exponential fit)"))
    for kind in sorted(used):
        symbol, text = kinds[kind]
        handles.append(matplotlib.lines.Line2D([], [], linestyle="none", marker=symbol,
                                               markersize=7, color=style.REFERENCE, label=text))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("harm rate (harms per task)")
    ax.set_ylabel("operating time (days)")
    acceptance_text = ""
    if tested:
        more, targets, confidence = draw_acceptance(axes[1], r, series, harm)
        for t in targets:
            ax.axvline(t, color=style.REFERENCE, linestyle="--", linewidth=1.0)
        handles += more
        free = r.acceptance["failure_free_hours"]
        days = float(np.nanmedian(free)) / 24.0
        verdicts = ", ".join(f"{text}: {sum(1 for v in r.acceptance['verdict'] if v == key)}"
                             for key, text in (("met", "met"), ("not met", "refuted"),
                                               ("undecided", "undecided"))
                             if any(v == key for v in r.acceptance["verdict"]))
        acceptance_text = (
            f" Right: the acceptance test of the red line (dashed, "
            f"{', '.join(f'{t:.3g}' for t in targets)} harms per task, also dashed on the left): "
            f"for each point the one-sided {confidence:.0%} exact bounds on its harm rate "
            f"(Clopper-Pearson on the effective sample), the marker at the upper bound. The "
            f"claim is met when the upper bound is below the red line, refuted when the lower "
            f"bound is above it, undecided otherwise ({verdicts} point(s)). On its own, a claim "
            f"at the red line needs {int(np.median(r.acceptance['failure_free_tasks'])):,} "
            f"failure-free tasks, about {days:,.0f} days at the simulated task rate.")
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
            f"before it has run long enough to earn the claim."
            + (" Diamonds: the expected time to the first harm estimated from every deployment, "
               "censored ones included (total time on test over first harms, exponential), "
               "with its exact chi-square 95% interval; the mean of min(first harm, horizon) "
               "would be biased low." if mean_time is not None else "")
            + acceptance_text)
    return fig, text
