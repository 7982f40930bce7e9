"""Figures from stsim result files (format "stsim-results" version 1).

One module per kind of figure; each has ``applies(results)`` and ``draw(results)``,
the latter returning a matplotlib figure and the caption's description.
"""
