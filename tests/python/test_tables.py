"""Tables from result files: `stsim export` against h5py, the analysis package's
to_dataframe() and to_xarray(), xarray with h5netcdf, and files of the older formats.

Run by CTest (tests/CMakeLists.txt) with STSIM_BINARY set to the built `stsim`.
"""

import csv
import io
import json
import math
import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1]
STSIM = os.environ["STSIM_BINARY"]
sys.path.insert(0, str(SOURCE / "analysis-scripts"))

import stsim_analysis  # noqa: E402
from support import crc64_header, run  # noqa: E402

ESTIMATES = {"n": "n", "estimate": "mean", "stderr": "stderr", "ci_low": "ci_low",
             "ci_high": "ci_high", "count": "count", "exposure": "exposure",
             "upper_bound": "upper_bound", "lower_bound": "lower_bound"}
work = None


def setUpModule():
    global work
    work = Path(tempfile.mkdtemp(prefix="stsim-python-tables-"))
    run([STSIM, "run", str(HERE / "data" / "small-sweep.toml"), "-o", str(work / "sweep.h5"),
         "--progress", "none"])


def tearDownModule():
    shutil.rmtree(work, ignore_errors=True)


def same(text_or_value, stored):
    """A value of the table equals the stored one bit for bit (missing = NaN)."""
    if text_or_value in ("", None):
        return isinstance(stored, float) and math.isnan(stored)
    if isinstance(text_or_value, str) and text_or_value in ("inf", "-inf"):
        return float(text_or_value) == stored
    value = float(text_or_value) if isinstance(text_or_value, str) else text_or_value
    return value == stored


def statistics_groups(f):
    return {name: group for name, group in f.items()
            if isinstance(group, h5py.Group) and any(
                isinstance(g, h5py.Group) and "mean" in g for g in group.values())}


