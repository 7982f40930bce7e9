"""Where harm comes from and who stops it: harms by origin, near misses by the layer that
caught them, and harms by the last layer that could have stopped them (the moral
crumple zone: blame lands on the last human)."""

import matplotlib.pyplot as plt
import numpy as np

from . import layout, style

NAME = "mechanisms"

ORIGIN_TEXT = {"model_error": "model error", "misuse": "misuse (correct output)",
               "operator_induced": "operator-induced", "attack": "attack (untrusted AI)",
               "omission": "omission (help withheld)", "late": "late (past the deadline)"}
MAX_ROWS = 30       # one bar per point up to this many points; beyond, points are pooled
MAX_LAYERS = 7      # layers named in the legend; the rest are pooled as "other layers"


def applies(r):
    return r.harm_seen or bool(np.any(r.near_misses_by_layer > 0))


def _stacked(ax, rows, parts, names, colours, hatches):
    y = np.arange(rows)
    left = np.zeros(rows)
    totals = parts.sum(axis=1)
    shares = np.divide(parts, totals[:, None], out=np.zeros_like(parts), where=totals[:, None] > 0)
    for j, name in enumerate(names):
        ax.barh(y, shares[:, j], left=left, color=colours[j], hatch=hatches[j], edgecolor="white",
                height=0.75, label=name, linewidth=0)
        left += shares[:, j]
    for k, t in enumerate(totals):
        ax.text(1.03, y[k], f"{int(t)}" if t > 0 else "none", va="center", fontsize=6)
    ax.set_xlim(0, 1)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_yticks(y)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xticklabels(["0", "50%", "100%"])
    ax.set_xlabel("share of total")


# Origins take four colours; layers take the other four, then repeat them hatched.
# The origins of omission and timing in greys: harms of not acting, apart from those of acting.
ORIGIN_COLOURS = [style.OKABE_ITO[0], style.OKABE_ITO[1], style.OKABE_ITO[2], style.OKABE_ITO[7],
                  "#888888", "#BBBBBB"]
LAYER_COLOURS = style.OKABE_ITO[3:7]


def rows_of(r):
    """The bars: [(label, [points pooled in it])], the heading of the labels (what they
    are values of) and how the rows were formed (for the caption).

    Up to MAX_ROWS points, one bar each, labelled by the point's values; beyond, points
    pooled by layout.pool()."""
    if not r.columns:
        return [(r.scenario_name, [0])], "", ""
    if r.points <= MAX_ROWS:
        rows = [(", ".join(c.value_text(p) for c in r.columns), [p]) for p in range(r.points)]
        return rows, ", ".join(c.label for c in r.columns), ""
    harm = r.metric("harm_rate")
    by, groups = layout.pool(r, np.log(np.where(harm.count > 0, harm.mean, np.nan)))
    if by is None:
        return groups, "", "all points pooled"
    return groups, by.axis_label(), f"points pooled in groups of {by.label}"


