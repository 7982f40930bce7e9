"""Common cause: simulated harm against the coupling between a monitor and the component
it shares causes with, beside what independence would give (the product of the model's
hazardous error rate and the monitor's miss rate)."""

import matplotlib.pyplot as plt
import numpy as np

from . import style

NAME = "coupling"


def _column(r):
    return r.column(lambda p: ".coupling." in p)


def applies(r):
    c = _column(r)
    return c is not None and c.numbers is not None


def _miss(r, point, component):
    value = r.resolved_value(point, f"{component}.detect_error")
    return 1.0 - float(value) if value is not None else np.nan


def draw(r):
    along = _column(r)
    component = along.path.split(".")[0]
    harm, hazardous = r.metric("harm_rate"), r.metric("hazardous_output_rate")
    fig, ax = plt.subplots(figsize=(style.WIDTH * 0.62, style.WIDTH * 0.45))
    positive = along.numbers[along.numbers > 0]
    for i, (name, members) in enumerate(r.groups(along)):
        idx = np.array(members)
        x = along.numbers[idx]
        seen = harm.count[idx] > 0
        ax.plot(x[seen], harm.mean[idx][seen], color=style.colour(i), marker=style.marker(i),
                label=f"simulated{', ' + name if name else ''}")
        style.band(ax, x[seen], harm.ci_low[idx][seen], harm.ci_high[idx][seen], i)
        if np.any(~seen):
            ax.plot(x[~seen], harm.upper_bound[idx][~seen], linestyle="none",
                    marker=style.BOUND_MARKER, markersize=7, markerfacecolor="none",
                    markeredgecolor=style.colour(i), label="no harm seen: 95% upper bound")
        product = hazardous.mean[idx] * np.array([_miss(r, p, component) for p in idx])
        ax.plot(x, product, linestyle="--", color=style.REFERENCE, linewidth=1.0,
                label="independence: P(hazardous error) x P(monitor miss)" if i == 0 else "_nolegend_")
    if positive.size and np.any(along.numbers == 0):
        ax.set_xscale("symlog", linthresh=float(positive.min()), linscale=0.5)
    elif positive.size == along.numbers.size:
        ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"coupling ({along.path})")
    ax.set_ylabel("system harm rate (harms per task)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    text = (f"Common cause: harm per task as {component} shares more of its causes with the "
            f"component it checks ({along.path}); band: 95% confidence interval (exact binomial). "
            f"Dashed line: the harm rate if the two failed independently, the simulated hazardous "
            f"output rate times {component}'s miss rate (1 - detect_error). The vertical gap is the "
            f"protection the independence assumption promises and the system does not deliver.")
    return fig, text