class ExportRoundTrip(unittest.TestCase):
    def check_rows(self, rows, path):
        with h5py.File(path, "r") as f:
            points = int(f.attrs["points"])
            groups = statistics_groups(f)
            # One row per element: point, and pool for /queues' [P x Q] groups.
            expected = sum(m["mean"].size for g in groups.values() for m in g.values())
            self.assertEqual(len(rows), expected)
            columns = {f["design/columns"][d].attrs["path"]: f["design/columns"][d][()]
                       for d in f["design/columns"]}
            seen = set()
            for row in rows:
                p = int(row["point"])
                group = f[row["group"]][row["metric"]]
                index = (p,)
                if group["mean"].ndim == 2:
                    axis = group["mean"].dims[1][0].name.lstrip("/")
                    index = (p, list(f[axis].asstr()[()]).index(row[axis]))
                seen.add((row["group"], row["metric"], *index))
                self.assertEqual(row["point_label"], f["design/point_label"].asstr()[p])
                self.assertEqual(row["kind"], group.attrs["kind"])
                for name, values in columns.items():
                    stored = values[p]
                    if isinstance(stored, bytes):
                        self.assertEqual(row[name], stored.decode())
                    else:
                        self.assertTrue(same(row[name], float(stored)), (name, row[name], stored))
                for column, dataset in ESTIMATES.items():
                    if dataset not in group:
                        self.assertIn(row[column], ("", None), column)
                        continue
                    stored = group[dataset][index]
                    stored = float(stored) if stored.dtype.kind == "f" else int(stored)
                    self.assertTrue(same(row[column], stored),
                                    (row["group"], row["metric"], p, column, row[column], stored))
            self.assertEqual(len(seen), expected)  # every (group, metric, point) exactly once

    def test_csv_holds_every_statistic_bit_for_bit(self):
        path = work / "sweep.h5"
        out = run([STSIM, "export", str(path)]).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual({r["group"] for r in rows}, {"results", "paired", "evidence", "queues"})
        queues = [r for r in rows if r["group"] == "queues"]
        self.assertEqual({r["pool"] for r in queues}, {"review"})
        self.assertEqual(len(queues), 8 * 7)  # points x measures, one pool
        self.check_rows(rows, path)
        # Durations are numbers of hours, whatever the file wrote ("2m", "5m").
        self.assertEqual({r["review.review_time"] for r in rows}, {repr(2 / 60), repr(5 / 60)})

    def test_json_holds_every_statistic_bit_for_bit(self):
        path = work / "sweep.h5"
        rows = json.loads(run([STSIM, "export", str(path), "--format", "json"]).stdout)
        self.check_rows(rows, path)
        self.assertIsInstance(rows[0]["model.reliability"], float)
        self.assertIsInstance(rows[0]["n"], int)
        self.assertEqual(rows[0]["model.next.pass"], "world")

    def test_export_to_a_file_and_by_metric(self):
        out = work / "harm.csv"
        run([STSIM, "export", str(work / "sweep.h5"), "--metric", "harm_rate", "--metric",
             "model_error_rate", "-o", str(out)])
        with out.open() as f:
            rows = list(csv.DictReader(f))
        self.assertEqual({(r["group"], r["metric"]) for r in rows},
                         {(g, m) for g in ("results", "paired")
                          for m in ("harm_rate", "model_error_rate")})
        self.assertEqual(len(rows), 4 * 8)

    def test_an_unknown_metric_is_named_with_the_closest(self):
        done = run([STSIM, "export", str(work / "sweep.h5"), "--metric", "harm_rat"], expect=2)
        self.assertEqual(done.stdout, "")
        self.assertEqual(done.stderr, f"stsim export: error: {work / 'sweep.h5'}: the file has no "
                                      f"metric 'harm_rat'; did you mean 'harm_rate'?\n")

    def test_dataframe_is_the_exported_table(self):
        table = assert_dataframe_is_the_export(self, work / "sweep.h5")
        harm = table[(table.metric == "harm_rate") & (table.group == "results")]
        self.assertEqual(harm["model.reliability"].dtype, np.float64)
        self.assertEqual(sorted(set(harm["model.reliability"])), [0.9, 0.99])

    def test_the_one_sided_bound_of_evidence_is_exported(self):
        rows = list(csv.DictReader(io.StringIO(run([STSIM, "export", str(work / "sweep.h5")]).stdout)))
        bounds = [r["lower_bound"] for r in rows if r["metric"] == "mean_time_to_first_harm"]
        self.assertEqual(len(bounds), 8)
        self.assertTrue(all(b != "" for b in bounds))


def assert_dataframe_is_the_export(test, path):
    """to_dataframe() equals `stsim export` read by pandas, column by column, bit for bit."""
    import pandas as pd
    # round_trip: pandas' default float parser may be off by one unit in the last place.
    exported = pd.read_csv(io.StringIO(run([STSIM, "export", str(path)]).stdout),
                           keep_default_na=False, na_values=[""], float_precision="round_trip")
    table = stsim_analysis.load(path).to_dataframe()
    test.assertEqual(list(table.columns), list(exported.columns))
    test.assertEqual(len(table), len(exported))
    for column in table.columns:
        mine, theirs = table[column].tolist(), exported[column].tolist()
        for a, b in zip(mine, theirs):
            if isinstance(a, str) or isinstance(b, str):
                test.assertEqual(str(a), str(b), column)
            elif a is None or b is None:
                test.assertTrue((a is None or math.isnan(a)) and (b is None or math.isnan(b)),
                                (column, a, b))
            else:
                test.assertTrue(a == b or (math.isnan(a) and math.isnan(b)), (column, a, b))
    return table


