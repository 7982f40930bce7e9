"""Reading an stsim result file (docs/output.md) into plain numpy arrays.

Reads format "stsim-results" versions 1 to 3. Version 2 added a checksum header (an HDF5
user block, which h5py skips); version 3 adds dimension scales, labels in words for
swept dimensions and components, and swept durations and rates as numbers (hours, per
hour). Older files get the same labels derived from their paths, and keep their swept
durations as the text they were written as.
"""

from dataclasses import dataclass, field

import h5py
import numpy as np

FORMAT = "stsim-results"
FORMAT_VERSIONS = (1, 2, 3)
SAMPLED_DESIGNS = ("latin_hypercube", "sobol", "saltelli", "morris", "uncertainty")

# The datasets that make a group of a statistics group one metric's estimates.
ESTIMATES = ("n", "mean", "stderr", "ci_low", "ci_high")
# Present for some statistics only: proportions and rates, one-sided bounds.
OPTIONAL = ("count", "exposure", "upper_bound", "lower_bound")


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


def words(name):
    """An id or a path part in words, as stsim writes default labels: dose_check -> dose check."""
    return name.replace("_", " ").replace("-", " ")


def dimension_words(path):
    """stsim's default label of a swept dimension (version 1 files have none stored)."""
    for prefix in ("scenario.", "contexts."):
        if path.startswith(prefix):
            path = path[len(prefix):]
    return " ".join(words(part) for part in path.split("."))


def short_number(x):
    """A number as a reader writes it: at most 4 significant digits, no float noise."""
    if not np.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "none")
    return f"{x:.4g}"


# (hours, name, a whole count is said below this many, said as a fraction too)
UNITS = ((8760, "year", 1e9, True), (24 * 7, "week", 52, False), (24, "day", 365, True),
         (1, "hour", 24, True), (1 / 60, "minute", 60, True), (1 / 3600, "second", 60, True))


def duration_text(hours):
    """A duration in hours as stsim says it (scenario::duration_words in sim/scenario/units):
    336 h: 2 weeks, 720 h: 30 days, 0.05 h: 3 minutes, 1.5 h: 1.5 hours, 1000 h: 41.7 days."""
    if hours == 0:
        return "0"
    if not np.isfinite(hours):
        return short_number(hours)

    def words(count, unit):
        text = f"{count:.3g}"
        return f"{text} {unit}" + ("" if text == "1" else "s")

    for size, unit, below, _ in UNITS:
        count = abs(hours) / size
        if 1 <= count < below and abs(count - round(count)) <= 1e-9 * count:
            return words(round(count) * np.sign(hours), unit)
    for size, unit, _, fraction in UNITS:
        if fraction and abs(hours) / size >= 1:
            return words(hours / size, unit)
    return words(hours * 3600, "second")


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
    lower_bound: np.ndarray = None  # one-sided bounds of /evidence means
    dims: tuple = ("point",)        # the axes of each array (dimension scales' names)


