"""Result files as tables: the tidy table of `stsim export` as a pandas DataFrame, and
every array as an xarray Dataset with named dimensions. pandas and xarray are imported
only here, so drawing figures needs neither."""

import numpy as np

from .results import OPTIONAL


def _key_values(r, dim, size):
    values = r.axes.get(dim)
    if values is not None and len(values) == size:
        return list(values)
    return list(range(size))


def _point_columns(r):
    """Column name -> per-point values: the point, its label and every swept parameter."""
    columns = {"point": np.arange(r.points), "point_label": r.point_labels}
    for c in r.columns:
        columns[c.path] = c.numbers if c.numeric else c.strings
    return columns


def dataframe(r, metrics=None):
    """One row per (statistics group, point, metric, further axes), as `stsim export`."""
    import pandas as pd

    wanted = set(metrics) if metrics else None
    known = {m.split("/")[0] for group in r.statistics.values() for m in group}
    if wanted and wanted - known:
        raise KeyError(f"{r.path}: no metric {', '.join(sorted(wanted - known))}; "
                       f"the file has {', '.join(sorted(known))}")
    points = _point_columns(r)
    frames = []
    for group_name, group in r.statistics.items():
        for name in sorted(group):
            metric, _, measure = name.partition("/")
            if wanted and metric not in wanted:
                continue
            m = group[name]
            shape = np.shape(m.mean)
            # A scalar statistic (/uncertainty) is one row without axes.
            index = (np.indices(shape).reshape(len(shape), -1) if shape
                     else np.zeros((0, 1), dtype=int))
            along = m.dims.index("point") if "point" in m.dims else None
            frame = {key: (np.asarray(values, dtype=object if isinstance(values, list) else None)
                           [index[along]] if along is not None else [None] * index.shape[1])
                     for key, values in points.items()}
            frame["group"] = group_name
            frame["metric"] = metric
            if measure:
                frame["measure"] = measure
            for axis, dim in enumerate(m.dims):
                if axis != along:
                    frame[dim] = np.asarray(_key_values(r, dim, shape[axis]),
                                            dtype=object)[index[axis]]
            frame["kind"] = m.kind
            frame["unit"] = m.unit
            frame["n"] = np.asarray(m.n).reshape(-1).astype(np.uint64)
            frame["estimate"] = np.asarray(m.mean).reshape(-1)
            for stat in ("stderr", "ci_low", "ci_high"):
                frame[stat] = np.asarray(getattr(m, stat)).reshape(-1)
            for stat in OPTIONAL:
                values = getattr(m, stat)
                frame[stat] = (np.full(index.shape[1], np.nan) if values is None
                               else np.asarray(values, dtype=np.float64).reshape(-1))
            frames.append(pd.DataFrame(frame))
    records = _records(r, wanted, points)
    if records:
        frames.append(pd.DataFrame(records))
    table = pd.concat(frames, ignore_index=True)
    # Further axes go after the metric, then the records' keys, as in `stsim export`.
    fixed = list(points) + ["group", "metric"] + (["measure"] if "measure" in table.columns
                                                   else [])
    tail = ["kind", "unit", "n", "estimate", "stderr", "ci_low", "ci_high", *OPTIONAL]
    keys = [c for c in RECORD_KEYS if c in table.columns]
    values = [c for c in RECORD_VALUES if c in table.columns]
    extra = [c for c in table.columns
             if c not in fixed and c not in tail and c not in keys and c not in values]
    return table[fixed + extra + keys + tail + values]


# The columns of the records that are not statistics groups, as in `stsim export`.
RECORD_KEYS = ("search", "evaluation")
RECORD_VALUES = ("search_label", "searched_value", "bracket_low", "bracket_high", "target",
                 "confidence", "verdict", "failure_free_tasks", "failure_free_hours")


