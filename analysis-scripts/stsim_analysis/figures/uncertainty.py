"""How sure are we (an uncertainty sweep): the distribution of the harm rate per task
over the outer sample of uncertain parameters, beside that of the model's error rate,
with their medians and 5% and 95% quantiles."""

import math

import numpy as np

from . import layout, style

NAME = "uncertainty"
SHOWN = (("model_error_rate", "model errors"), ("harm_rate", "harm"))


def applies(r):
    return (r.design == "uncertainty" and r.points >= 2
            and all(metric in r.metrics for metric, _ in SHOWN))


def _per(values):
    """A power of ten that brings the largest value to between 1 and 1000 per that many
    tasks, so that the axis reads "per 1,000 tasks" rather than with an exponent."""
    top = float(np.nanmax(values)) if np.size(values) else 0.0
    if not np.isfinite(top) or top <= 0 or top >= 1:
        return 1
    return int(10 ** max(0, math.ceil(-math.log10(top))))


def draw(r):
    estimates = {metric: np.asarray(r.metrics[metric].mean, dtype=float) for metric, _ in SHOWN}
    fig, axes, _ = layout.figure(len(SHOWN), panel_width=3.2, panel_height=2.6, share_x=False,
                                 share_y=False)
    quantiles = {}
    for k, (ax, (metric, words)) in enumerate(zip(axes, SHOWN)):
        # Each panel in its own units: harm is far rarer than model errors.
        per = _per(estimates[metric])
        values = estimates[metric][np.isfinite(estimates[metric])] * per
        low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
        quantiles[metric] = (low / per, median / per, high / per)
        ax.hist(values, bins=min(30, max(8, len(values) // 8)), color=style.OKABE_ITO[k],
                alpha=0.85)
        for x, dash in ((low, ":"), (median, "-"), (high, ":")):
            ax.axvline(x, color="black", linewidth=0.9, linestyle=dash)
        ax.text(high, ax.get_ylim()[1] * 0.97, " 95%", fontsize=6.5, va="top")
        ax.text(median, ax.get_ylim()[1] * 0.9, " median", fontsize=6.5, va="top")
        unit = "per task" if per == 1 else f"per {per:,} tasks"
        layout.x_label(ax, f"{words} {unit}")
        layout.title(ax, f"{words[0].upper()}{words[1:]}: {style_number(median)} {unit} "
                         f"(90% between {style_number(low)} and {style_number(high)})")
        if k == 0:
            ax.set_ylabel("outer samples")
    inner = r.metrics["harm_rate"].stderr
    inner = float(np.sqrt(np.nanmean(np.asarray(inner, dtype=float) ** 2)))
    spread = float(np.nanstd(estimates["harm_rate"], ddof=1))
    uncertain = ", ".join(layout.parameter_label(r, c.path) for c in r.columns)
    low, median, high = quantiles["harm_rate"]
    description = (
        "The distribution of the harm rate per task (right) and of the model's error rate "
        f"(left) over {r.points} outer samples of the uncertain parameters ({uncertain}), "
        "each sample run with its own replications: a two-level Monte Carlo. Solid line: "
        "the median; dotted: the 5% and 95% quantiles. Harm per task: median "
        f"{median:.3g}, 90% of samples between {low:.3g} and {high:.3g}. The inner Monte "
        f"Carlo error of one sample's harm rate is {inner:.2g} beside a spread of "
        f"{spread:.2g} over the samples, so the spread is "
        + ("mostly the parameters' uncertainty" if inner < spread / 2 else
           "largely Monte Carlo error: more replications per sample are needed") +
        " (docs/sensitivity.md).")
    return fig, description


def style_number(x):
    return f"{x:.3g}"