@dataclass
class Column:
    """One swept dimension: its values at every point, and how to name them."""
    path: str
    label: str                      # the dimension in words ("pharmacist detection")
    unit: str = ""                  # "hours", "per hour" or "" (version 3 files)
    numbers: np.ndarray = None      # numeric dimensions
    strings: list = None            # string dimensions
    labels: list = None             # per point, where the dimension has value labels
    sampling: str = ""              # "log" or "linear" for a sampled dimension, else ""

    @property
    def numeric(self):
        return self.numbers is not None

    def distinct(self):
        """Point indices of the first point with each value, in order of first appearance."""
        seen, first = set(), []
        for p in range(len(self.numbers) if self.numeric else len(self.strings)):
            key = self.key(p)
            if key not in seen:
                seen.add(key)
                first.append(p)
        return first

    def key(self, point):
        """A value that tells points apart along this dimension."""
        if self.labels is not None:
            return self.labels[point]
        return self.numbers[point] if self.numeric else self.strings[point]

    def value_text(self, point):
        """The value alone, for a legend or axis that names the dimension."""
        if self.labels is not None:
            return self.labels[point]
        if not self.numeric:
            return self.strings[point]
        return self.format(self.numbers[point])

    def format(self, x):
        """A number of this dimension as a reader reads it, in its unit."""
        if self.unit == "hours":
            return duration_text(x)
        if self.unit == "per hour":
            return f"{short_number(x)} per hour"
        return short_number(x)

    def text(self, point):
        """The dimension and its value, for a title: "pharmacist detection 0.9"."""
        if self.labels is not None:
            return self.labels[point]
        return f"{self.label} {self.value_text(point)}"

    def scale(self):
        """(factor, unit) for drawing this dimension's numbers: durations in the unit
        that suits their range (minutes, hours or days), rates per hour."""
        if self.unit == "hours" and self.numeric:
            finite = self.numbers[np.isfinite(self.numbers) & (self.numbers > 0)]
            top = finite.max() if finite.size else 1.0
            if top < 2:
                return 60.0, "minutes"
            if top >= 96:
                return 1 / 24, "days"
            return 1.0, "hours"
        return 1.0, self.unit

    def plot_values(self):
        """The numbers as drawn, in the unit of scale()."""
        return self.numbers * self.scale()[0]

    def axis_label(self):
        """The dimension's name with the unit of plot_values(); value labels stand alone."""
        unit = self.scale()[1]
        return f"{self.label} ({unit})" if unit and self.labels is None else self.label


