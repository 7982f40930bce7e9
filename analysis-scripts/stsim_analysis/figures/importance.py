"""Which layer matters (stsim run --importance): a tornado chart of each layer's risk
achievement worth (harm without it, to the right) and risk reduction worth (harm were it
perfect, to the left), as multiples of the harm rate of the point of reference, on a
log scale, with 95% intervals."""

import matplotlib.patches
import matplotlib.ticker
import numpy as np

from . import layout, style

NAME = "importance"
MAX_LAYERS = 20  # rows; a scenario with more shows those with the largest RAW
METRIC = "harm_rate"


def applies(r):
    return r.importance is not None and METRIC in r.importance and len(r.importance_layers) > 0


def _label(r, layer):
    return r.component_labels[r.components.index(layer)] if layer in r.components else layer


def draw(r):
    measures = r.importance[METRIC]
    raw, rrw = measures["raw"], measures["rrw"]
    order = np.argsort(-np.nan_to_num(raw["mean"], nan=-np.inf), kind="stable")[:MAX_LAYERS]
    rows = len(order)
    height = min(layout.MAX_HEIGHT, 1.3 + 0.32 * rows)
    fig, axes, _ = layout.figure(1, panel_width=5.2, panel_height=height - 0.7)
    ax = axes[0]
    y = np.arange(rows)

    # Removed: harm x RAW. Perfect: harm / RRW (0 when a perfect layer stops every harm).
    # An infinite or undefined ratio (no harm at the point of reference) has no bar.
    worse = np.where(np.isfinite(raw["mean"][order]), raw["mean"][order], np.nan)
    worse_low, worse_high = raw["ci_low"][order], raw["ci_high"][order]
    with np.errstate(divide="ignore", invalid="ignore"):
        better = 1.0 / rrw["mean"][order]
        better_low, better_high = 1.0 / rrw["ci_high"][order], 1.0 / rrw["ci_low"][order]
    finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in
                             (worse, worse_high, better, better_low)])
    low_edge = min(0.5, finite.min() / 2) if finite.size else 0.5
    if np.any(better == 0):
        low_edge = min(low_edge, 0.1)  # a decade of room for "no harm left"
    high_edge = max(2.0, finite.max() * 2) if finite.size else 2.0
    # A perfect layer that would remove every harm reaches the left edge, marked so.
    better_shown = np.where(better == 0, low_edge, better)

    removed_colour, perfect_colour = style.OKABE_ITO[1], style.OKABE_ITO[0]
    # Only finite bars are drawn (matplotlib warns about all-NaN bars).
    drawn, kept = np.isfinite(worse), np.isfinite(better_shown)
    ax.barh(y[drawn], worse[drawn] - 1.0, left=1.0, height=0.38, color=removed_colour,
            align="edge")
    ax.barh(y[kept] - 0.38, better_shown[kept] - 1.0, left=1.0, height=0.38,
            color=perfect_colour, align="edge")
    bounded = drawn & np.isfinite(worse_low) & np.isfinite(worse_high)
    if np.any(bounded):
        ax.errorbar(worse[bounded], y[bounded] + 0.19,
                    xerr=[np.clip(worse[bounded] - worse_low[bounded], 0, None),
                          np.clip(worse_high[bounded] - worse[bounded], 0, None)],
                    fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    shown = np.isfinite(better) & (better > 0) & np.isfinite(better_low) & \
        np.isfinite(better_high)
    if np.any(shown):
        ax.errorbar(better[shown], y[shown] - 0.19,
                    xerr=[np.clip(better[shown] - better_low[shown], 0, None),
                          np.clip(better_high[shown] - better[shown], 0, None)],
                    fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    for k in np.flatnonzero(better == 0):
        ax.text(low_edge * 1.1, y[k] - 0.19, "no harm left", va="center", fontsize=6,
                color="white")
    for k in np.flatnonzero((worse == 1.0) & (better == 1.0)):
        ax.text(1.08, y[k], "no effect: no hazard reaches it", va="center", fontsize=6,
                color=style.REFERENCE)
    if not np.any(np.isfinite(worse)) and not np.any(np.isfinite(better)):
        ax.text(1.0, (rows - 1) / 2, "no harm at the point of reference in these replications:\n"
                "the measures need more replications", ha="center", va="center", fontsize=8,
                color=style.REFERENCE, backgroundcolor="white")
    ax.axvline(1.0, color=style.REFERENCE, linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlim(low_edge, high_edge)
    times = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}\u00d7")
    ax.set_yticks(y)
    ax.set_yticklabels([layout.wrap(_label(r, r.importance_layers[i]), 24, 2) for i in order])
    ax.set_ylim(rows - 0.5, -0.7)
    ax.set_xlabel("harm per task, as a multiple of today's (log scale)")
    layout.title(ax, "Which layer matters: harm without each layer, and were it perfect")
    handles = [matplotlib.patches.Patch(color=removed_colour,
                                        label="layer removed (risk achievement worth)"),
               matplotlib.patches.Patch(color=perfect_colour,
                                        label="layer perfect (1 / risk reduction worth)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
              fontsize=7)
    # Ticks at 1, 2, 5 x powers of ten, labelled as multiples; no minor labels (style.save
    # would label them in scientific notation).
    ticks = [m * 10.0 ** e for e in range(-12, 13) for m in (1, 2, 5)
             if low_edge <= m * 10.0 ** e <= high_edge]
    ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(times)
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())

    unbounded = int(np.sum(~np.isfinite(worse_low) | ~np.isfinite(worse_high)))
    reference = r.importance_reference
    reference = "the scenario as written" if reference in ("", "as written") else reference
    description = (
        "Importance of each layer for the harm rate per task, at "
        f"{reference}. Orange: the harm rate with the layer removed (it never catches "
        "anything), as a multiple of today's: the risk achievement worth. Blue: the harm rate "
        "were the layer perfect, as a multiple of today's: one over the risk reduction worth "
        "('no harm left' where a perfect layer would stop every harm). Layers are sorted by "
        "risk achievement worth. Each counterfactual ran with common random numbers against "
        "the point of reference; bars show 95% intervals (Fieller's, for a ratio of paired "
        "means; docs/sensitivity.md)" +
        (f"; {unbounded} layer(s) have no bar of interval: with too few harms at the point of "
         "reference the interval is unbounded, and more replications are needed"
         if unbounded else "") + ".")
    return fig, description