def _records(r, wanted, points):
    """The rows of /uncertainty's spreads, /acceptance and /worst_case (docs/output.md)."""
    rows = []

    def at_point(p):
        return {key: values[p] for key, values in points.items()}

    def kind_unit(metric):
        m = r.metrics.get(metric)
        return {"kind": m.kind if m else None, "unit": m.unit if m else None}

    for metric, spreads in (r.uncertainty_spreads or {}).items():
        if wanted and metric not in wanted:
            continue
        for spread in ("outer_sd", "parameter_sd", "inner_stderr"):
            if spread in spreads:
                rows.append({"group": "uncertainty", "metric": metric, "measure": spread,
                             "unit": spreads["unit"], "estimate": float(spreads[spread])})
    a = r.acceptance
    if a is not None and not (wanted and a["metric"] not in wanted):
        for p in range(r.points):
            rows.append({**at_point(p), "group": "acceptance", "metric": a["metric"],
                         **{k: a[k][p] for k in ("target", "confidence", "lower_bound",
                                                 "upper_bound", "verdict", "failure_free_tasks",
                                                 "failure_free_hours")}})
    w = r.worst_case
    if w is None:
        return rows
    n = int(w["attrs"]["replications"])
    for s, first in enumerate(w["point"]):
        for metric, m in sorted(w["at_argmin"].items()):
            if wanted and metric not in wanted:
                continue
            rows.append({**at_point(first), "group": "worst_case", "metric": metric,
                         "measure": "at_argmin", "search": s, **kind_unit(metric), "n": n,
                         "estimate": m["mean"][s], "stderr": m["stderr"][s],
                         "ci_low": m["ci_low"][s], "ci_high": m["ci_high"][s],
                         "search_label": w["label"][s], "searched_value": w["argmin"][s],
                         "bracket_low": w["bracket_low"][s],
                         "bracket_high": w["bracket_high"][s]})
    metric = w["attrs"]["metric"]
    if wanted and metric not in wanted:
        return rows
    e = w["evaluations"]
    for i, s in enumerate(e["search"]):
        rows.append({**at_point(w["point"][s]), "group": "worst_case", "metric": metric,
                     "measure": "evaluation", "search": int(s), "evaluation": i,
                     **kind_unit(metric), "n": n, "estimate": e["mean"][i],
                     "stderr": e["stderr"][i], "search_label": w["label"][s],
                     "searched_value": e["value"][i]})
    return rows


# Root groups whose arrays are elsewhere: the point columns (/scenario, /design) and the
# records of the statistics table (/acceptance, /worst_case), as in `stsim export --arrays`.
_ARRAYS_ELSEWHERE = {"scenario", "design", "acceptance", "worst_case"}
_ESTIMATES = {"n", "mean", "stderr", "ci_low", "ci_high", *OPTIONAL}
_SPREADS = {"outer_sd", "parameter_sd", "inner_stderr"}


def _in_statistics_table(f, path):
    parent, _, name = path.rpartition("/")
    group = f[parent]
    if name in _ESTIMATES and all(k in group for k in ("n", "mean", "stderr", "ci_low",
                                                        "ci_high")):
        return True
    return path.startswith("uncertainty/") and name in _SPREADS


def _cells(values):
    """A dataset's values in row-major order: text as str, NaN as None."""
    flat = np.asarray(values).reshape(-1)
    if flat.dtype.kind in ("O", "S"):
        return [v.decode() if isinstance(v, bytes) else v for v in flat]
    if flat.dtype.kind == "f":
        return [None if np.isnan(v) else float(v) for v in flat]
    return [int(v) for v in flat]


def _datasets_below(f, group):
    """The datasets below a group, depth first in name order (as stsim's exporter)."""
    import h5py

    for name in sorted(f[group]):
        path = f"{group}/{name}"
        if isinstance(f[path], h5py.Group):
            yield from _datasets_below(f, path)
        else:
            yield path