@dataclass
class Results:
    path: str
    attrs: dict
    format_version: int
    points: int
    design: str
    point_labels: list
    columns: list
    baseline: int
    statistics: dict                # group name -> {metric name -> Metric}
    resolved: list
    components: list
    component_kinds: list
    component_labels: list
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
    precision_target_met: np.ndarray = None   # precision stopping only
    survival: np.ndarray = None               # Kaplan-Meier [P x (B+1)] and its bounds
    survival_low: np.ndarray = None
    survival_high: np.ndarray = None
    acceptance: dict = None  # /acceptance datasets and its "metric", with a harm rate target
    axes: dict = field(default_factory=dict)  # dimension scale name -> values
    # stsim run --importance: metric -> measure -> {"mean", "stderr", "ci_low", "ci_high"}
    # (arrays along importance_layers); None without /importance.
    importance: dict = None
    importance_layers: list = field(default_factory=list)  # component ids
    importance_reference: str = ""  # the point the measures are of, in words
    # A saltelli or morris sweep: metric -> index -> {"mean", "stderr", "ci_low",
    # "ci_high"} (arrays along sensitivity_dimensions, the swept paths); None otherwise.
    sensitivity: dict = None
    sensitivity_dimensions: list = field(default_factory=list)
    # [sweep.worst_case]: the red team's best response per search (docs/output.md, "Worst
    # case"): "label", "point", "argmin", "minimum", "ci_low", "ci_high", "bracket_low",
    # "bracket_high" (arrays along the searches), "at_argmin" (metric -> {"mean", "stderr",
    # "ci_low", "ci_high"}), "evaluations" ({"search", "value", "mean", "stderr"}) and the
    # group's attributes; None without /worst_case.
    worst_case: dict = None
    # An uncertainty sweep: metric -> {"outer_sd", "parameter_sd", "inner_stderr", "unit"}
    # (scalars); None otherwise.
    uncertainty_spreads: dict = None
    scenario_text: str = ""  # /scenario/text: the scenario file, byte for byte
    # Per context (file order; None in files written before stsim recorded them): the
    # harms, near misses and model errors of its tasks, [P x X].
    contexts: list = field(default_factory=list)
    harms_by_context: np.ndarray = None
    near_misses_by_context: np.ndarray = None
    model_errors_by_context: np.ndarray = None
    # The operator pools' ids (scenario order), the `pool` axis of the "queues" statistics
    # group; empty without pools.
    pools: list = field(default_factory=list)
    # The reviewer axis of the "reviewers" statistics group [P x Q x R] (individual pools):
    # R, the most reviewers any individual pool has at any point; 0 without one.
    reviewers: int = 0

    @property
    def metrics(self):
        return self.statistics.get("results", {})

    @property
    def harm_seen(self):
        """Whether any point had a harm: without one, the figures of harms have nothing to
        draw (an evaluation scored by other metrics, such as a control evaluation's safety)."""
        return bool(np.any(self.harms_by_origin > 0))

    @property
    def paired(self):
        return self.statistics.get("paired", {})

    @property
    def scenario_name(self):
        return self.attrs["scenario_name"]

    @property
    def horizon_hours(self):
        return float(self.attrs["horizon_hours"])

    @property
    def sampled(self):
        """Whether the points are samples of a continuous design rather than named values."""
        return self.design in SAMPLED_DESIGNS

    def point_text(self, point):
        """A point in words: each swept dimension's value label, or its name and value."""
        if not self.columns:
            return self.scenario_name
        return ", ".join(c.text(point) for c in self.columns)

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

    def component_label(self, index):
        return self.component_labels[index]

    def relabel(self, labels, strict=True):
        """Replaces labels without re-running: `labels` maps a component id or a swept
        dimension's path to its new label, and "PATH=VALUE" (VALUE as the value's current
        text or label) to a new label for that value. Returns the keys that name nothing
        in this file; with `strict`, raises ResultFileError for them instead."""
        unknown = []
        for key, text in labels.items():
            if "=" in key:
                path, value = key.split("=", 1)
                column = self.column(lambda p, path=path: p == path)
                if column is None:
                    unknown.append(key)
                    continue
                texts = [column.value_text(p) for p in range(self.points)]
                if value not in texts:
                    unknown.append(key)
                    continue
                column.labels = [text if t == value else t for t in texts]
                self.point_labels = [", ".join(c.value_text(p) if c.labels is not None
                                               else f"{c.path}={c.value_text(p)}"
                                               for c in self.columns)
                                     for p in range(self.points)]
            elif key in self.components:
                self.component_labels[self.components.index(key)] = text
            elif self.column(lambda p, key=key: p == key) is not None:
                self.column(lambda p, key=key: p == key).label = text
            else:
                unknown.append(key)
        if unknown and strict:
            raise ResultFileError(f"{self.path}: nothing to relabel for {', '.join(unknown)}: "
                                  f"expected a component id ({', '.join(self.components)}), a "
                                  f"swept path ({', '.join(c.path for c in self.columns) or 'none'}) "
                                  f"or PATH=VALUE")
        return unknown

    def to_dataframe(self, metrics=None):
        """The tidy table `stsim export` prints, as a pandas DataFrame (see tables.py)."""
        from . import tables
        return tables.dataframe(self, metrics)

    def arrays_dataframe(self, groups=None):
        """The arrays `stsim export --arrays` prints (attribution, time series, first
        harms, runtime, rare-event diagnostics), one row per element (see tables.py)."""
        from . import tables
        return tables.arrays_dataframe(self, groups)

    def to_xarray(self):
        """Every statistic as an xarray Dataset along `point` (see tables.py)."""
        from . import tables
        return tables.dataset(self)


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
        dims=_dims(group["mean"]),
    )
    if "count" in group:
        m.count = group["count"][()].astype(np.float64)
    for name in OPTIONAL[1:]:
        if name in group:
            setattr(m, name, group[name][()])
    return m


def _dims(dataset):
    """The names of a dataset's dimension scales; a version 1 file's are one per point."""
    names = []
    for axis, dim in enumerate(dataset.dims):
        names.append(dim[0].name.rsplit("/", 1)[-1] if len(dim) else
                     ("point" if axis == 0 else f"axis{axis}"))
    return tuple(names)


