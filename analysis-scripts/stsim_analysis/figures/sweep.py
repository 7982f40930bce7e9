"""Harm per task against a swept parameter, one curve per value of another, in panels
for the rest: the plain view of any sweep (load, false-alarm rate, test interval...).
Sampled designs get one panel per swept parameter instead, each point coloured by the
parameter most associated with harm."""

import textwrap

import numpy as np

from . import layout, style

NAME = "harm_by_parameter"


def applies(r):
    # Reliability and coupling sweeps have their own figures (flagship, coupling).
    special = r.column(lambda p: p.endswith(".reliability") or ".coupling." in p)
    return len(r.columns) >= 1 and (special is None or r.sampled)


def _along(r):
    """The dimension along the x axis: the numeric one with the most values (a trend
    reads best along the finest axis), else the last."""
    numeric = [c for c in r.columns if c.numeric and len(c.distinct()) > 2]
    return max(numeric, key=lambda c: len(c.distinct())) if numeric else r.columns[-1]


def x_axis(ax, along, members_by_series):
    """Positions on the x axis for `along`: its numbers where they are plain finite
    numbers without labels, else categories in sweep order. Returns a function of a
    point, after setting ticks and scale."""
    numeric = (along.numeric and along.labels is None and bool(np.all(np.isfinite(along.numbers))))
    if numeric:
        values = along.plot_values()
        if np.all(values > 0) and values.max() / values.min() > 50:
            ax.set_xscale("log")
        return lambda p: values[p]
    ticks = {}
    for members in members_by_series:
        for p in members:
            ticks.setdefault(along.value_text(p), len(ticks))
    ax.set_xticks(list(ticks.values()))
    # Level labels while each fits its share of the panel in two lines; slanted otherwise,
    # so that many categories (seven protocols) never run into each other.
    width = min(12, int(layout.panel_characters(ax) / max(1, len(ticks))) - 1)
    if width >= 5 and all(len(textwrap.wrap(t, width)) <= 2 for t in ticks):
        ax.set_xticklabels([layout.wrap(t, width, 2) for t in ticks])
    else:
        ax.set_xticklabels([layout.wrap(t, 20, 2) for t in ticks], rotation=35, ha="right",
                           rotation_mode="anchor")
    return lambda p: ticks[along.value_text(p)]


def draw(r):
    harm = r.metric("harm_rate")
    along = _along(r)
    grid = layout.lines(r, along)
    if grid is None:
        return _scatter(r, harm)
    fig, axes, side = layout.figure(len(grid.panels), legend=True)
    any_bound = False
    position = None
    for ax, panel in zip(axes, grid.panels):
        position = x_axis(ax, along, [s.points for s in panel.series])
        for s in panel.series:
            x = [position(p) for p in s.points]
            any_bound |= style.estimates(ax, x, harm, s.points, s.colour, s.marker)
        ax.set_yscale("log")
        if panel.title:
            layout.title(ax, panel.title)
    fig.supxlabel(along.axis_label(), fontsize=8)
    fig.supylabel("system harm rate (harms per task)", fontsize=8)
    layout.key(fig, side, grid, [style.bound_handle()] if any_bound else [])
    text = (f"Harm per task against {along.label} ({along.path}), {grid.describe('curve')}; bands: 95% "
            f"confidence intervals (exact binomial). Open carets: no harm observed, drawn at the "
            f"95% upper bound.")
    return fig, text


def _scatter(r, harm):
    columns = [c for c in r.columns if c.numeric][:layout.MAX_PANELS]
    seen = harm.count > 0
    y = np.where(seen, harm.mean, harm.upper_bound)
    by = layout.most_associated(r, np.log(np.where(seen, harm.mean, np.nan)))
    scale = layout.colour_scale(by) if by is not None else None
    colours = layout.point_colours(scale, by, r.points)
    fig, axes, side = layout.figure(len(columns), legend=True, share_x=False)
    for ax, column in zip(axes, columns):
        x = column.plot_values()
        ax.scatter(x[seen], y[seen], s=8, c=[colours[p] for p in np.flatnonzero(seen)],
                   linewidths=0)
        if np.any(~seen):
            style.bounds(ax, x[~seen], y[~seen], [colours[p] for p in np.flatnonzero(~seen)])
        ax.set_yscale("log")
        layout.x_label(ax, column.axis_label())
    fig.supylabel("system harm rate (harms per task)", fontsize=8)
    if scale is not None:
        layout.colour_bar(fig, side, scale, by.axis_label())
    layout.legend(side, [style.bound_handle()] if np.any(~seen) else [], below=True)
    colour = (f"colour: {by.label}, the swept parameter most associated with the harm rate "
              f"(rank correlation)" if by is not None else "")
    text = (f"Harm per task at each of the {r.points} sampled points against each swept "
            f"parameter, one panel per parameter; {colour}. Open carets: no harm observed, "
            f"drawn at the 95% upper bound.")
    return fig, text
