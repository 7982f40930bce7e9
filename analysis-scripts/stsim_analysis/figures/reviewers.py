"""Individual reviewers (an operator pool with `individual = true`): each reviewer's share
of the hazards it reviewed that it caught, and the hazards it passed per replication, with
95% intervals (/reviewers). One careless reviewer stands out beside the others, although
the pool's own catch rate averages it away. With a few sweep points the reviewers are on
the x axis and the points are series; with more, the points are on the x axis and the
reviewers are series."""

import matplotlib.lines
import numpy as np

from . import layout, style

NAME = "reviewers"
MAX_POOLS = 3  # rows of panels
FEW_POINTS = 4


def _individual_pools(r):
    n = r.statistics["reviewers"]["reviews"].n
    return [q for q in range(len(r.pools)) if np.any(n[:, q, :] > 0)]


def applies(r):
    return "reviewers" in r.statistics and bool(_individual_pools(r))


def _present(r, q):
    """The reviewer indices pool q has at some point."""
    n = r.statistics["reviewers"]["reviews"].n
    return [k for k in range(n.shape[2]) if np.any(n[:, q, k] > 0)]


def _error_bars(ax, x, measure, index, colour, marker, label):
    mean = measure.mean[index]
    low, high = measure.ci_low[index], measure.ci_high[index]
    ok = np.isfinite(mean)
    spread = np.vstack([np.where(np.isfinite(low), mean - low, 0.0),
                        np.where(np.isfinite(high), high - mean, 0.0)])
    ax.errorbar(np.asarray(x, dtype=float)[ok], mean[ok], yerr=spread[:, ok], color=colour,
                marker=marker, linestyle="none", capsize=2, markersize=4, label=label)


def _handle(colour, marker, label):
    return matplotlib.lines.Line2D([], [], color=colour, marker=marker, linestyle="none",
                                   label=label)


def _pool_label(r, pool):
    return r.component_labels[r.components.index(pool)] if pool in r.components else pool


def _by_reviewer(r, axes, q, reviewers):
    """Reviewers on the x axis, one series per point (dodged)."""
    stats = r.statistics["reviewers"]
    points = list(range(r.points))
    width = 0.5 / max(1, len(points))
    handles = []
    for j, p in enumerate(points):
        offset = (j - (len(points) - 1) / 2) * width
        x = np.asarray(reviewers, dtype=float) + offset
        colour, marker = style.colour(j), style.marker(j)
        for ax, name in zip(axes, ("catch_rate", "missed")):
            _error_bars(ax, x, stats[name], (p, q, reviewers), colour, marker, None)
        handles.append(_handle(colour, marker, layout.wrap(r.point_text(p), 24, 2)))
    for ax in axes:
        ax.set_xticks(reviewers)
        ax.set_xticklabels([str(k) for k in reviewers])
        ax.set_xlim(min(reviewers) - 0.5, max(reviewers) + 0.5)
        layout.x_label(ax, f"reviewer of {_pool_label(r, r.pools[q])}")
    return handles if len(points) > 1 else []


def _by_point(r, axes, q, reviewers):
    """Points on the x axis, one series per reviewer: at most MAX_SERIES of them, the
    least and the most careful first."""
    stats = r.statistics["reviewers"]
    catches = stats["catch_rate"].mean[:, q, :]
    average = {k: np.nanmean(catches[:, k]) for k in reviewers}
    ranked = sorted(reviewers, key=lambda k: (np.nan_to_num(average[k], nan=2.0), k))
    shown = sorted(ranked if len(ranked) <= layout.MAX_SERIES
                   else ranked[:layout.MAX_SERIES // 2] + ranked[-(layout.MAX_SERIES // 2):])
    numeric = [c for c in r.columns if c.numeric and c.labels is None]
    points = np.arange(r.points)
    if len(r.columns) == 1 and numeric:
        x, xlabel = numeric[0].plot_values(), numeric[0].axis_label()
    else:
        x, xlabel = points.astype(float), "sweep point"
    handles = []
    for j, k in enumerate(shown):
        colour, marker = style.colour(j), style.marker(j)
        for ax, name in zip(axes, ("catch_rate", "missed")):
            _error_bars(ax, x, stats[name], (points, q, k), colour, marker, None)
        handles.append(_handle(colour, marker, f"reviewer {k}"))
    for ax in axes:
        layout.x_label(ax, xlabel)
    return handles, len(shown) < len(reviewers)


def draw(r):
    stats = r.statistics["reviewers"]
    pools = _individual_pools(r)[:MAX_POOLS]
    # One point has no series to tell apart: no legend.
    fig, axes, side = layout.figure(2 * len(pools), legend=r.points > 1, panel_width=2.7,
                                    panel_height=2.3, columns=2, share_x=False, share_y=False)
    handles, some_hidden = [], False
    for row, q in enumerate(pools):
        left, right = axes[2 * row], axes[2 * row + 1]
        reviewers = _present(r, q)
        if r.points <= FEW_POINTS:
            handles = _by_reviewer(r, (left, right), q, reviewers) or handles
        else:
            row_handles, hidden = _by_point(r, (left, right), q, reviewers)
            handles, some_hidden = row_handles, some_hidden or hidden
        left.set_ylim(0.0, 1.02)
        left.set_ylabel("share of hazards reviewed\nthat it caught", fontsize=8)
        right.set_ylim(bottom=0.0)
        right.set_ylabel("hazards it passed\nper replication", fontsize=8)
        if len(pools) > 1:
            layout.title(left, _pool_label(r, r.pools[q]))
    if handles and side is not None:
        layout.legend(side, handles, "sweep point" if r.points <= FEW_POINTS else "reviewer")
    # The caption names the least careful reviewer against the most careful one.
    q = pools[0]
    catches = stats["catch_rate"].mean[:, q, :]
    p, worst = np.unravel_index(np.nanargmin(catches), catches.shape)
    best = int(np.nanargmax(catches[p]))
    missed = stats["missed"].mean[p, q]
    where = f"At {r.point_text(int(p))}, r" if r.points > 1 else "R"
    text = (f"Individual reviewers of {_pool_label(r, r.pools[q])}: left, the share of the "
            f"hazardous outputs each reviewer reviewed that it caught; right, the hazardous "
            f"outputs it passed per replication. Bars: 95% confidence intervals. "
            f"{where}eviewer {worst} catches {catches[p, worst]:.3g} of the "
            f"hazards it sees against {catches[p, best]:.3g} for reviewer {best}, and passes "
            f"{missed[worst]:.3g} hazards per replication against {missed[best]:.3g}.")
    if some_hidden:
        text += (f" Shown: the {layout.MAX_SERIES // 2} reviewers with the lowest and the "
                 f"{layout.MAX_SERIES // 2} with the highest mean catch rate.")
    if len(_individual_pools(r)) > MAX_POOLS:
        text += f" Only the first {MAX_POOLS} individual pools are drawn."
    return fig, text
