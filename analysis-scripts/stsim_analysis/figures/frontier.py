"""The refusal/defence frontier: harm per task against the share of benign tasks that lost
their service (refused, blocked by a false alarm, dropped from a queue)."""

import numpy as np

from . import layout, style

NAME = "frontier"


def _along(r):
    threshold = r.column(lambda p: "threshold" in p)
    if threshold is not None:
        return threshold
    numeric = [c for c in r.columns if c.numeric]
    return numeric[-1] if numeric else (r.columns[-1] if r.columns else None)


def applies(r):
    # Where a refusal policy or a false-alarm rate trades utility for safety.
    traded = r.column(lambda p: "threshold" in p or "false_alarm" in p) is not None
    refusing = np.nanmax(r.metric("refused_benign_share").mean) > 0
    return (traded or refusing) and np.nanmax(r.metric("benign_lost_share").mean) > 0


def _points(ax, r, idx, colour, marker, line=True):
    """Harm against utility lost at points idx, with intervals on both axes; returns
    whether a zero-harm bound was drawn."""
    lost, harm = r.metric("benign_lost_share"), r.metric("harm_rate")
    idx = np.asarray(idx, dtype=int)
    x = lost.mean[idx]
    seen = harm.count[idx] > 0
    y = np.where(seen, harm.mean[idx], harm.upper_bound[idx])
    if line:
        ax.plot(x, y, color=colour, linewidth=1.0, alpha=0.6)
    ax.errorbar(x[seen], harm.mean[idx][seen],
                yerr=[harm.mean[idx][seen] - harm.ci_low[idx][seen],
                      harm.ci_high[idx][seen] - harm.mean[idx][seen]],
                xerr=[x[seen] - lost.ci_low[idx][seen], lost.ci_high[idx][seen] - x[seen]],
                color=colour, marker=marker, linestyle="none", elinewidth=0.8, capsize=0,
                markersize=4 if line else 3)
    if np.any(~seen):
        ax.plot(x[~seen], y[~seen], linestyle="none", marker=style.BOUND_MARKER, markersize=7,
                markerfacecolor="none", markeredgecolor=colour)
    return bool(np.any(~seen))


def draw(r):
    along = _along(r)
    grid = layout.lines(r, along)
    sampled = grid is None
    if sampled:
        harm = r.metric("harm_rate")
        by = layout.most_associated(r, np.log(np.where(harm.count > 0, harm.mean, np.nan)))
        scale = layout.colour_scale(by) if by is not None else None
        panels = [layout.Panel("", layout.sampled_series(r, by, scale))]
        grid = layout.Lines(along=None, by=by, facets=[], panels=panels,
                            colour_scale=(scale, by) if scale else None)
    fig, axes, side = layout.figure(len(grid.panels), legend=True, panel_width=2.6,
                                    panel_height=2.2)
    any_bound = False
    lost, harm = r.metric("benign_lost_share"), r.metric("harm_rate")
    y_of = np.where(harm.count > 0, harm.mean, harm.upper_bound)
    for ax, panel in zip(axes, grid.panels):
        for s in panel.series:
            any_bound |= _points(ax, r, s.points, s.colour, s.marker, line=not sampled)
        ax.set_yscale("log")
        ax.set_xlim(left=0)
        if not sampled and along is not None and panel.series:
            # Which way the line runs: its two ends named by their value of `along`.
            first = panel.series[0].points
            lines = [np.column_stack([lost.mean[s.points], y_of[s.points]])
                     for s in panel.series]
            for p in (first[0], first[-1]) if len(first) > 1 else ():
                layout.label_clear_of(ax, layout.wrap(along.text(p), 22, 2),
                                      (lost.mean[p], y_of[p]), lines, fontsize=6,
                                      color=style.REFERENCE)
        if panel.title:
            layout.title(ax, panel.title)
    fig.supxlabel("benign utility lost (share of benign tasks refused or stopped)", fontsize=8)
    fig.supylabel("system harm rate (harms per task)", fontsize=8)
    layout.key(fig, side, grid, [style.bound_handle()] if any_bound else [])
    if sampled:
        how = (f"one marker per sampled point, coloured by {grid.by.label}, the swept parameter "
               f"most associated with the harm rate" if grid.by is not None else
               "one marker per sampled point")
    else:
        moved = f"moving along {along.label}" if along is not None else "one point per design"
        how = f"{moved}; {grid.describe('series')}"
    text = (f"Harm per task against benign utility lost, {how}. Error bars: 95% confidence "
            f"intervals (exact binomial) on both axes. A good design is low and to the left: it "
            f"stops harm without refusing or blocking legitimate users.")
    return fig, text
