"""Reading an stsim result file (docs/output.md) into plain numpy arrays."""

from dataclasses import dataclass

import h5py
import numpy as np

FORMAT = "stsim-results"
# Version 2 added a checksum header in the HDF5 user block, which h5py skips.
FORMAT_VERSIONS = (1, 2)


class ResultFileError(Exception):
    """A file that is not a complete stsim result of a version we can read."""


class ShardFileError(ResultFileError):
    """One slice of a sharded run (stsim run --shard): only its merged file has results
    for every point."""


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _strings(dataset):
    return [_text(v) for v in dataset.asstr()[()]]


@dataclass
class Metric:
    name: str
    kind: str
    unit: str
    description: str
    n: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    count: np.ndarray = None        # proportions and rates only
    exposure: np.ndarray = None
    upper_bound: np.ndarray = None


@dataclass
class Column:
    path: str
    numbers: np.ndarray = None      # numeric dimensions
    strings: list = None            # string dimensions
    labels: list = None             # per point, where the dimension has labels

    def value_text(self, point):
        """The value alone, for a legend whose title names the dimension."""
        if self.labels is not None:
            return self.labels[point]
        if self.strings is not None:
            return self.strings[point]
        return f"{self.numbers[point]:g}"

    def text(self, point):
        """How the value of this dimension at a point is shown to a reader."""
        if self.labels is not None:
            return self.labels[point]
        if self.strings is not None:
            return self.strings[point]
        return f"{self.path.rsplit('.', 1)[-1]}={self.numbers[point]:g}"


@dataclass
class Results:
    path: str
    attrs: dict
    points: int
    point_labels: list
    columns: list
    baseline: int
    metrics: dict
    paired: dict
    resolved: list
    components: list
    component_kinds: list
    harms_by_origin: np.ndarray
    origin_names: list
    near_misses_by_layer: np.ndarray
    harms_by_last_layer: np.ndarray
    harms_latent_involved: np.ndarray
    harms_common_cause: np.ndarray
    timeseries_edges: np.ndarray
    harms_mean: np.ndarray
    harms_stderr: np.ndarray
    first_harm_edges: np.ndarray
    first_harm_counts: np.ndarray
    first_harm_censored: np.ndarray
    tasks: np.ndarray
    replications: np.ndarray

    @property
    def scenario_name(self):
        return self.attrs["scenario_name"]

    @property
    def horizon_hours(self):
        return float(self.attrs["horizon_hours"])

    def metric(self, name):
        return self.metrics[name]

    def resolved_value(self, point, path):
        """A parameter's resolved value at a point, as text (None if absent)."""
        prefix = path + " = "
        for line in self.resolved[point].splitlines():
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        return None

    def column(self, predicate):
        """The first dimension whose path satisfies predicate, or None."""
        for c in self.columns:
            if predicate(c.path):
                return c
        return None

    def groups(self, along):
        """Points split into series along one dimension.

        Returns [(series label, [point indices ordered along `along`])], the series
        being the combinations of every other dimension, in the order of first
        appearance (the sweep's own order). Without `along`, all points form one series.
        """
        others = [c for c in self.columns if c is not along]
        series = {}
        for p in range(self.points):
            name = ", ".join(c.text(p) for c in others)
            series.setdefault(name, []).append(p)
        out = []
        for name, members in series.items():
            if along is not None and along.numbers is not None:
                # Numbers in increasing order; strings (durations, rates, edges) stay in
                # the order the sweep lists them, which is the order their author meant.
                members = sorted(members, key=lambda p: along.numbers[p])
            out.append((name, members))
        return out


def _metric_group(group, name):
    attrs = group.attrs
    m = Metric(
        name=name,
        kind=_text(attrs.get("kind", "mean")),
        unit=_text(attrs.get("unit", "")),
        description=_text(attrs.get("description", "")),
        n=group["n"][()].astype(np.float64),
        mean=group["mean"][()],
        stderr=group["stderr"][()],
        ci_low=group["ci_low"][()],
        ci_high=group["ci_high"][()],
    )
    if "count" in group:
        m.count = group["count"][()].astype(np.float64)
    if "exposure" in group:
        m.exposure = group["exposure"][()]
    if "upper_bound" in group:
        m.upper_bound = group["upper_bound"][()]
    return m