def draw(r):
    rows, heading, pooled = rows_of(r)
    top, bottom = 0.3, 1.5
    # Two lines of 7-point text per row where the rows fit the page so, else one line of
    # 6-point text, so that the figure stays within layout.MAX_HEIGHT.
    room = layout.MAX_HEIGHT - top - bottom
    lines = 2 if len(rows) * 0.32 <= room else 1
    font = 7 if lines == 2 else 6
    char_width = 0.052 if font == 7 else 0.045  # inches, DejaVu Sans
    panel, gap, right, axis_label = 1.2, 0.55, 0.45, 0.55
    # Row labels get what the page leaves of its width (layout.MAX_WIDTH).
    characters = int((layout.MAX_WIDTH - axis_label - 3 * panel - 2 * gap - right) / char_width)
    labels = [layout.wrap(text, characters, lines) for text, _ in rows]

    def pool(counts):
        return np.array([counts[members].sum(axis=0) for _, members in rows])

    origins, near, last = pool(r.harms_by_origin), pool(r.near_misses_by_layer), pool(r.harms_by_last_layer)
    layers = [c for c in range(len(r.components)) if near[:, c].sum() > 0 or last[:, c].sum() > 0]
    layers.sort(key=lambda c: -(near[:, c].sum() + last[:, c].sum()))
    names = [r.component_label(c) for c in layers[:MAX_LAYERS]]
    parts = [np.stack([x[:, c] for c in layers[:MAX_LAYERS]], axis=1) if layers
             else np.zeros((len(rows), 0)) for x in (near, last)]
    if len(layers) > MAX_LAYERS:
        names.append("other layers")
        parts = [np.column_stack([p, x[:, layers[MAX_LAYERS:]].sum(axis=1)])
                 for p, x in zip(parts, (near, last))]
    layer_colours = [LAYER_COLOURS[k % len(LAYER_COLOURS)] for k in range(len(names))]
    layer_hatches = ["" if k < len(LAYER_COLOURS) else "////" for k in range(len(names))]

    # A fixed layout (inches), sized from the longest row label, so that panels never
    # collapse and the files do not depend on a layout solver.
    longest = max(len(line) for text in labels for line in text.splitlines())
    label_width = axis_label + char_width * longest
    width = label_width + 3 * panel + 2 * gap + right
    row_height = min(0.16 * max(text.count("\n") + 1 for text in labels), room / len(rows))
    height = top + bottom + row_height * max(len(rows), 3)
    fig = plt.figure(figsize=(width, height))
    axes = []
    for k in range(3):
        x0 = (label_width + k * (panel + gap)) / width
        axes.append(fig.add_axes((x0, bottom / height, panel / width, 1 - (top + bottom) / height),
                                 sharey=axes[0] if axes else None))
    _stacked(axes[0], len(rows), origins, [ORIGIN_TEXT.get(n, n) for n in r.origin_names],
             ORIGIN_COLOURS, [""] * origins.shape[1])
    axes[0].set_yticklabels(labels, fontsize=font)
    if heading:
        # What the row labels are values of, along them (rows have the room).
        axes[0].set_ylabel(layout.wrap(heading, max(20, int(row_height * len(rows) / 0.07)), 2),
                           fontsize=7)
    axes[0].set_title("harms by origin", fontsize=8)
    _stacked(axes[1], len(rows), parts[0], names, layer_colours, layer_hatches)
    axes[1].set_title("near misses by catching layer", fontsize=8)
    _stacked(axes[2], len(rows), parts[1], names, layer_colours, layer_hatches)
    axes[2].set_title("harms by last layer passed", fontsize=8)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    anchor = -0.5 / (height - top - bottom)
    # Only the origins some harm came from: an entry for a colour no bar shows misleads.
    present = set(np.flatnonzero(origins.sum(axis=0) > 0))
    handles, texts = axes[0].get_legend_handles_labels()
    if present:
        axes[0].legend([h for j, h in enumerate(handles) if j in present],
                       [t for j, t in enumerate(texts) if j in present], loc="upper center",
                       bbox_to_anchor=(0.5, anchor), ncol=1, title="origin")
    if names:
        handles, texts = axes[1].get_legend_handles_labels()
        axes[1].legend(handles, [layout.wrap(t, 22, 2) for t in texts], loc="upper left",
                       bbox_to_anchor=(0.0, anchor), ncol=min(3, len(names)), title="layer")
    where = f" ({pooled}, summed over them)" if pooled else ""
    text = (f"Mechanisms, per sweep point{where}. Left: harms by origin (a model error that "
            f"passed every layer; misuse served by a correct output; an operator turning a "
            f"correct output into a hazard). Middle: near misses (hazards stopped) by the layer "
            f"that caught them. Right: harms by the last layer that could have stopped them, "
            f"where blame usually lands. Numbers at the right of each bar: totals over all "
            f"replications.")
    return fig, text
