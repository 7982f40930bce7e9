"""Common cause: simulated harm against the coupling between a monitor and the component
it shares causes with, beside what independence would give (the product of the model's
hazardous error rate and the monitor's miss rate)."""

import matplotlib.lines
import numpy as np

from . import layout, style

NAME = "coupling"


def _column(r):
    return r.column(lambda p: ".coupling." in p)


def applies(r):
    c = _column(r)
    return c is not None and c.numeric and layout.lines(r, c) is not None


def _miss(r, point, component):
    value = r.resolved_value(point, f"{component}.detect_error")
    return 1.0 - float(value) if value is not None else np.nan


def draw(r):
    along = _column(r)
    component = along.path.split(".")[0]
    name = r.component_label(r.components.index(component)) if component in r.components \
        else component
    harm, hazardous = r.metric("harm_rate"), r.metric("hazardous_output_rate")
    grid = layout.lines(r, along)
    fig, axes, side = layout.figure(len(grid.panels), legend=True, panel_width=2.6,
                                    panel_height=2.2)
    positive = along.numbers[along.numbers > 0]
    any_bound = False
    for ax, panel in zip(axes, grid.panels):
        for s in panel.series:
            x = along.numbers[s.points]
            any_bound |= style.estimates(ax, x, harm, s.points, s.colour, s.marker)
            product = hazardous.mean[s.points] * np.array([_miss(r, p, component) for p in s.points])
            ax.plot(x, product, linestyle="--", color=s.colour if grid.by else style.REFERENCE,
                    linewidth=1.0)
        if positive.size and np.any(along.numbers == 0):
            ax.set_xscale("symlog", linthresh=float(positive.min()), linscale=0.5)
        elif positive.size == along.numbers.size:
            ax.set_xscale("log")
        ax.set_yscale("log")
        if panel.title:
            layout.title(ax, panel.title)
    fig.supxlabel(along.axis_label(), fontsize=8)
    fig.supylabel("system harm rate (harms per task)", fontsize=8)
    extra = [] if grid.by is not None else [
        style.series_handle(grid.panels[0].series[0].colour, "o", "simulated")]
    extra.append(matplotlib.lines.Line2D([], [], linestyle="--", color=style.REFERENCE,
                                         label=f"independence: P(hazardous error) x "
                                               f"P({name} misses)"))
    if any_bound:
        extra.append(style.bound_handle())
    layout.key(fig, side, grid, extra)
    text = (f"Common cause: harm per task as {name} shares more of its causes with the "
            f"component it checks ({along.label}, {along.path}); band: 95% confidence interval "
            f"(exact binomial). Dashed line: the harm rate if the two failed independently, the "
            f"simulated hazardous output rate times {name}'s miss rate (1 - detect_error). The "
            f"vertical gap is the protection the independence assumption promises and the "
            f"system does not deliver.")
    return fig, text
