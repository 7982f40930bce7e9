"""The safety-usefulness frontier of control protocols at the red team's best response:
for each protocol (the sweep's other dimension), the attack probability that minimises
its safety, and there its safety against its usefulness."""

import numpy as np

from . import layout, style

NAME = "control_frontier"


def _attack(r):
    return r.column(lambda p: p.endswith(".attack.probability"))


def applies(r):
    attack = _attack(r)
    return (attack is not None and "safety" in r.metrics and len(r.columns) >= 2
            and np.nanmax(r.metric("attacks_attempted").mean) > 0)


def best_responses(r):
    """(protocol label, point of the best response, attack probabilities tried) per protocol:
    the grid point of least estimated safety among the points that share every other
    dimension (ties: the smaller attack probability)."""
    attack = _attack(r)
    others = [c for c in r.columns if c is not attack]
    groups = {}
    for p in range(r.points):
        groups.setdefault(tuple(c.key(p) for c in others), []).append(p)
    safety = r.metric("safety").mean
    out = []
    for members in groups.values():
        members = sorted(members, key=lambda p: attack.numbers[p])
        best = min(members, key=lambda p: (safety[p], attack.numbers[p]))
        label = ", ".join(c.value_text(members[0]) for c in others)
        out.append((label, best, [attack.numbers[p] for p in members]))
    return out


def draw(r):
    attack = _attack(r)
    safety, useful = r.metric("safety"), r.metric("usefulness")
    rows = best_responses(r)
    fig, axes, side = layout.figure(1, legend=True, panel_width=3.4, panel_height=2.8)
    ax = axes[0]
    handles = []
    for k, (label, p, _) in enumerate(rows):
        colour, marker = style.colour(k), style.marker(k)
        ax.errorbar([useful.mean[p]], [safety.mean[p]],
                    yerr=[[safety.mean[p] - safety.ci_low[p]], [safety.ci_high[p] - safety.mean[p]]],
                    xerr=[[useful.mean[p] - useful.ci_low[p]], [useful.ci_high[p] - useful.mean[p]]],
                    color=colour, marker=marker, linestyle="none", elinewidth=0.8, capsize=0,
                    markersize=5)
        handles.append(style.series_handle(
            colour, marker, f"{label} (worst at attack probability {attack.format(attack.numbers[p])})"))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("usefulness (share of tasks served with a correct output)", fontsize=8)
    ax.set_ylabel("safety at the best response\n(share of episodes without a successful attack)",
                  fontsize=8)
    layout.legend(side, handles, "protocol")
    tried = sorted({x for _, _, xs in rows for x in xs})
    text = (f"Control protocols at the red team's best response: for each protocol, the attack "
            f"probability (of {', '.join(attack.format(x) for x in tried)}) that minimises its "
            f"estimated safety (a grid search under common random numbers, so its precision is "
            f"the grid's spacing), and there the share of episodes in which no attack succeeded "
            f"against the share of tasks served with a correct output. Error bars: 95% confidence "
            f"intervals (exact binomial) on both axes; the minimum over the grid is biased "
            f"slightly low by the noise it picks. A good protocol is high and to the right.")
    return fig, text