class Records(unittest.TestCase):
    """The results that are not statistics groups - the red team's best response, the
    acceptance test and the spreads of an uncertainty sweep - are rows of the export too,
    every stored value bit for bit (docs/output.md, "Tidy table")."""

    @classmethod
    def setUpClass(cls):
        cls.control = work / "records.h5"
        cls.uncertain = work / "uncertain.h5"
        for name, path in (("records", cls.control), ("uncertain", cls.uncertain)):
            run([STSIM, "run", str(HERE / "data" / f"{name}.toml"), "-o", str(path),
                 "--progress", "none"])

    def rows(self, path, *options):
        return list(csv.DictReader(io.StringIO(run([STSIM, "export", str(path), *options]).stdout)))

    def test_worst_case_rows_hold_every_dataset_of_worst_case(self):
        rows = self.rows(self.control)
        with h5py.File(self.control, "r") as f:
            w = f["worst_case"]
            searches, metric = len(w["argmin"]), w.attrs["metric"]
            at_argmin = [r for r in rows if r["group"] == "worst_case"
                         and r["measure"] == "at_argmin"]
            self.assertEqual(len(at_argmin), searches * len(w["at_argmin"]))
            for r in at_argmin:
                s = int(r["search"])
                m = w["at_argmin"][r["metric"]]
                self.assertEqual(int(r["point"]), w["point"][s])
                self.assertEqual(r["search_label"], w["label"].asstr()[s])
                self.assertEqual(int(r["n"]), w.attrs["replications"])
                for column, dataset in (("estimate", "mean"), ("stderr", "stderr"),
                                        ("ci_low", "ci_low"), ("ci_high", "ci_high")):
                    self.assertTrue(same(r[column], m[dataset][s]), (r["metric"], column))
                for column in ("bracket_low", "bracket_high"):
                    self.assertTrue(same(r[column], w[column][s]), column)
                self.assertTrue(same(r["searched_value"], w["argmin"][s]))
                if r["metric"] == metric:  # the minimum itself
                    for column, dataset in (("estimate", "minimum"), ("stderr", "stderr"),
                                            ("ci_low", "ci_low"), ("ci_high", "ci_high")):
                        self.assertTrue(same(r[column], w[dataset][s]), column)
            e = w["evaluations"]
            evaluations = [r for r in rows if r["measure"] == "evaluation"]
            self.assertEqual(len(evaluations), len(e["value"]))
            for r in evaluations:
                i = int(r["evaluation"])
                self.assertEqual(r["metric"], metric)
                self.assertEqual(int(r["search"]), e["search"][i])
                self.assertEqual(int(r["point"]), w["point"][e["search"][i]])
                self.assertTrue(same(r["searched_value"], e["value"][i]))
                self.assertTrue(same(r["estimate"], e["mean"][i]))
                self.assertTrue(same(r["stderr"], e["stderr"][i]))

    def test_acceptance_rows_hold_the_verdict_of_each_point(self):
        rows = [r for r in self.rows(self.control) if r["group"] == "acceptance"]
        with h5py.File(self.control, "r") as f:
            a = f["acceptance"]
            self.assertEqual(len(rows), f.attrs["points"])
            for r in rows:
                p = int(r["point"])
                self.assertEqual(r["metric"], a.attrs["metric"])
                self.assertEqual(r["verdict"], a["verdict"].asstr()[p])
                for column in ("target", "confidence", "lower_bound", "upper_bound",
                               "failure_free_tasks", "failure_free_hours"):
                    self.assertTrue(same(r[column], a[column][p].item()), column)

    def test_uncertainty_rows_hold_the_spreads(self):
        rows = [r for r in self.rows(self.uncertain) if r["group"] == "uncertainty"
                and r["measure"] in ("outer_sd", "parameter_sd", "inner_stderr")]
        with h5py.File(self.uncertain, "r") as f:
            u = f["uncertainty"]
            self.assertEqual(len(rows), 3 * len(u))
            for r in rows:
                self.assertTrue(same(r["estimate"], u[r["metric"]][r["measure"]][()]))
                self.assertEqual(r["unit"], u[r["metric"]].attrs["unit"])

    def test_metric_filter_keeps_the_records_of_that_metric(self):
        rows = self.rows(self.control, "--metric", "usefulness")
        self.assertEqual({(r["group"], r["measure"]) for r in rows},
                         {("results", ""), ("worst_case", "at_argmin")})

    def test_inspect_shows_the_studies(self):
        out = run([STSIM, "inspect", str(self.control)]).stdout
        table = out[out.index("worst case: untrusted.attack.probability in [0.001, 0.1] (log "
                              "scale) chosen for the least safety, 40 replications per "
                              "evaluation\n"):].splitlines()
        self.assertEqual(table[1].split(), ["search", "arg-min", "safety", "95%", "interval",
                                            "bracket", "label"])
        with h5py.File(self.control, "r") as f:
            w = f["worst_case"]
            for s, line in enumerate(table[2:4]):
                self.assertTrue(line.endswith(w["label"].asstr()[s]), line)
                self.assertEqual(float(line.split()[1]), float(f"{w['argmin'][s]:.4g}"))
        out = run([STSIM, "inspect", str(self.uncertain)]).stdout
        self.assertIn("harm rate over the uncertain parameters (20 outer samples; sd from the "
                      "parameters ", out)
        self.assertEqual([line.split()[0] for line in out.splitlines()[-4:]],
                         ["mean", "median", "q05", "q95"])

    def test_an_uncertainty_sweep_is_a_sample(self):
        # The figures draw its points as a scatter coloured by a parameter, not as curves
        # through the points in sweep order with a marker each.
        self.assertTrue(stsim_analysis.load(self.uncertain).sampled)

    def test_dataframe_is_the_export_with_records(self):
        for path in (self.control, self.uncertain):
            assert_dataframe_is_the_export(self, path)


