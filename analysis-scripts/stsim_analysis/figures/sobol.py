"""Which parameter decides the harm rate (a saltelli sweep): each swept parameter's
Sobol' first-order index (the share of the harm rate's spread over the design it
explains alone) and total index (the share it takes any part in), as bars with 95%
bootstrap intervals, sorted by total index."""

import matplotlib.patches
import numpy as np

from . import layout, style

NAME = "sobol"
METRIC = "harm_rate"
MAX_PARAMETERS = 20  # rows; a design with more shows those with the largest total index


def applies(r):
    return (r.design == "saltelli" and r.sensitivity is not None and METRIC in r.sensitivity
            and {"first_order", "total"} <= set(r.sensitivity[METRIC]))


def draw(r):
    indices = r.sensitivity[METRIC]
    first, total = indices["first_order"], indices["total"]
    order = np.argsort(-np.nan_to_num(total["mean"], nan=-np.inf), kind="stable")
    order = order[:MAX_PARAMETERS]
    rows = len(order)
    height = min(layout.MAX_HEIGHT, 1.5 + 0.42 * rows)
    fig, axes, _ = layout.figure(1, panel_width=5.2, panel_height=height - 0.7)
    ax = axes[0]
    y = np.arange(rows)
    bar = 0.38
    total_colour, first_colour = style.OKABE_ITO[0], style.OKABE_ITO[4]
    for offset, index, colour in ((-bar, total, total_colour), (0.0, first, first_colour)):
        mean = index["mean"][order]
        # An estimate below 0 is 0 within its noise: no bar, its interval still drawn.
        ax.barh(y + offset, np.clip(mean, 0.0, None), height=bar, color=colour, align="edge")
        low, high = index["ci_low"][order], index["ci_high"][order]
        bounded = np.isfinite(low) & np.isfinite(high)
        if np.any(bounded):
            ax.errorbar(mean[bounded], (y + offset + bar / 2)[bounded],
                        xerr=[np.clip(mean[bounded] - low[bounded], 0, None),
                              np.clip(high[bounded] - mean[bounded], 0, None)],
                        fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    ax.axvline(0.0, color=style.REFERENCE, linewidth=0.8)
    ax.set_xlim(-0.05, 1.0)
    ax.set_yticks(y)
    ax.set_yticklabels([layout.wrap(layout.parameter_label(r, r.sensitivity_dimensions[i]), 26, 2)
                        for i in order])
    ax.set_ylim(rows - 0.4, -0.6)
    ax.set_xlabel("share of the spread of the harm rate per task over the ranges swept")
    layout.title(ax, "Which parameter decides the harm rate: its share of the spread")
    handles = [matplotlib.patches.Patch(color=total_colour,
                                        label="alone or with others (total index)"),
               matplotlib.patches.Patch(color=first_colour,
                                        label="on its own (first-order index)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
              fontsize=7)

    samples = int(r.attrs.get("points", 0)) // (len(r.sensitivity_dimensions) + 2)
    ranges = "; ".join(
        f"{layout.parameter_label(r, c.path)} from {c.value_text(int(np.argmin(c.numbers)))} "
        f"to {c.value_text(int(np.argmax(c.numbers)))}" for c in r.columns)
    description = (
        "Sobol' indices of the harm rate per task over the swept ranges (" + ranges + "). "
        "Blue: the share of the harm rate's spread that a parameter takes part in, alone or "
        "together with others (total index): near 0, the parameter can be fixed anywhere in "
        "its range. Orange: the share it explains on its own (first-order index): how much "
        "of the spread would go if it were known exactly. Parameters are sorted by total "
        f"index. From a saltelli design of {samples} base samples of scrambled Sobol' points "
        "with common random numbers; bars show 95% bootstrap intervals over the base "
        "samples (docs/sensitivity.md). An estimate below 0 is drawn as no bar.")
    return fig, description
