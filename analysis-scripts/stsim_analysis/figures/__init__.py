"""The figures of a result file, one module per kind of figure. Each has NAME,
``applies(results)`` and ``draw(results)``, the latter returning a matplotlib figure and
the caption's description. Each chooses its form from the sweep's design (layout.py)."""

from . import (control, coupling, evidence, first_harm, flagship, frontier,  # noqa: F401
               importance, mechanisms, morris, paired, reviewers, shift, sobol, sweep,
               timeseries, uncertainty)

FIGURES = [flagship, sweep, mechanisms, frontier, timeseries, first_harm, coupling, paired, evidence,
           importance, sobol, morris, control, uncertainty, shift, reviewers]
NAMES = [m.NAME for m in FIGURES]