class ArrayExport(unittest.TestCase):
    """`stsim export --arrays`: every dataset the statistics table does not hold, element by
    element, keyed by its point and its axes' scales - checked against h5py bit for bit."""

    @classmethod
    def setUpClass(cls):
        cls.files = [work / "sweep.h5", work / "rare.h5"]
        run([STSIM, "run", str(SOURCE / "tests" / "validation" / "scenarios" /
                               "rare-independent-layers.toml"), "--reps", "4",
             "--rare-event", "importance", "-o", str(cls.files[1]), "--progress", "none"])

    def rows(self, path, *options):
        return list(csv.DictReader(io.StringIO(
            run([STSIM, "export", str(path), "--arrays", *options]).stdout)))

    def test_every_dataset_is_in_one_of_the_two_tables_bit_for_bit(self):
        for path in self.files:
            rows = self.rows(path)
            by_dataset = {}
            for row in rows:
                by_dataset.setdefault(f"{row['group']}/{row['dataset']}", []).append(row)
            with h5py.File(path, "r") as f:
                labels = f["design/point_label"].asstr()[()]
                everything = []
                f.visititems(lambda name, obj: everything.append(name)
                             if isinstance(obj, h5py.Dataset) else None)
                for name in everything:
                    top, _, rest = name.partition("/")
                    if not rest or top in ("scenario", "design", "acceptance", "worst_case"):
                        continue  # root scales, the point columns, records of the other table
                    if name not in by_dataset:
                        # Then the statistics table holds it: an estimate of a statistics group.
                        parent, _, leaf = name.rpartition("/")
                        self.assertIn(leaf, ESTIMATES.values(), (path.name, name))
                        self.assertIn("mean", f[parent], (path.name, name))
                        continue
                    ds = f[name]
                    mine = by_dataset.pop(name)
                    self.assertEqual(len(mine), ds.size, name)
                    stored = ds[()]
                    for row in mine:
                        index = []
                        for axis in range(ds.ndim):
                            scale = ds.dims[axis][0].name.lstrip("/")
                            if scale == "point":
                                p = int(row["point"])
                                self.assertEqual(row["point_label"], labels[p])
                                index.append(p)
                            else:
                                coords = [v.decode() if isinstance(v, bytes) else v
                                          for v in f[scale][()]]
                                key = row[scale]
                                index.append(next(i for i, c in enumerate(coords)
                                                  if (c == key if isinstance(c, str)
                                                      else same(key, float(c)))))
                        value = stored[tuple(index)] if ds.ndim else stored
                        if isinstance(value, bytes):
                            self.assertEqual(row["value"], value.decode(), name)
                        else:
                            value = float(value) if ds.dtype.kind == "f" else int(value)
                            self.assertTrue(same(row["value"], value), (name, row, value))
            self.assertEqual(by_dataset, {}, "rows of no dataset")

    def test_the_groups_of_arrays(self):
        groups = {r["group"] for r in self.rows(work / "sweep.h5")}
        self.assertEqual(groups, {"attribution", "first_harm", "results", "runtime",
                                  "timeseries"})
        rare = self.rows(work / "rare.h5", "--group", "rare_event")
        self.assertEqual({r["group"] for r in rare}, {"rare_event"})
        self.assertIn("harm_rate/effective_sample_size", {r["dataset"] for r in rare})

    def test_a_time_series_row_is_keyed_by_its_bin(self):
        rows = self.rows(work / "sweep.h5", "--group", "timeseries")
        means = [r for r in rows if r["dataset"] == "harms_mean" and r["point"] == "3"]
        self.assertEqual(len(means), 5)  # time_bins = 5
        with h5py.File(work / "sweep.h5", "r") as f:
            self.assertEqual([float(r["time_bin"]) for r in means], list(f["time_bin"][()]))
            self.assertEqual([float(r["value"]) for r in means],
                             list(f["timeseries/harms_mean"][3]))

    def test_an_unknown_group_is_named_with_the_groups_there_are(self):
        path = work / "sweep.h5"
        done = run([STSIM, "export", str(path), "--arrays", "--group", "atribution"], expect=2)
        self.assertEqual(done.stdout, "")
        self.assertEqual(done.stderr, f"stsim export: error: {path}: the file has no array group "
                                      "'atribution' (did you mean 'attribution'?); its groups of "
                                      "arrays: attribution, first_harm, results, runtime, "
                                      "timeseries\n")

    def test_metric_and_group_belong_to_their_own_tables(self):
        path = str(work / "sweep.h5")
        done = run([STSIM, "export", path, "--arrays", "--metric", "harm_rate"], expect=2)
        self.assertIn("--metric excludes --arrays", done.stderr)
        done = run([STSIM, "export", path, "--group", "attribution"], expect=2)
        self.assertIn("--group requires --arrays", done.stderr)

    def test_arrays_dataframe_is_the_export(self):
        import pandas as pd
        for path in self.files:
            exported = pd.read_csv(io.StringIO(run([STSIM, "export", str(path), "--arrays"])
                                               .stdout), keep_default_na=False,
                                   na_values=[""], float_precision="round_trip")
            table = stsim_analysis.load(path).arrays_dataframe()
            self.assertEqual(list(table.columns), list(exported.columns))
            self.assertEqual(len(table), len(exported))
            for column in table.columns:
                for a, b in zip(table[column].tolist(), exported[column].tolist()):
                    if isinstance(a, str) and isinstance(b, str):
                        self.assertEqual(a, b, column)
                    elif isinstance(b, str):  # a column of text and numbers reads as text
                        self.assertTrue(same(b, a), (path.name, column, a, b))
                    elif a is None or b is None or (isinstance(a, float) and math.isnan(a)):
                        self.assertTrue(all(v is None or math.isnan(v) for v in (a, b)),
                                        (path.name, column, a, b))
                    else:
                        self.assertEqual(a, b, (path.name, column))
        frame = stsim_analysis.load(work / "sweep.h5").arrays_dataframe(groups=["runtime"])
        self.assertEqual(set(frame["group"]), {"runtime"})


