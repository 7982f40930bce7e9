"""Shared look and reproducible output: Okabe-Ito colours, plain axes, files whose bytes
depend only on the data (no dates, no software stamps, a fixed SVG hash salt)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.lines  # noqa: E402
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Okabe & Ito (2008), distinguishable under the common colour-vision deficiencies.
# Black comes last: it is kept for reference lines.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
REFERENCE = "#555555"
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "h"]
BOUND_MARKER = 7  # matplotlib's caret-down: "the true value is at or below this"

WIDTH = 6.5  # inches: a page's text width


def colour(i):
    return OKABE_ITO[i % len(OKABE_ITO)]


def marker(i):
    return MARKERS[i % len(MARKERS)]


def setup():
    matplotlib.rcParams.update(matplotlib.rcParamsDefault)
    matplotlib.rcParams.update({
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "legend.fontsize": 7,
        "legend.frameon": False,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
        "lines.linewidth": 1.4,
        "lines.markersize": 4,
        "pdf.fonttype": 42,   # embed TrueType fonts in PDFs
        "ps.fonttype": 42,
        "svg.hashsalt": "stsim",
        "path.simplify": False,
        "figure.dpi": 100,
        "savefig.dpi": 300,
    })


def readable_log_axes(fig):
    """Labels the minor ticks of a logarithmic axis that spans two decades or less (2e-4,
    5e-4...), so that a reader can read a value off it, not only the powers of ten."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_minor_formatter(matplotlib.ticker.LogFormatterSciNotation(
                    labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def save(fig, stem):
    """Writes stem.png (300 dpi) and stem.pdf (fonts embedded), free of dates."""
    readable_log_axes(fig)
    fig.savefig(f"{stem}.png", dpi=300, metadata={"Software": None})
    fig.savefig(f"{stem}.pdf", metadata={"CreationDate": None, "ModDate": None,
                                          "Producer": None, "Creator": None})
    plt.close(fig)


def band(ax, x, low, high, colour, log=True):
    """An interval band; where the axis is logarithmic, non-positive ends are dropped."""
    x, low, high = map(np.asarray, (x, low, high))
    ok = np.isfinite(low) & np.isfinite(high)
    if log:
        ok &= (low > 0) & (high > 0)
    # Fill each run of consecutive valid points, so a gap is never bridged.
    start = None
    for k in range(len(x) + 1):
        if k < len(x) and ok[k]:
            if start is None:
                start = k
        elif start is not None:
            s = slice(start, k)
            if k - start == 1:
                ax.plot([x[start]] * 2, [low[start], high[start]], color=colour, alpha=0.5,
                        linewidth=3, solid_capstyle="butt")
            else:
                ax.fill_between(x[s], low[s], high[s], color=colour, alpha=0.2, linewidth=0)
            start = None


def estimates(ax, x, metric, idx, colour, marker, label=None, line=True, bands=True):
    """A metric's estimates at points `idx` against x: a line (or markers) with a 95%
    band where events were seen, and open carets at the 95% upper bound where none were.
    Returns whether any caret was drawn."""
    idx = np.asarray(idx, dtype=int)
    x = np.asarray(x, dtype=float)
    seen = metric.count[idx] > 0 if metric.count is not None else np.isfinite(metric.mean[idx])
    ax.plot(x[seen], metric.mean[idx][seen], color=colour, marker=marker,
            linestyle="-" if line else "none", label=label if label is not None else "_nolegend_")
    if bands:
        band(ax, x[seen], metric.ci_low[idx][seen], metric.ci_high[idx][seen], colour)
    unseen = ~seen & np.isfinite(metric.upper_bound[idx]) if metric.upper_bound is not None \
        else np.zeros(idx.size, dtype=bool)
    if np.any(unseen):
        ax.plot(x[unseen], metric.upper_bound[idx][unseen], linestyle="none", marker=BOUND_MARKER,
                markersize=7, markerfacecolor="none", markeredgecolor=colour)
    return bool(np.any(unseen))


def bounds(ax, x, y, colours):
    """Open carets at zero-event upper bounds, each in its point's colour."""
    for xi, yi, c in zip(x, y, colours):
        ax.plot([xi], [yi], linestyle="none", marker=BOUND_MARKER, markersize=6,
                markerfacecolor="none", markeredgecolor=c)


def bound_handle():
    """The legend entry explaining open carets."""
    return matplotlib.lines.Line2D([], [], linestyle="none", marker=BOUND_MARKER, markersize=7,
                                   markerfacecolor="none", markeredgecolor=REFERENCE,
                                   label="no harm seen: 95% upper bound")


def series_handle(colour, marker, label):
    return matplotlib.lines.Line2D([], [], color=colour, marker=marker, label=label)
