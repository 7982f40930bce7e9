"""Where harm comes from and who stops it: harms by origin, near misses by the layer that
caught them, and harms by the last layer that could have stopped them (the moral
crumple zone: blame lands on the last human)."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "mechanisms"

ORIGIN_TEXT = {"model_error": "model error", "misuse": "misuse (correct output)",
               "operator_induced": "operator-induced"}


def applies(r):
    return True


def _stacked(ax, rows, parts, names, colours, hatches):
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    totals = parts.sum(axis=1)
    shares = np.divide(parts, totals[:, None], out=np.zeros_like(parts), where=totals[:, None] > 0)
    for j, name in enumerate(names):
        ax.barh(y, shares[:, j], left=left, color=colours[j], hatch=hatches[j], edgecolor="white",
                height=0.75, label=name, linewidth=0)
        left += shares[:, j]
    for k, t in enumerate(totals):
        ax.text(1.03, y[k], f"{int(t)}" if t > 0 else "none", va="center", fontsize=6)
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(y)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xticklabels(["0", "50%", "100%"])
    ax.set_xlabel("share of total")


# Origins take three colours; layers take the other five, then repeat them hatched.
ORIGIN_COLOURS = [style.OKABE_ITO[0], style.OKABE_ITO[1], style.OKABE_ITO[2]]
LAYER_COLOURS = style.OKABE_ITO[3:]


def draw(r):
    labels = r.point_labels if r.points > 1 else [r.scenario_name]
    origins = r.harms_by_origin
    near = r.near_misses_by_layer
    last = r.harms_by_last_layer
    layers = [c for c in range(len(r.components)) if near[:, c].sum() > 0 or last[:, c].sum() > 0]
    layer_colours = [LAYER_COLOURS[k % len(LAYER_COLOURS)] for k in range(len(layers))]
    layer_hatches = ["" if k < len(LAYER_COLOURS) else "////" for k in range(len(layers))]

    # A fixed layout (inches), sized from the longest point label, so that panels never
    # collapse and the files do not depend on a layout solver.
    label_width = 0.3 + 0.052 * max(len(s) for s in labels)
    panel, gap, right = 1.45, 0.55, 0.45
    top, bottom = 0.3, 1.55
    width = label_width + 3 * panel + 2 * gap + right
    height = top + bottom + 0.16 * max(r.points, 3)
    fig = plt.figure(figsize=(width, height))
    axes = []
    for k in range(3):
        x0 = (label_width + k * (panel + gap)) / width
        axes.append(fig.add_axes((x0, bottom / height, panel / width, 1 - (top + bottom) / height),
                                 sharey=axes[0] if axes else None))
    _stacked(axes[0], labels, origins, [ORIGIN_TEXT.get(n, n) for n in r.origin_names],
             ORIGIN_COLOURS, [""] * origins.shape[1])
    axes[0].set_yticklabels(labels)
    axes[0].set_title("harms by origin")
    parts = [near[:, layers], last[:, layers]] if layers else [np.zeros((r.points, 0))] * 2
    names = [r.components[c] for c in layers]
    _stacked(axes[1], labels, parts[0], names, layer_colours, layer_hatches)
    axes[1].set_title("near misses by catching layer")
    _stacked(axes[2], labels, parts[1], names, layer_colours, layer_hatches)
    axes[2].set_title("harms by last layer passed")
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    anchor = -0.55 / (height - top - bottom)
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, anchor), ncol=1, title="origin")
    if layers:
        axes[1].legend(loc="upper left", bbox_to_anchor=(0.0, anchor), ncol=min(3, len(layers)),
                       title="layer")
    text = ("Mechanisms, per sweep point. Left: harms by origin (a model error that passed every "
            "layer; misuse served by a correct output; an operator turning a correct output into "
            "a hazard). Middle: near misses (hazards stopped) by the layer that caught them. "
            "Right: harms by the last layer that could have stopped them, where blame usually "
            "lands. Numbers at the right of each bar: totals over all replications.")
    return fig, text