class LaterGroups(unittest.TestCase):
    """A statistics group that a later version adds is exported as it is (docs/output.md):
    here an importance per layer, per point and layer, and a sensitivity per dimension."""

    def test_a_new_group_of_the_same_shape_is_exported_with_its_axes(self):
        path = work / "later.h5"
        shutil.copy(work / "sweep.h5", path)
        with h5py.File(path, "r+") as f:
            layers = f.create_dataset("layer", data=np.array(["model", "review"], dtype=object),
                                      dtype=h5py.string_dtype())
            layers.make_scale("layer")
            dims = f.create_dataset("dimension", data=np.array(["model.reliability"],
                                                              dtype=object),
                                    dtype=h5py.string_dtype())
            dims.make_scale("dimension")
            for group, name, axes in (("importance", "birnbaum", ("point", "layer")),
                                      ("sensitivity", "total_order", ("dimension",))):
                g = f.create_group(f"{group}/{name}")
                g.attrs["kind"], g.attrs["unit"] = "mean", "per task"
                shape = tuple(f[a].shape[0] for a in axes)
                for k, stat in enumerate(("n", "mean", "stderr", "ci_low", "ci_high")):
                    ds = g.create_dataset(stat, data=np.arange(np.prod(shape), dtype=float)
                                          .reshape(shape) + k / 10)
                    for axis, scale in enumerate(axes):
                        ds.dims[axis].attach_scale(f[scale])
        crc64_header(path)
        rows = list(csv.DictReader(io.StringIO(run([STSIM, "export", str(path)]).stdout)))
        importance = [r for r in rows if r["group"] == "importance"]
        self.assertEqual(len(importance), 8 * 2)
        self.assertEqual([(r["point"], r["layer"], r["estimate"]) for r in importance[:3]],
                         [("0", "model", "0.1"), ("0", "review", "1.1"), ("1", "model", "2.1")])
        sensitivity = [r for r in rows if r["group"] == "sensitivity"]
        self.assertEqual([(r["point"], r["point_label"], r["dimension"], r["estimate"])
                          for r in sensitivity], [("", "", "model.reliability", "0.1")])
        table = stsim_analysis.load(path).to_dataframe()
        self.assertEqual(list(table.columns), list(rows[0].keys()))
        mine = table[table.group == "importance"]
        self.assertEqual(list(mine["layer"])[:2], ["model", "review"])
        self.assertEqual(list(mine["estimate"])[:2], [0.1, 1.1])


