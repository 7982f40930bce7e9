"""The safety-usefulness frontier of control protocols at the red team's best response,
from the /worst_case search (docs/output.md, "Worst case"): left, each protocol's
searched metric against the attack probability, every evaluation of the search; right,
each protocol's safety at its arg-min against its usefulness at its sweep point (the
scenario's own attack probability: in ai-control.toml 0, the model not attacking, as the
control literature measures usefulness)."""

import numpy as np

from . import layout, style

NAME = "control_frontier"


def applies(r):
    return r.worst_case is not None and "usefulness" in r.metrics


def draw(r):
    wc = r.worst_case
    attrs = wc["attrs"]
    metric = attrs["metric"]
    searches = len(wc["label"])
    fig, axes, side = layout.figure(2, legend=True, panel_width=3.0, panel_height=2.8,
                                    share_x=False, share_y=True)
    curve, frontier = axes
    evaluations = wc["evaluations"]
    useful = r.metric("usefulness")
    handles = []
    for s in range(searches):
        colour, marker = style.colour(s), style.marker(s)
        mine = evaluations["search"] == s
        order = np.argsort(evaluations["value"][mine])
        x = evaluations["value"][mine][order]
        y = evaluations["mean"][mine][order]
        curve.plot(x, y, color=colour, linewidth=0.9, marker=".", markersize=3)
        curve.plot([wc["argmin"][s]], [wc["minimum"][s]], color=colour, marker=marker,
                   markersize=5, linestyle="none")
        p = int(wc["point"][s])
        frontier.errorbar([useful.mean[p]], [wc["minimum"][s]],
                          yerr=[[wc["minimum"][s] - wc["ci_low"][s]],
                                [wc["ci_high"][s] - wc["minimum"][s]]],
                          xerr=[[useful.mean[p] - useful.ci_low[p]],
                                [useful.ci_high[p] - useful.mean[p]]],
                          color=colour, marker=marker, linestyle="none", elinewidth=0.8,
                          capsize=0, markersize=5)
        handles.append(style.series_handle(
            colour, marker, f"{wc['label'][s]} (worst at {wc['argmin'][s]:.3g})"))
    if attrs.get("scale") == "log":
        curve.set_xscale("log")
    parameter = layout.parameter_label(r, attrs["parameter"])
    curve.set_xlabel(parameter, fontsize=8)
    curve.set_ylabel(f"{metric} (share of episodes\nwithout a successful attack)"
                     if metric == "safety" else metric, fontsize=8)
    curve.set_ylim(-0.02, 1.02)
    frontier.set_xlabel("usefulness, the model not attacking\n(tasks served with a correct output)",
                        fontsize=8)
    layout.legend(side, handles, "protocol (arg-min)")
    text = (f"Control protocols at the red team's best response. Left: each protocol's {metric} "
            f"against {parameter}, every evaluation of the search (a grid of {attrs['grid']} "
            f"values on a {attrs['scale']} scale over [{attrs['low']:g}, {attrs['high']:g}], then "
            f"golden-section refinement to {attrs['tolerance']:g} of the range), all on the same "
            f"{attrs['replications']} episodes with common random numbers; the larger marker is "
            f"the arg-min. Right: {metric} at the arg-min against usefulness at the protocol's sweep "
            f"point (the scenario's own attack probability), with 95% "
            f"intervals (exact binomial) on both axes; a good protocol is high and to the right. "
            f"The minimum of estimates is biased slightly low by the noise it picks.")
    return fig, text