def load(path):
    """Reads a complete result file; raises ResultFileError otherwise."""
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise ResultFileError(f"{path}: cannot open as HDF5 ({error})") from error
    with f:
        attrs = {k: (_text(v) if isinstance(v, (bytes, str)) else v) for k, v in f.attrs.items()}
        if attrs.get("format") != FORMAT:
            raise ResultFileError(f"{path}: not an stsim result file (format attribute "
                                  f"{attrs.get('format')!r}, expected {FORMAT!r})")
        if int(attrs.get("format_version", -1)) not in FORMAT_VERSIONS:
            raise ResultFileError(f"{path}: format_version {attrs.get('format_version')} "
                                  f"is not one of {FORMAT_VERSIONS}, the versions this script reads")
        if attrs.get("status") != "complete":
            raise ResultFileError(f"{path}: status is {attrs.get('status')!r}, not 'complete'")
        if "shard_count" in attrs:
            raise ShardFileError(f"{path}: slice {attrs['shard_index']}/{attrs['shard_count']} of a sharded "
                                 f"run; merge the slices with `stsim merge` and draw the merged file")
        points = int(attrs["points"])

        columns = []
        if "design/columns" in f:
            names = sorted(f["design/columns"].keys(), key=int)
            for n in names:
                ds = f["design/columns"][n]
                c = Column(path=_text(ds.attrs["path"]))
                if ds.dtype.kind == "f" or ds.dtype.kind in "iu":
                    c.numbers = ds[()].astype(np.float64)
                else:
                    c.strings = _strings(ds)
                if "design/labels" in f and n in f["design/labels"]:
                    c.labels = _strings(f["design/labels"][n])
                columns.append(c)
        baseline = int(f["design/baseline"][()]) if "design/baseline" in f else None

        metrics = {name: _metric_group(f["results"][name], name) for name in f["results"]}
        paired = {}
        if "paired" in f:
            paired = {name: _metric_group(f["paired"][name], name) for name in f["paired"]}

        a = f["attribution"]
        origin = a["harms_by_origin"]
        return Results(
            path=str(path),
            attrs=attrs,
            points=points,
            point_labels=_strings(f["design/point_label"]),
            columns=columns,
            baseline=baseline,
            metrics=metrics,
            paired=paired,
            resolved=_strings(f["scenario/resolved"]),
            components=_strings(a["components"]),
            component_kinds=_strings(a["component_kinds"]),
            harms_by_origin=origin[()].astype(np.float64).reshape(points, -1),
            origin_names=[_text(v) for v in origin.attrs["names"]],
            near_misses_by_layer=a["near_misses_by_layer"][()].astype(np.float64).reshape(points, -1),
            harms_by_last_layer=a["harms_by_last_layer"][()].astype(np.float64).reshape(points, -1),
            harms_latent_involved=a["harms_latent_involved"][()].astype(np.float64),
            harms_common_cause=a["harms_common_cause"][()].astype(np.float64),
            timeseries_edges=f["timeseries/bin_edges_hours"][()],
            harms_mean=f["timeseries/harms_mean"][()].reshape(points, -1),
            harms_stderr=f["timeseries/harms_stderr"][()].reshape(points, -1),
            first_harm_edges=f["first_harm/bin_edges_hours"][()],
            first_harm_counts=f["first_harm/counts"][()].astype(np.float64).reshape(points, -1),
            first_harm_censored=f["first_harm/censored"][()].astype(np.float64),
            tasks=f["runtime/tasks"][()].astype(np.float64),
            replications=f["runtime/replications"][()].astype(np.float64),
        )


def panels(r):
    """Small multiples: one panel per combination of every dimension but the last, one
    line per value of the last. Returns [(panel title, [(line label, point)])]."""
    if not r.columns:
        return [("", [(r.scenario_name, 0)])]
    last = r.columns[-1]
    out = []
    for title, members in r.groups(last):
        out.append((title, [(last.value_text(p), p) for p in members]))
    return out