class NamedDimensions(unittest.TestCase):
    def test_xarray_with_h5netcdf_opens_every_group_with_named_dimensions(self):
        import xarray as xr
        path = work / "sweep.h5"
        root = xr.open_dataset(path, engine="h5netcdf")
        self.assertEqual(dict(root.sizes), {"point": 8, "component": 5, "time_bin": 5,
                                            "bin_edge": 6, "origin": 6, "context": 2,
                                            "pool": 1, "override": 0})
        self.assertEqual(root.attrs["format_version"], 3)
        harm = xr.open_dataset(path, engine="h5netcdf", group="results/harm_rate")
        self.assertEqual(harm["mean"].dims, ("point",))
        self.assertEqual(harm["mean"].attrs.get("DIMENSION_LIST"), None)  # decoded as a dim
        attribution = xr.open_dataset(path, engine="h5netcdf", group="attribution")
        self.assertEqual(attribution["near_misses_by_layer"].dims, ("point", "component"))
        self.assertEqual(attribution["harms_by_origin"].dims, ("point", "origin"))
        self.assertEqual(attribution["harms_by_context"].dims, ("point", "context"))
        self.assertEqual(list(root["context"].values), ["routine", "chat"])
        # Every harm in the hazardous context (routine), none in chat.
        harms = attribution["harms_by_context"].values
        self.assertEqual(harms[:, 1].sum(), 0)
        self.assertEqual(harms.sum(axis=1).tolist(),
                         stsim_analysis.load(path).metric("harm_rate").count.tolist())
        # The axes' values are the root group's coordinates (netCDF keeps a coordinate in
        # the group that defines its dimension).
        self.assertEqual(list(root["component"].values),
                         ["users", "model", "review", "world", "refused"])
        self.assertEqual(list(root["pool"].values), ["review"])
        waits = xr.open_dataset(path, engine="h5netcdf", group="queues/wait_probability")
        self.assertEqual(waits["mean"].dims, ("point", "pool"))
        series = xr.open_dataset(path, engine="h5netcdf", group="timeseries")
        self.assertEqual(series["harms_mean"].dims, ("point", "time_bin"))
        self.assertEqual(root["time_bin"].values.tolist(), [24.0, 72.0, 120.0, 168.0, 216.0])
        for group in ("design", "design/columns", "scenario", "runtime", "first_harm", "paired"):
            xr.open_dataset(path, engine="h5netcdf", group=group)  # no phony_dims needed

    def test_h5py_sees_the_dimension_scales(self):
        with h5py.File(work / "sweep.h5", "r") as f:
            self.assertEqual(f["results/harm_rate/mean"].dims[0][0].name, "/point")
            self.assertEqual([d[0].name for d in f["timeseries/harms_mean"].dims],
                             ["/point", "/time_bin"])
            self.assertEqual(f["design/columns/2"].attrs["unit"], "hours")
            self.assertEqual(f["design/columns/2"].attrs["label"], "review review time")

    def test_to_xarray_has_named_dimensions_and_unstacks_a_grid(self):
        ds = stsim_analysis.load(work / "sweep.h5").to_xarray()
        self.assertEqual(ds["harm_rate"].dims, ("point",))
        self.assertEqual(ds["near_misses_by_layer"].dims, ("point", "component"))
        self.assertEqual(ds["harms_mean"].dims, ("point", "time_bin"))
        self.assertEqual(ds["paired_harm_rate_ci_low"].dims, ("point",))
        self.assertEqual(ds["harm_rate"].attrs["kind"], "proportion")
        # Each pool's queue along point and pool: estimated where the review is on the
        # path, NaN where the sweep bypasses it (no review started).
        self.assertEqual(ds["queues_time_in_system_p90"].dims, ("point", "pool"))
        self.assertEqual(list(ds["pool"].values), ["review"])
        reviewed = (ds["model.next.pass"] == "review").values
        p90 = ds["queues_time_in_system_p90"].values[:, 0]
        self.assertTrue(np.all(np.isfinite(p90[reviewed])) and np.all(p90[reviewed] > 0))
        self.assertTrue(np.all(np.isnan(p90[~reviewed])))
        self.assertTrue(np.all(ds["queues_mean_time_in_system"].values[reviewed, 0] >=
                               ds["queues_mean_wait"].values[reviewed, 0]))
        paths = ["model.next.pass", "model.reliability", "review.review_time"]
        grid = ds.set_index(point=paths).unstack("point")
        self.assertEqual(grid["harm_rate"].shape, (2, 2, 2))
        with h5py.File(work / "sweep.h5", "r") as f:
            stored = f["results/harm_rate/mean"][()]
        bare = grid["harm_rate"].sel({"model.next.pass": "world", "model.reliability": 0.99,
                                      "review.review_time": 2 / 60})
        self.assertEqual(float(bare), stored[2])


