"""How a figure shows a sweep, chosen from its design.

- A grid (or zip) over named values: lines along one dimension, one line per value of
  a second (a legend of at most MAX_SERIES entries), and small multiples for up to two
  more, as long as they fit in MAX_PANELS panels.
- A sampled design (latin_hypercube, sobol, ...), or a grid too large for lines: points
  coloured on a continuous scale by the swept parameter most associated with the
  quantity shown, with a colour bar instead of a legend.

Every figure is at most MAX_WIDTH x MAX_HEIGHT inches, whatever the sweep: text is
wrapped, panels are capped and long labels are shortened.
"""

import math
import textwrap
from dataclasses import dataclass, field

import matplotlib.cm
import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np

from . import style
from .. import results

MAX_SERIES = 6   # lines with a legend entry; with two reference entries, 8 at most
MAX_PANELS = 12
MAX_WIDTH = 7.5  # inches: 2250 px at 300 dpi
MAX_HEIGHT = 9.0
COLOUR_MAP = "viridis"  # perceptually uniform and readable in grey and by colour-blind readers


def wrap(text, width=28, lines=3):
    """Text in at most `lines` lines of `width` characters, shortened with an ellipsis."""
    return textwrap.fill(text, width=width, max_lines=lines, placeholder="...")


@dataclass
class Series:
    label: str                 # legend text (None on a colour scale)
    colour: object
    marker: str
    points: list               # point indices, ordered along the line


@dataclass
class Panel:
    title: str
    series: list = field(default_factory=list)


@dataclass
class Lines:
    """A grid drawn as lines: which dimension runs along them, which tells them apart
    (by legend or by colour scale), and which split them into panels."""
    along: object              # Column, or None (one point per series)
    by: object                 # Column telling the lines apart, or None
    facets: list               # Columns, 0 to 2
    panels: list
    colour_scale: object = None  # (ScalarMappable, Column) when `by` is drawn by colour

    def describe(self, noun):
        """"one curve per pharmacist detection, one panel per shift length", for captions."""
        text = f"one {noun} per {self.by.label}" if self.by is not None else f"one {noun}"
        if self.facets:
            text += f", one panel per {' and '.join(c.label for c in self.facets)}"
        return text


def _distinct_count(column):
    return len(column.distinct())


def _varying(r, exclude):
    return [c for c in r.columns if all(c is not e for e in exclude) and _distinct_count(c) > 1]


