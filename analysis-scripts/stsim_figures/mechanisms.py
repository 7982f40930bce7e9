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


def _stacked(ax, rows, parts, names, colours, totals_text):
    y = np.arange(len(rows))
    left = np.zeros(len(rows))
    totals = parts.sum(axis=1)
    shares = np.divide(parts, totals[:, None], out=np.zeros_like(parts), where=totals[:, None] > 0)
    for j, name in enumerate(names):
        ax.barh(y, shares[:, j], left=left, color=colours[j], height=0.75, label=name, linewidth=0)
        left += shares[:, j]
    for k, t in enumerate(totals):
        ax.text(1.02, y[k], totals_text(t), va="center", fontsize=6)
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(y)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xticklabels(["0", "50%", "100%"])


def draw(r):
    labels = r.point_labels if r.points > 1 else [r.scenario_name]
    origins = r.harms_by_origin
    near = r.near_misses_by_layer
    last = r.harms_by_last_layer
    layers = [c for c in range(len(r.components)) if near[:, c].sum() > 0 or last[:, c].sum() > 0]
    # Layers take the palette's later colours so they are never confused with origins.
    layer_colours = {c: style.colour(3 + k) for k, c in enumerate(layers)}

    height = max(2.4, 1.3 + 0.17 * r.points)
    fig, axes = plt.subplots(1, 3, figsize=(style.WIDTH * 1.25, height), sharey=True,
                             layout="constrained")
    count_text = lambda t: f"{int(t)}" if t > 0 else "none"  # noqa: E731
    _stacked(axes[0], labels, origins, [ORIGIN_TEXT.get(n, n) for n in r.origin_names],
             [style.colour(k) for k in range(origins.shape[1])], count_text)
    axes[0].set_yticklabels(labels)
    axes[0].set_title("harms by origin")
    parts = [near[:, layers], last[:, layers]] if layers else [np.zeros((r.points, 0))] * 2
    _stacked(axes[1], labels, parts[0], [r.components[c] for c in layers],
             [layer_colours[c] for c in layers], count_text)
    axes[1].set_title("near misses by layer that caught them")
    _stacked(axes[2], labels, parts[1], [r.components[c] for c in layers],
             [layer_colours[c] for c in layers], count_text)
    axes[2].set_title("harms by last layer passed")
    for ax in axes:
        ax.set_xlabel("share of total")
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / height * 2.4), ncol=2)
    if layers:
        axes[1].legend(loc="upper center", bbox_to_anchor=(1.1, -0.5 / height * 2.4),
                       ncol=min(5, len(layers)))
    text = ("Mechanisms, per sweep point. Left: harms by origin (a model error that passed every "
            "layer; misuse served by a correct output; an operator turning a correct output into "
            "a hazard). Middle: near misses (hazards stopped) by the layer that caught them. "
            "Right: harms by the last layer that could have stopped them, where blame usually "
            "lands. Numbers at the right of each bar: totals over all replications.")
    return fig, text