def _statistics(f):
    """Every statistics group: a root group whose subgroups hold the estimates. Groups a
    later version adds in the same shape are read without change here."""
    groups = {}
    for name, group in f.items():
        if not isinstance(group, h5py.Group):
            continue
        found = {}
        for m, g in group.items():
            if not isinstance(g, h5py.Group):
                continue
            if all(k in g for k in ESTIMATES):
                found[m] = _metric_group(g, m)
                continue
            # One level deeper: a metric's measures (/importance/<metric>/<measure>).
            for measure, sub in g.items():
                if isinstance(sub, h5py.Group) and all(k in sub for k in ESTIMATES):
                    found[f"{m}/{measure}"] = _metric_group(sub, f"{m}/{measure}")
        if found:
            groups[name] = found
    return dict(sorted(groups.items(), key=lambda item: item[0] != "results"))


def _columns(f):
    columns = []
    if "design/columns" not in f:
        return columns
    for n in sorted(f["design/columns"].keys(), key=int):
        ds = f["design/columns"][n]
        path = _text(ds.attrs["path"])
        c = Column(path=path, label=_text(ds.attrs.get("label", dimension_words(path))),
                   unit=_text(ds.attrs.get("unit", "")),
                   sampling=_text(ds.attrs.get("sampling", "")))
        if ds.dtype.kind in "fiu":
            c.numbers = ds[()].astype(np.float64)
        else:
            c.strings = _strings(ds)
        if "design/labels" in f and n in f["design/labels"]:
            c.labels = _strings(f["design/labels"][n])
        columns.append(c)
    return columns


def _importance(f):
    """/importance/<metric>/<measure>: the measures of each layer (docs/sensitivity.md)."""
    if "importance" not in f:
        return None, [], ""
    group = f["importance"]
    layers = _strings(f["layer"])
    out = {}
    for metric, g in group.items():
        if not isinstance(g, h5py.Group):
            continue
        out[metric] = {measure: {k: m[k][()] for k in ("mean", "stderr", "ci_low", "ci_high")}
                       for measure, m in g.items() if isinstance(m, h5py.Group)}
    return out, layers, _text(group.attrs.get("reference", ""))


def _sensitivity(f):
    """/sensitivity/<metric>/<index>: the indices of each swept path (docs/sensitivity.md)."""
    if "sensitivity" not in f:
        return None, []
    out = {}
    for metric, g in f["sensitivity"].items():
        if not isinstance(g, h5py.Group):
            continue
        out[metric] = {index: {k: m[k][()] for k in ("mean", "stderr", "ci_low", "ci_high")}
                       for index, m in g.items() if isinstance(m, h5py.Group)}
    return out, _strings(f["dimension"])


def _uncertainty_spreads(f):
    """/uncertainty/<metric>/{outer_sd, parameter_sd, inner_stderr} (docs/output.md)."""
    if "uncertainty" not in f:
        return None
    return {metric: {**{k: g[k][()] for k in ("outer_sd", "parameter_sd", "inner_stderr")
                        if k in g}, "unit": _text(g.attrs.get("unit", ""))}
            for metric, g in sorted(f["uncertainty"].items()) if isinstance(g, h5py.Group)}