class OlderFormats(unittest.TestCase):
    """Files written by earlier stsim versions: version 1 (no checksum header, no
    dimension scales) and version 2 (a checksum header, no dimension scales)."""

    def test_the_package_reads_versions_1_and_2(self):
        for version in (1, 2):
            with self.subTest(version=version):
                r = stsim_analysis.load(HERE / "data" / f"version-{version}.h5")
                self.assertEqual(r.format_version, version)
                self.assertEqual(r.points, 8)
                # Labels are derived from the paths; durations stay as written.
                self.assertEqual([c.label for c in r.columns],
                                 ["model next pass", "model reliability", "review review time"])
                self.assertEqual(r.columns[2].strings[:2], ["2m", "5m"])
                self.assertEqual(r.component_labels, ["users", "model", "review", "world",
                                                      "refused"])
                table = r.to_dataframe()
                self.assertEqual(len(table), 2 * 18 * 8)
                self.assertEqual(r.to_xarray()["harm_rate"].dims, ("point",))

    def test_stsim_inspects_and_exports_versions_1_and_2(self):
        for version in (1, 2):
            with self.subTest(version=version):
                path = str(HERE / "data" / f"version-{version}.h5")
                self.assertIn(f"format:               stsim-results {version}",
                              run([STSIM, "inspect", path]).stdout)
                rows = list(csv.DictReader(io.StringIO(run([STSIM, "export", path]).stdout)))
                self.check_old_rows(rows, path)

    def check_old_rows(self, rows, path):
        with h5py.File(path, "r") as f:
            self.assertEqual(len(rows), 2 * 18 * 8)
            for row in rows[:40]:
                stored = f[row["group"]][row["metric"]]["mean"][int(row["point"])]
                self.assertTrue(same(row["estimate"], float(stored)))
            self.assertEqual(rows[1]["review.review_time"], "5m")

    def test_a_newer_version_is_refused_clearly(self):
        path = work / "version-4.h5"
        shutil.copy(work / "sweep.h5", path)
        with h5py.File(path, "r+") as f:
            f.attrs["format_version"] = np.uint32(4)
        crc64_header(path)  # an edit on purpose: the checksum header is rewritten
        with self.assertRaises(stsim_analysis.ResultFileError) as raised:
            stsim_analysis.load(path)
        self.assertEqual(str(raised.exception),
                         f"{path}: result file format version 4; this script reads versions 1 "
                         f"to 3; a newer stsim wrote it: use the analysis-scripts of that stsim")
        done = run([STSIM, "export", str(path)], expect=2)
        self.assertIn("result file format version 4; this stsim reads versions 1 to 3",
                      done.stderr)
        self.assertEqual(done.stdout, "")


