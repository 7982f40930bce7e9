"""Reading stsim result files (format "stsim-results", versions 1 to 3; docs/output.md)
as numpy arrays, tidy pandas tables and xarray datasets, and drawing their figures.

    import sys; sys.path.insert(0, "analysis-scripts")
    import stsim_analysis
    r = stsim_analysis.load("results/misuse.h5")
    table = r.to_dataframe()        # one row per (point, metric), as `stsim export`
    ds = r.to_xarray()              # named dimensions: point, component, time_bin...

The figures are in stsim_analysis.figures, drawn by analysis-scripts/make_figures.py.
"""

from .results import FORMAT, FORMAT_VERSIONS, ResultFileError, Results, ShardFileError, load

__all__ = ["FORMAT", "FORMAT_VERSIONS", "ResultFileError", "Results", "ShardFileError", "load"]