def _worst_case(f):
    """/worst_case: one row per search of the red team's best response."""
    if "worst_case" not in f:
        return None
    g = f["worst_case"]
    out = {k: (_strings(g[k]) if g[k].dtype.kind == "O" else g[k][()])
           for k in ("label", "point", "argmin", "minimum", "stderr", "ci_low", "ci_high",
                     "bracket_low", "bracket_high")}
    out["at_argmin"] = {metric: {k: m[k][()] for k in ("mean", "stderr", "ci_low", "ci_high")}
                        for metric, m in g["at_argmin"].items()}
    out["evaluations"] = {k: v[()] for k, v in g["evaluations"].items()}
    out["attrs"] = {k: (_text(v) if isinstance(v, (bytes, str)) else v) for k, v in g.attrs.items()}
    return out


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
        version = int(attrs.get("format_version", -1))
        if version not in FORMAT_VERSIONS:
            newer = ("; a newer stsim wrote it: use the analysis-scripts of that stsim"
                     if version > max(FORMAT_VERSIONS) else "")
            raise ResultFileError(
                f"{path}: result file format version {attrs.get('format_version')}; this script "
                f"reads versions {min(FORMAT_VERSIONS)} to {max(FORMAT_VERSIONS)}{newer}")
        if attrs.get("status") != "complete":
            raise ResultFileError(f"{path}: status is {attrs.get('status')!r}, not 'complete'")
        if "shard_count" in attrs:
            raise ShardFileError(f"{path}: slice {attrs['shard_index']}/{attrs['shard_count']} of a sharded "
                                 f"run; merge the slices with `stsim merge` and draw the merged file")
        points = int(attrs["points"])
        baseline = int(f["design/baseline"][()]) if "design/baseline" in f else None

        a = f["attribution"]
        origin = a["harms_by_origin"]
        components = _strings(a["components"])
        axes = {}
        for name, ds in f.items():
            if isinstance(ds, h5py.Dataset) and ds.attrs.get("CLASS") == b"DIMENSION_SCALE":
                axes[name] = _strings(ds) if ds.dtype.kind == "O" else ds[()]
        met = f["runtime/precision_target_met"][()].astype(bool) \
            if "runtime/precision_target_met" in f else None
        importance, importance_layers, importance_reference = _importance(f)
        sensitivity, sensitivity_dimensions = _sensitivity(f)
        worst_case = _worst_case(f)
        fh = f["first_harm"]
        survival = {k: fh[k][()].reshape(points, -1) for k in ("survival", "survival_low",
                                                             "survival_high") if k in fh}
        acceptance = None
        if "acceptance" in f:
            acceptance = {k: (_strings(v) if v.dtype.kind == "O" else v[()])
                          for k, v in f["acceptance"].items()}
            acceptance["metric"] = _text(f["acceptance"].attrs.get("metric", "harm_rate"))
        return Results(
            path=str(path),
            attrs=attrs,
            format_version=version,
            points=points,
            design=attrs.get("design", "none"),
            point_labels=_strings(f["design/point_label"]),
            columns=_columns(f),
            baseline=baseline,
            statistics=_statistics(f),
            resolved=_strings(f["scenario/resolved"]),
            scenario_text=_text(f["scenario/text"][()]) if "scenario/text" in f else "",
            components=components,
            component_kinds=_strings(a["component_kinds"]),
            component_labels=(_strings(a["component_labels"]) if "component_labels" in a
                              else [words(c) for c in components]),
            harms_by_origin=origin[()].astype(np.float64).reshape(points, -1),
            origin_names=[_text(v) for v in origin.attrs["names"]],
            near_misses_by_layer=a["near_misses_by_layer"][()].astype(np.float64).reshape(points, -1),
            harms_by_last_layer=a["harms_by_last_layer"][()].astype(np.float64).reshape(points, -1),
            contexts=_strings(f["context"]) if "context" in f else [],
            pools=_strings(f["pool"]) if "pool" in f else [],
            reviewers=len(f["reviewer"]) if "reviewer" in f else 0,
            **{name: (a[name][()].astype(np.float64).reshape(points, -1) if name in a else None)
               for name in ("harms_by_context", "near_misses_by_context",
                            "model_errors_by_context")},
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
            precision_target_met=met,
            survival=survival.get("survival"),
            survival_low=survival.get("survival_low"),
            survival_high=survival.get("survival_high"),
            acceptance=acceptance,
            axes=axes,
            importance=importance,
            importance_layers=importance_layers,
            importance_reference=importance_reference,
            sensitivity=sensitivity,
            sensitivity_dimensions=sensitivity_dimensions,
            worst_case=worst_case,
            uncertainty_spreads=_uncertainty_spreads(f),
        )