class IndividualReviewers(unittest.TestCase):
    """/reviewers [P x Q x R]: in the export with pool and reviewer columns, and in xarray
    along point, pool and reviewer."""

    @classmethod
    def setUpClass(cls):
        cls.path = work / "reviewers.h5"
        run([STSIM, "run", str(SOURCE / "tests/validation/scenarios/individual-reviewers.toml"),
             "--reps", "4", "-o", str(cls.path), "--progress", "none"])

    def test_export_has_a_row_per_reviewer_bit_for_bit(self):
        rows = list(csv.DictReader(io.StringIO(run([STSIM, "export", str(self.path)]).stdout)))
        reviewers = [r for r in rows if r["group"] == "reviewers"]
        measures = {"reviews", "share", "catch_rate", "missed", "trust"}
        self.assertEqual({r["metric"] for r in reviewers}, measures)
        self.assertEqual(len(reviewers), len(measures) * 2)  # one point, one pool, two reviewers
        with h5py.File(self.path, "r") as f:
            self.assertEqual([d[0].name for d in f["reviewers/share/mean"].dims],
                             ["/point", "/pool", "/reviewer"])
            for row in reviewers:
                self.assertEqual(row["pool"], "review")
                stored = f["reviewers"][row["metric"]]["mean"][int(row["point"]), 0,
                                                               int(row["reviewer"])]
                self.assertTrue(same(row["estimate"], float(stored)), row)
        # A row for every other group has no reviewer.
        self.assertTrue(all(r["reviewer"] == "" for r in rows if r["group"] != "reviewers"))

    def test_to_xarray_names_the_reviewer_dimension(self):
        ds = stsim_analysis.load(self.path).to_xarray()
        catches = ds["reviewers_catch_rate"]
        self.assertEqual(catches.dims, ("point", "pool", "reviewer"))
        self.assertEqual(ds["reviewer"].values.tolist(), [0, 1])
        self.assertEqual(catches.attrs["kind"], "proportion")
        careful, careless = catches.sel(pool="review").values[0]
        self.assertLess(careless, careful / 2)  # 0.24 against 0.9 in closed form
        import xarray as xr
        group = xr.open_dataset(self.path, engine="h5netcdf", group="reviewers/trust")
        self.assertEqual(group["mean"].dims, ("point", "pool", "reviewer"))

    def test_a_shared_pool_writes_no_reviewers(self):
        with h5py.File(work / "sweep.h5", "r") as f:
            self.assertNotIn("reviewers", f)
            self.assertNotIn("reviewer", f)
        self.assertEqual(stsim_analysis.load(work / "sweep.h5").reviewers, 0)


if __name__ == "__main__":
    unittest.main()
