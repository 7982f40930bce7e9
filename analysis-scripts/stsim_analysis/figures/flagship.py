"""The flagship figure: the system's harm rate against the model's error rate, per task,
on log scales, one curve per system design, beside the line harm = model error."""

import matplotlib.lines
import matplotlib.ticker
import numpy as np

from . import layout, style

NAME = "flagship"


def _reliability_column(r):
    return r.column(lambda p: p.endswith(".reliability") or ".reliability_by_context." in p)


def applies(r):
    column = _reliability_column(r)
    return (column is not None and column.numeric
            and len(set(column.numbers.tolist())) >= 2
            and np.any(r.metric("model_error_rate").mean > 0))


def _limits(r, points, intervals=True):
    """Equal limits for both axes, spanning every value drawn (intervals too, if drawn)."""
    err, harm = r.metric("model_error_rate"), r.metric("harm_rate")
    idx = np.array([p for p in points if err.mean[p] > 0])
    seen = harm.count[idx] > 0
    low = harm.ci_low[idx] if intervals else harm.mean[idx]
    high = harm.ci_high[idx] if intervals else harm.mean[idx]
    values = np.concatenate([err.mean[idx], np.where(seen, low, harm.upper_bound[idx]),
                             np.where(seen, high, harm.upper_bound[idx])])
    values = values[np.isfinite(values) & (values > 0)]
    return (values.min() / 2, values.max() * 2) if values.size else (1e-6, 1.0)


def _axes(ax, lo, hi, top_axis):
    ax.plot([lo, hi], [lo, hi], linestyle="--", color=style.REFERENCE, linewidth=1.0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    if top_axis:
        # The same axis read as reliability, which is how models are advertised.
        top = ax.secondary_xaxis("top")
        ticks = [t for t in (0.5, 0.1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7) if lo <= t <= hi]
        top.set_xticks(ticks)
        top.set_xticklabels([f"{1.0 - t:.7g}" for t in ticks])
        top.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        top.set_xlabel("model reliability (1 - error rate)")


def _reference_handle():
    return matplotlib.lines.Line2D([], [], linestyle="--", color=style.REFERENCE, linewidth=1.0,
                                   label="harm rate = model error rate")


def draw(r):
    along = _reliability_column(r)
    grid = layout.lines(r, along)
    if grid is None:
        return _scatter(r, along)
    err, harm = r.metric("model_error_rate"), r.metric("harm_rate")
    lo, hi = _limits(r, range(r.points))
    titled = any(panel.title for panel in grid.panels)
    fig, axes, side = layout.square_panels(len(grid.panels), size=3.2 if len(grid.panels) == 1
                                           else 2.4, title_room=0.35 if titled else 0.0)
    any_bound = False
    for k, (ax, panel) in enumerate(zip(axes, grid.panels)):
        for s in panel.series:
            idx = [p for p in s.points if err.mean[p] > 0]
            any_bound |= style.estimates(ax, err.mean[idx], harm, idx, s.colour, s.marker)
        _axes(ax, lo, hi, top_axis=True)
        if panel.title:
            layout.title(ax, panel.title, pad=26)
        if k % 2 == 0:
            ax.set_ylabel("system harm rate (harms per task)")
        ax.set_xlabel("model error rate (wrong outputs per task)")
    layout.key(fig, side, grid, [_reference_handle()] + ([style.bound_handle()] if any_bound else []))
    return fig, _caption(along, grid.describe("curve"))


def _scatter(r, along):
    """Sampled designs: every point at its (model error rate, harm rate), coloured by the
    other swept parameter most associated with the harm rate."""
    err, harm = r.metric("model_error_rate"), r.metric("harm_rate")
    idx = np.array([p for p in range(r.points) if err.mean[p] > 0])
    lo, hi = _limits(r, idx, intervals=False)
    fig, axes, side = layout.square_panels(1, size=3.2)
    ax = axes[0]
    by = layout.most_associated(r, np.log(np.where(harm.count > 0, harm.mean, np.nan)),
                                exclude=[along])
    scale = layout.colour_scale(by) if by is not None else None
    every = layout.point_colours(scale, by, r.points)
    colours = [every[p] for p in idx]
    seen = harm.count[idx] > 0
    ax.scatter(err.mean[idx][seen], harm.mean[idx][seen], s=9, c=[colours[k] for k in np.flatnonzero(seen)],
               linewidths=0)
    if np.any(~seen):
        style.bounds(ax, err.mean[idx][~seen], harm.upper_bound[idx][~seen],
                     [colours[k] for k in np.flatnonzero(~seen)])
    _axes(ax, lo, hi, top_axis=True)
    ax.set_xlabel("model error rate (wrong outputs per task)")
    ax.set_ylabel("system harm rate (harms per task)")
    handles = [_reference_handle()]
    if np.any(~seen):
        handles.append(style.bound_handle())
    if scale is not None:
        layout.colour_bar(fig, side, scale, by.axis_label())
    layout.legend(side, handles, below=scale is not None)
    colour = (f"colour: {by.label}, the other swept parameter most associated with the harm "
              f"rate (rank correlation)" if by is not None else "one marker per point")
    return fig, _caption(along, f"one marker per sampled point ({r.points}); {colour}. No "
                                f"intervals are drawn (stsim export lists them)")


def _caption(along, series):
    bands = ("" if "No intervals" in series else
             " Bands: 95% confidence intervals of the harm rate (exact binomial, on the "
             "effective sample where harms cluster within replications).")
    return (f"System harm rate per task against the model's error rate per task ({along.label} "
            f"swept, {along.path}), {series}.{bands} Dashed line: harm rate equal to the model "
            f"error rate; below it the system stops or absorbs errors, above it there is harm "
            f"the model's errors do not explain (misuse, operators). Open carets: no harm "
            f"observed at that point, drawn at the 95% upper bound.")