def arrays_dataframe(r, groups=None):
    """Every array the statistics table does not hold, one row per element, as
    `stsim export --arrays` (docs/output.md): the point's columns, group, dataset, one
    key column per further axis (named by its dimension scale) and value."""
    import h5py
    import pandas as pd

    points = _point_columns(r)
    rows, keys, known = [], [], []
    with h5py.File(r.path, "r") as f:
        for group in f:
            if not isinstance(f[group], h5py.Group) or group in _ARRAYS_ELSEWHERE:
                continue
            for path in _datasets_below(f, group):
                if _in_statistics_table(f, path):
                    continue
                if group not in known:
                    known.append(group)
                ds = f[path]
                axes = []
                for a, size in enumerate(ds.shape):
                    name = ds.dims[a][0].name.lstrip("/") if len(ds.dims[a]) else ""
                    if name == "point" or (not name and a == 0 and size == r.points):
                        axes.append(("point", None))
                        continue
                    scale = f.get(name) if name else None
                    values = (_cells(scale[()]) if scale is not None and scale.shape == (size,)
                              else list(range(size)))
                    name = name or f"index{a}"
                    axes.append((name, values))
                    if name not in keys:
                        keys.append(name)
                if groups and group not in groups:
                    continue
                values = _cells(ds[()])
                shape = ds.shape
                for flat, value in enumerate(values):
                    index = np.unravel_index(flat, shape) if shape else ()
                    row = {}
                    for (name, coords), i in zip(axes, index):
                        if coords is None:
                            row.update({k: v[i] for k, v in points.items()})
                        else:
                            row[name] = coords[i]
                    row.update({"group": group, "dataset": path[len(group) + 1:],
                                "value": value})
                    rows.append(row)
    unknown = [g for g in groups or () if g not in known]
    if unknown:
        raise KeyError(f"{r.path}: no array group {', '.join(unknown)}; "
                       f"the file has {', '.join(known)}")
    columns = list(points) + ["group", "dataset"] + keys + ["value"]
    return pd.DataFrame(rows, columns=columns)


def dataset(r):
    """Every statistic, attribution count and time series as an xarray Dataset.

    Dimensions: point, component, origin, context, time_bin, pool with operator pools and
    reviewer with individual ones. The swept parameters and the point
    labels are coordinates along `point`; for a grid, `ds.set_index(point=[paths])
    .unstack("point")` turns the points into one dimension per parameter.
    """
    import xarray as xr

    coords = {"point": np.arange(r.points), "point_label": ("point", r.point_labels),
              "component": r.components,
              "component_label": ("component", r.component_labels),
              "component_kind": ("component", r.component_kinds),
              "origin": r.origin_names,
              "time_bin": (r.timeseries_edges[:-1] + r.timeseries_edges[1:]) / 2}
    for c in r.columns:
        coords[c.path] = ("point", c.numbers if c.numeric else np.asarray(c.strings, dtype=object),
                          {"label": c.label, "unit": c.unit})
    if r.pools:
        coords["pool"] = r.pools
    if r.reviewers:
        coords["reviewer"] = np.arange(r.reviewers)
    data = {}
    for group_name, group in r.statistics.items():
        prefix = "" if group_name == "results" else f"{group_name}_"
        for name, m in group.items():
            attrs = {"kind": m.kind, "unit": m.unit, "description": m.description}
            dims = tuple(m.dims)
            name = name.replace("/", "_")  # importance: harm_rate/raw -> importance_harm_rate_raw
            data[f"{prefix}{name}"] = (dims, m.mean, attrs)
            for stat in ("stderr", "ci_low", "ci_high", "n", *OPTIONAL):
                values = getattr(m, stat)
                if values is not None:
                    data[f"{prefix}{name}_{stat}"] = (dims, values)
    data["harms_by_origin"] = (("point", "origin"), r.harms_by_origin)
    data["near_misses_by_layer"] = (("point", "component"), r.near_misses_by_layer)
    data["harms_by_last_layer"] = (("point", "component"), r.harms_by_last_layer)
    if r.harms_by_context is not None:
        coords["context"] = r.contexts
        for name in ("harms_by_context", "near_misses_by_context", "model_errors_by_context"):
            data[name] = (("point", "context"), getattr(r, name))
    data["harms_mean"] = (("point", "time_bin"), r.harms_mean)
    data["harms_stderr"] = (("point", "time_bin"), r.harms_stderr)
    data["first_harm_counts"] = (("point", "time_bin"), r.first_harm_counts)
    data["first_harm_censored"] = ("point", r.first_harm_censored)
    data["replications"] = ("point", r.replications)
    data["tasks"] = ("point", r.tasks)
    attrs = {k: v for k, v in r.attrs.items() if isinstance(v, (str, int, float, np.number))}
    return xr.Dataset(data, coords=coords, attrs=attrs)
