"""The curse of flexibility: a model's reliability on the mix it was evaluated on beside
its reliability in deployment, where a [[schedule]] shifts the contexts' weights
(docs/model.md, Change over time). Left, both reliabilities at each point; right, the
harm per task there."""

import tomllib

import numpy as np

from . import layout, style

NAME = "reliability_in_deployment"


def shifts_the_mix(r):
    """Whether the scenario's schedule changes a context's weight."""
    try:
        scenario = tomllib.loads(r.scenario_text)
    except tomllib.TOMLDecodeError:
        return False
    changes = scenario.get("schedule", [])
    return any(str(c.get("set", "")).startswith("contexts.") and
               str(c.get("set", "")).endswith(".weight") for c in changes if isinstance(c, dict))


def applies(r):
    return "model_reliability" in r.metrics and shifts_the_mix(r)


def draw(r):
    deployed = r.metric("model_reliability")
    evaluated = r.metric("model_reliability_evaluation_mix")
    harm = r.metric("harm_rate")
    fig, axes, side = layout.figure(2, legend=True, panel_width=2.8, panel_height=2.4,
                                    share_x=True, share_y=False)
    left, right = axes
    points = np.arange(r.points)
    numeric = [c for c in r.columns if c.numeric and c.labels is None]
    along = numeric[0] if len(r.columns) == 1 and numeric else None
    if along is not None:
        x = along.plot_values()
        xlabel = along.axis_label()
    else:
        x = points.astype(float)
        xlabel = "point"
        for ax in axes:
            ax.set_xticks(x)
            ax.set_xticklabels([layout.wrap(r.point_text(p), 12, 2) for p in points])
    evaluation_colour, deployment_colour = style.colour(0), style.colour(1)
    style.estimates(left, x, evaluated, points, evaluation_colour, style.marker(0))
    style.estimates(left, x, deployed, points, deployment_colour, style.marker(1))
    left.set_ylabel("model reliability\n(share of outputs correct)", fontsize=8)
    any_bound = style.estimates(right, x, harm, points, deployment_colour, style.marker(1))
    right.set_yscale("log")
    right.set_ylabel("harm per task in deployment", fontsize=8)
    for ax in axes:
        layout.x_label(ax, xlabel)
    handles = [style.series_handle(evaluation_colour, style.marker(0),
                                   "on the evaluation mix (what the test reports)"),
               style.series_handle(deployment_colour, style.marker(1),
                                   "in deployment (the mix shifts)")]
    if any_bound:
        handles.append(style.bound_handle())
    layout.legend(side, handles, "reliability")
    gap = evaluated.mean - deployed.mean
    text = (f"The curse of flexibility: the model's reliability on the context mix it was "
            f"evaluated on (the file's weights, each output's context reliability averaged over "
            f"them) beside the share of its outputs that were correct in deployment, where the "
            f"scenario's schedule shifts the mix towards contexts it was not evaluated on; "
            f"right, harm per task. Bands: 95% confidence intervals. The gap between the two "
            f"reliabilities reaches {np.nanmax(gap):.3g} at "
            f"{r.point_text(int(np.nanargmax(gap)))}.")
    return fig, text
