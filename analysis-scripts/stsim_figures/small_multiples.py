"""A grid of panels sharing axes, sized for a page."""

import math

import matplotlib.pyplot as plt

from . import style


def grid(count, height_per_row=1.9):
    columns = min(count, 3)
    rows = math.ceil(count / columns)
    width = style.WIDTH if columns > 1 else style.WIDTH * 0.62
    fig, axes = plt.subplots(rows, columns, figsize=(width, 0.6 + height_per_row * rows),
                             sharex=True, sharey=True, squeeze=False,
                             layout="constrained")
    flat = [a for row in axes for a in row]
    for a in flat[count:]:
        a.set_visible(False)
    return fig, flat[:count]