def colour_scale(column, values=None):
    """A ScalarMappable over a numeric column: on the scale it was sampled on, otherwise
    log-scaled over a wide positive range."""
    v = np.asarray(column.plot_values() if values is None else values, dtype=float)
    finite = v[np.isfinite(v)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    sampling = column.sampling if values is None else ""
    if sampling == "log" or (not sampling and lo > 0 and hi / lo > 50):
        norm = matplotlib.colors.LogNorm(lo, hi)
    else:
        norm = matplotlib.colors.Normalize(lo, hi)
    return matplotlib.cm.ScalarMappable(norm=norm, cmap=COLOUR_MAP)


def point_colours(scale, column, points):
    """Each point's colour on `scale` (over `column`), or the first colour without one."""
    if scale is None:
        return [style.colour(0)] * points
    return [scale.to_rgba(v) for v in column.plot_values()]


def sampled_series(r, by, scale):
    """One series per point, coloured on the scale: the layout of a sampled design."""
    colours = point_colours(scale, by, r.points)
    return [Series(None, colours[p], "o", [p]) for p in range(r.points)]


BINS = 5  # groups of a sampled parameter when points are pooled: fifths of its range


def pool(r, quantity, max_groups=MAX_SERIES):
    """Points grouped by the swept parameter most associated with `quantity` (one value
    per point): by its values when it has at most `max_groups`, else in fifths (quantile
    bins) of it. Returns (column, [(label, [points])]); (None, all points) without one."""
    by = most_associated(r, quantity)
    if by is None:
        return None, [("all points", list(range(r.points)))]
    firsts = by.distinct()
    if len(firsts) <= max_groups:
        firsts = sorted(firsts, key=lambda p: by.numbers[p])
        return by, [(by.value_text(f), [p for p in range(r.points) if by.key(p) == by.key(f)])
                    for f in firsts]
    edges = np.quantile(by.numbers, np.linspace(0, 1, BINS + 1))
    groups = []
    for k in range(BINS):
        upper = by.numbers <= edges[k + 1] if k == BINS - 1 else by.numbers < edges[k + 1]
        members = list(np.flatnonzero((by.numbers >= edges[k]) & upper))
        text = f"{by.format(float(f'{edges[k]:.3g}'))} to {by.format(float(f'{edges[k + 1]:.3g}'))}"
        groups.append((text, members))
    return by, groups


def pooled_lines(r, quantity):
    """A Lines layout of pooled groups (see pool()): one series per group, coloured in
    order along the colour map, in one panel."""
    by, groups = pool(r, quantity)
    cmap = matplotlib.colormaps[COLOUR_MAP]
    series = [Series(label=text, colour=cmap((k + 0.5) / len(groups)) if by is not None
                     else style.colour(0), marker=style.marker(k), points=members)
              for k, (text, members) in enumerate(groups)]
    return Lines(along=None, by=by, facets=[], panels=[Panel("", series)])


def lines(r, along, max_series=MAX_SERIES, max_panels=MAX_PANELS):
    """The lines layout of a grid, or None when the sweep does not fit one (sampled
    designs, too many combinations); the figure then draws a scatter()."""
    if r.sampled and len(r.columns) > 1:
        return None
    others = _varying(r, [along] if along is not None else [])
    legend = [c for c in others if _distinct_count(c) <= max_series]
    # The dimension with the most values that still fits a legend packs the most into
    # each panel; the rest become panels.
    by = max(legend, key=_distinct_count) if legend else None
    scale = None
    if by is None:
        numeric = [c for c in others if c.numeric]
        by = min(numeric, key=_distinct_count) if numeric else None
        if by is not None:
            scale = (colour_scale(by), by)
    facets = [c for c in others if c is not by]
    if len(facets) > 2 or math.prod(_distinct_count(c) for c in facets) > max_panels:
        return None

    def key(p, columns):
        return tuple(c.key(p) for c in columns)

    panel_of, panels = {}, []
    for p in range(r.points):
        k = key(p, facets)
        if k not in panel_of:
            panel_of[k] = len(panels)
            title = "\n".join(c.text(p) for c in facets)
            panels.append(Panel(title=title))
    order = {}
    for p in range(r.points):
        order.setdefault(key(p, facets), {}).setdefault(key(p, [by] if by else []), []).append(p)
    for k, by_series in order.items():
        panel = panels[panel_of[k]]
        for i, members in enumerate(by_series.values()):
            # Numbers in increasing order; labelled values (tested weekly, ..., never
            # tested) in the order the sweep lists them, which is the order meant.
            if along is not None and along.numeric and along.labels is None:
                members = sorted(members, key=lambda p: along.numbers[p])
            first = members[0]
            if scale is not None:
                colour = scale[0].to_rgba(by.plot_values()[first])
                label = None
            else:
                colour = style.colour(i)
                label = by.value_text(first) if by is not None else None
            panel.series.append(Series(label=label, colour=colour, marker=style.marker(i),
                                       points=members))
    return Lines(along=along, by=by, facets=facets, panels=panels, colour_scale=scale)


def ranks(values):
    order = np.argsort(values, kind="stable")
    out = np.empty(len(values))
    out[order] = np.arange(len(values))
    return out


def most_associated(r, y, exclude=()):
    """The numeric swept dimension (other than `exclude`) whose values are most
    associated with y (largest |Spearman rank correlation| over points where y is
    finite), or None."""
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    best, best_rho = None, -1.0
    for c in r.columns:
        if not c.numeric or any(c is e for e in exclude) or _distinct_count(c) < 2:
            continue
        x = c.numbers
        use = ok & np.isfinite(x)
        if use.sum() < 3:
            continue
        a, b = ranks(x[use]), ranks(y[use])
        if a.std() == 0 or b.std() == 0:
            continue
        rho = abs(float(np.corrcoef(a, b)[0, 1]))
        if rho > best_rho:
            best, best_rho = c, rho
    return best


def figure(panels, legend=False, panel_width=2.3, panel_height=1.9, columns=None, share_x=True,
           share_y=True):
    """A figure of `panels` axes sharing the y axis and the x axis unless told not to,
    at most MAX_WIDTH x MAX_HEIGHT inches, with room on the right for a legend or colour
    bar when asked. Returns (figure, axes, side axes or None)."""
    columns = columns or min(panels, 3)
    rows = math.ceil(panels / columns)
    side = 1.9 if legend else 0.0
    width = min(MAX_WIDTH, columns * panel_width + side + 0.5)
    height = min(MAX_HEIGHT, rows * panel_height + 0.7)
    ratios = [1.0] * columns + ([side / ((width - side) / columns)] if legend else [])
    fig = plt.figure(figsize=(width, height), layout="constrained")
    grid = fig.add_gridspec(rows, columns + (1 if legend else 0), width_ratios=ratios)
    axes = []
    for k in range(panels):
        ax = fig.add_subplot(grid[k // columns, k % columns],
                             sharex=axes[0] if axes and share_x else None,
                             sharey=axes[0] if axes and share_y else None)
        axes.append(ax)
    for k, ax in enumerate(axes):
        if k % columns and share_y:
            ax.tick_params(labelleft=False)
        if share_x and k + columns < panels:
            ax.tick_params(labelbottom=False)
    side_axes = None
    if legend:
        side_axes = fig.add_subplot(grid[:, columns])
        side_axes.axis("off")
    return fig, axes, side_axes


def panel_characters(ax):
    """How many characters of 8-point text fit across the panel."""
    return max(12, int(ax.get_position().width * ax.figure.get_figwidth() / 0.068))


def title(ax, text, **options):
    """A panel's title, each line wrapped to the panel's width (8-point text)."""
    characters = panel_characters(ax)
    ax.set_title("\n".join(wrap(line, characters, 2) for line in text.splitlines()),
                 fontsize=8, **options)


def x_label(ax, text):
    """A panel's own x-axis label, wrapped to the panel's width so that it never runs
    into the next panel or the side column."""
    ax.set_xlabel(wrap(text, panel_characters(ax), 2))


def label_clear_of(ax, text, xy, lines, **options):
    """Writes `text` beside the data point `xy`, on the side where its box covers least of
    the polylines `lines` (arrays of data points: markers count fully, the segments between
    them a little) without running into a neighbouring panel, so that a label does not hide
    a marker when there is room elsewhere. Above or below the panel is allowed, at a cost."""
    ax.get_xlim(), ax.get_ylim()  # settles the view limits the transform uses
    renderer = ax.figure.canvas.get_renderer()
    markers, between = [], []
    for line in lines:
        shown = ax.transData.transform(np.asarray(line, dtype=float).reshape(-1, 2))
        markers.append(shown)
        for a, b in zip(shown[:-1], shown[1:]):
            between.append(a + np.linspace(0.1, 0.9, 9)[:, None] * (b - a))
    markers = np.concatenate(markers) if markers else np.zeros((0, 2))
    between = np.concatenate(between) if between else np.zeros((0, 2))
    panel = ax.get_window_extent(renderer)

    def inside(points, box):
        return np.count_nonzero((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1) &
                                (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1))

    best, best_score = None, None
    for dx, dy, ha, va in ((4, 4, "left", "bottom"), (4, -4, "left", "top"),
                           (-4, 4, "right", "bottom"), (-4, -4, "right", "top")):
        label = ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points", ha=ha,
                            va=va, annotation_clip=False, **options)
        box = label.get_window_extent(renderer).padded(3)
        score = inside(markers, box) + 0.1 * inside(between, box)
        if box.x0 < panel.x0 or box.x1 > panel.x1:
            score += 1000  # over the tick labels or into the next panel
        if box.y0 < panel.y0 or box.y1 > panel.y1:
            score += 0.5
        if best_score is None or score < best_score:
            if best is not None:
                best.remove()
            best, best_score = label, score
        else:
            label.remove()
    return best


def square_panels(panels, size=2.6, title_room=0.0):
    """Square panels on a fixed grid (inches), for plots whose axes must keep equal
    scales, with a top axis on every panel (the layout solver mishandles fixed aspects
    with secondary axes) and a side column for the legend. Returns (figure, axes, side)."""
    columns = min(panels, 2)
    rows = math.ceil(panels / columns)
    size = min(size, (MAX_HEIGHT - 1.1) / rows - 0.9 - title_room)
    left, bottom, top, side_width = 0.75, 0.55, 0.6 + title_room, 1.9
    wgap, hgap = 0.3, 0.9 + title_room
    width = left + columns * size + (columns - 1) * wgap + 0.3 + side_width
    height = bottom + rows * size + (rows - 1) * hgap + top
    fig = plt.figure(figsize=(width, height))
    axes = []
    for k in range(panels):
        row, column = divmod(k, columns)
        x0 = left + column * (size + wgap)
        y0 = height - top - (row + 1) * size - row * hgap
        axes.append(fig.add_axes((x0 / width, y0 / height, size / width, size / height),
                                 sharex=axes[0] if axes else None,
                                 sharey=axes[0] if axes else None))
        if column:
            axes[-1].tick_params(labelleft=False)
    x0 = left + columns * size + (columns - 1) * wgap + 0.3
    side = fig.add_axes((x0 / width, bottom / height, side_width / width,
                         (height - top - bottom) / height))
    side.axis("off")
    return fig, axes, side


def key(fig, side, grid, extra=(), markers=True):
    """What tells the lines apart, in the side column: a legend with one entry per
    series label (then the `extra` reference entries), or a colour bar and a legend of
    the `extra` entries below it."""
    handles, seen = [], set()
    for panel in grid.panels:
        for s in panel.series:
            if s.label is not None and s.label not in seen:
                seen.add(s.label)
                handles.append(style.series_handle(s.colour, s.marker if markers else "", s.label))
    handles += list(extra)
    if grid.colour_scale is not None:
        colour_bar(fig, side, grid.colour_scale[0], grid.colour_scale[1].axis_label())
        return legend(side, handles, below=True)
    return legend(side, handles, grid.by.label if grid.by is not None else None)


def legend(side, handles, title=None, below=False):
    """The figure's legend in its side column, entries wrapped to the column; `below` a
    colour bar, which takes the column's upper half."""
    if not handles:
        return None
    labels = [wrap(h.get_label(), 26, 3) for h in handles]
    return side.legend(handles, labels, loc="lower left" if below else "upper left",
                       title=wrap(title, 26, 2) if title else None, borderaxespad=0.0,
                       alignment="left")


def colour_bar(fig, side, scale, label):
    """A colour bar in the upper part of the side column, for points coloured by `label`."""
    inset = side.inset_axes((0.0, 0.45, 0.12, 0.55))
    bar = fig.colorbar(scale, cax=inset)
    bar.set_label(wrap(label, 30, 3), fontsize=7)
    return bar


# Parameter keys in a reader's words, for figures that name parameters (sensitivity).
PLAIN_KEYS = {
    "reliability": "reliability",
    "commission_share": "share of errors that act",
    "detect_error": "detection of errors",
    "detect_misuse": "detection of misuse",
    "false_alarm": "false alarms",
    "latent_failure_rate": "silent failure rate",
    "test_interval": "proof-test interval",
    "repair_time": "repair time",
    "sample": "share of tasks sampled",
    "detect": "detection",
    "coupling.difficulty_correlation": "blind spots shared with {partner}",
    "coupling.demand_beta": "misses shared with {partner}",
    "coupling.latent_beta": "failures shared with {partner}",
}


def parameter_label(r, path):
    """A swept parameter named by its component and a plain name of its key ("AI monitor
    detection of errors"), unless the file or --label gives it a label of its own."""
    column = r.column(lambda p: p == path)
    words = results.dimension_words(path)
    if column is not None and column.label != words:
        return column.label
    component, _, key = path.partition(".")
    if component not in r.components or not key:
        return words
    name = r.component_labels[r.components.index(component)]
    plain = PLAIN_KEYS.get(key)
    if plain is None:
        return f"{name} {results.words(key.replace('.', ' '))}"
    partner = "the model"
    if "{partner}" in plain:
        resolved = r.resolved[0].splitlines() if r.resolved else []
        with_id = next((line.split("=", 1)[1].strip().strip('"') for line in resolved
                        if line.startswith(f"{component}.coupling.with =")), "")
        if with_id in r.components:
            partner = r.component_labels[r.components.index(with_id)]
    return f"{name} {plain.format(partner=partner)}"
