#!/usr/bin/python3
"""Writes SYNTHETIC stsim result files, for testing the figure code only.

The numbers are drawn from simple binomial formulas, not from the simulator; the files
say so in their scenario_name ("synthetic-...") and command_line. They follow the
layout of docs/output.md ("stsim-results" version 1) so that every code path of the
figure scripts (labelled string dimensions, zero-harm points, coupling dimensions,
paired differences against a baseline) can be exercised without a built simulator.

usage: synthetic_results.py OUT_DIR
"""

import sys
from pathlib import Path

import h5py
import numpy as np

Z = 1.959963984540054
METRIC_KINDS = {
    "harm_rate": ("proportion", "per task"),
    "model_error_rate": ("proportion", "per task"),
    "hazardous_output_rate": ("proportion", "per task"),
    "near_miss_rate": ("proportion", "per task"),
    "harm_with_correct_output_rate": ("proportion", "per task"),
    "model_error_no_harm_rate": ("proportion", "per task"),
    "false_alarm_rate": ("proportion", "per task"),
    "refused_benign_share": ("proportion", "per benign task"),
    "refused_malicious_share": ("proportion", "per malicious task"),
    "benign_lost_share": ("proportion", "per benign task"),
    "harms_per_hour": ("rate", "per hour"),
    "first_harm_probability": ("proportion", "per replication"),
    "time_to_first_harm": ("mean", "hours"),
    "harm_severity_per_task": ("mean", "per task"),
    "tasks_per_replication": ("mean", "tasks"),
    "operator_utilisation": ("mean", "share of capacity"),
    "operator_mean_wait": ("mean", "hours"),
    "latent_failures_per_replication": ("mean", "failures"),
}
STR = h5py.string_dtype("utf-8")


def wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)


def write(path, name, columns, probability, baseline=None, reps=20, tasks_per_rep=2000,
          horizon=720.0, bins=12, components=None, seed=1):
    """columns: [(path, values, labels or None)] in grid order (first slowest)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    grids = np.meshgrid(*[np.arange(len(v)) for _, v, _ in columns], indexing="ij")
    index = np.stack([g.ravel() for g in grids], axis=1)
    points = index.shape[0]
    values = [{c[0]: c[1][i] for c, i in zip(columns, row)} for row in index]
    components = components or [("users", "source"), ("model", "ai"), ("monitor", "safeguard"),
                                ("review", "operators"), ("world", "outcome"),
                                ("stopped", "outcome")]
    C = len(components)
    n_tasks = float(reps * tasks_per_rep)
    with h5py.File(path, "w") as f:
        root = {
            "format": "stsim-results", "format_version": np.int32(1),
            "stsim_version": "0.0.0-synthetic", "git_revision": "synthetic",
            "command_line": "synthetic_results.py (not a simulation)",
            "scenario_file": f"{name}.toml", "scenario_name": name,
            "seed": np.uint64(seed), "threads": np.uint32(1),
            "started": "1970-01-01T00:00:00Z", "finished": "1970-01-01T00:00:00Z",
            "status": "complete", "points": np.uint32(points), "design": "grid",
            "common_random_numbers": np.uint8(1), "fingerprint": "0" * 16,
            "time_bins": np.uint32(bins), "horizon_hours": np.float64(horizon),
        }
        for k, v in root.items():
            f.attrs[k] = v
        f["scenario/text"] = "# synthetic\n"
        f.create_dataset("scenario/overrides", data=np.array([], dtype=object), dtype=STR)
        f.create_dataset("scenario/resolved", dtype=STR, data=np.array(
            ["\n".join(f"{k} = {v}" for k, v in sorted(vals.items())) +
             "\nmonitor.detect_error = 0.99" for vals in values], dtype=object))
        labels = [", ".join(
            (c[2][i] if c[2] else f"{c[0]}={c[1][i]}") for c, i in zip(columns, row)) for row in index]
        f.create_dataset("design/point_label", data=np.array(labels, dtype=object), dtype=STR)
        for d, (cpath, cvalues, clabels) in enumerate(columns):
            col = [cvalues[i] for i in index[:, d]]
            if isinstance(cvalues[0], str):
                ds = f.create_dataset(f"design/columns/{d}", data=np.array(col, dtype=object), dtype=STR)
            else:
                ds = f.create_dataset(f"design/columns/{d}", data=np.array(col, dtype=np.float64))
            ds.attrs["path"] = cpath
            if clabels:
                f.create_dataset(f"design/labels/{d}", dtype=STR,
                                 data=np.array([clabels[i] for i in index[:, d]], dtype=object))
        if baseline is not None:
            f["design/baseline"] = np.uint32(baseline)

        p_harm = np.array([probability(v) for v in values])
        err = np.array([1.0 - float(v.get("model.reliability", 0.99)) for v in values])
        rates = {
            "harm_rate": p_harm, "model_error_rate": err, "hazardous_output_rate": err * 0.3,
            "near_miss_rate": err * 0.2, "harm_with_correct_output_rate": p_harm * 0.1,
            "model_error_no_harm_rate": err * 0.9, "false_alarm_rate": np.full(points, 0.01),
            "refused_benign_share": np.full(points, 0.02), "refused_malicious_share": np.full(points, 0.1),
            "benign_lost_share": 0.01 + 0.2 * err, "first_harm_probability": 1 - np.exp(-p_harm * tasks_per_rep),
        }
        harm_counts = None
        for metric, (kind, unit) in METRIC_KINDS.items():
            g = f.create_group(f"results/{metric}")
            g.attrs.update({"kind": kind, "unit": unit, "description": f"synthetic {metric}"})
            n = np.full(points, reps, dtype=np.uint64)
            if kind == "proportion":
                trials = reps if metric == "first_harm_probability" else n_tasks
                k = rng.binomial(int(trials), rates[metric]).astype(np.uint64)
                if metric == "harm_rate":
                    harm_counts = k
                mean = k / trials
                low, high = wilson(k.astype(float), trials)
                se = np.sqrt(mean * (1 - mean) / trials)
                g.attrs["interval"] = "wilson"
                g["count"], g["exposure"] = k, np.full(points, float(trials))
                g["upper_bound"] = np.where(k == 0, 1 - 0.05 ** (1 / trials), np.nan)
            elif kind == "rate":
                exposure = reps * horizon
                k = harm_counts
                mean = k / exposure
                se = np.sqrt(k) / exposure
                low, high = np.maximum(mean - Z * se, 0), mean + Z * se
                g.attrs["interval"] = "garwood"
                g["count"], g["exposure"] = k, np.full(points, exposure)
                g["upper_bound"] = np.where(k == 0, -np.log(0.05) / exposure, np.nan)
            else:
                if metric == "time_to_first_harm":
                    mean = np.minimum(1.0 / np.maximum(p_harm * tasks_per_rep / horizon, 1e-12), horizon)
                    g.attrs["censored"] = np.uint64(0)
                else:
                    mean = np.full(points, {"tasks_per_replication": float(tasks_per_rep)}.get(metric, 0.5))
                se = mean * 0.05
                low, high = mean - Z * se, mean + Z * se
                g.attrs["interval"] = "student-t"
            g["n"], g["mean"], g["stderr"], g["ci_low"], g["ci_high"] = n, mean, se, low, high
        if baseline is not None:
            for metric in ("harm_rate", "model_error_rate"):
                g = f.create_group(f"paired/{metric}")
                diff = f[f"results/{metric}/mean"][()] - f[f"results/{metric}/mean"][baseline]
                se = np.full(points, 1e-4)
                se[baseline] = 0.0
                g["n"] = np.full(points, reps, dtype=np.uint64)
                g["mean"], g["stderr"] = diff, se
                g["ci_low"], g["ci_high"] = diff - 2.09 * se, diff + 2.09 * se

        harms = harm_counts.astype(np.float64)
        a = f.create_group("attribution")
        shares = np.array([0.7, 0.2, 0.1])
        origin = np.floor(harms[:, None] * shares[None, :]).astype(np.uint64)
        origin[:, 0] += harm_counts - origin.sum(axis=1)
        ds = a.create_dataset("harms_by_origin", data=origin)
        ds.attrs["names"] = np.array(["model_error", "misuse", "operator_induced"], dtype=object)
        a["harms_latent_involved"] = (origin[:, 0] // 10).astype(np.uint64)
        a["harms_common_cause"] = (origin[:, 0] // 5).astype(np.uint64)
        a["model_errors_no_harm"] = rng.binomial(int(n_tasks), err * 0.9).astype(np.uint64)
        near = np.zeros((points, C), dtype=np.uint64)
        last = np.zeros((points, C), dtype=np.uint64)
        for c, (_, kind) in enumerate(components):
            if kind in ("safeguard", "operators"):
                near[:, c] = rng.binomial(int(n_tasks), err * 0.1)
                last[:, c] = harm_counts // 2
        a["near_misses_by_layer"], a["harms_by_last_layer"] = near, last
        a.create_dataset("components", dtype=STR, data=np.array([c for c, _ in components], dtype=object))
        a.create_dataset("component_kinds", dtype=STR, data=np.array([k for _, k in components], dtype=object))

        edges = np.linspace(0.0, horizon, bins + 1)
        per_bin = harms[:, None] / reps / bins * np.ones(bins)[None, :]
        f["timeseries/bin_edges_hours"] = edges
        f["timeseries/harms_mean"] = per_bin
        f["timeseries/harms_stderr"] = np.sqrt(per_bin / reps)
        f["first_harm/bin_edges_hours"] = edges
        fh = np.array([rng.multinomial(
            reps, np.append(np.diff(1 - np.exp(-p * tasks_per_rep * edges / horizon)),
                            np.exp(-p * tasks_per_rep))) for p in p_harm])
        f["first_harm/counts"] = fh[:, :bins].astype(np.uint64)
        f["first_harm/censored"] = fh[:, bins].astype(np.uint64)

        r = f.create_group("runtime")
        r["wall_seconds"] = np.full(points, 0.1)
        r["events"] = np.full(points, 3 * reps * tasks_per_rep, dtype=np.uint64)
        r["tasks"] = np.full(points, reps * tasks_per_rep, dtype=np.uint64)
        r["replications"] = np.full(points, reps, dtype=np.uint64)
        r.attrs["total_wall_seconds"] = 0.1 * points
        r.attrs["tasks_per_second"] = 1e6


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    factor = {"world": 0.3, "review": 0.05, "filter": 0.001}
    write(out / "synthetic-designs.h5", "synthetic-designs",
          [("model.next.pass", ["world", "review", "filter"], ["bare model", "human review", "layered"]),
           ("model.reliability", [0.5, 0.9, 0.99, 0.999, 0.9999], None)],
          lambda v: factor[v["model.next.pass"]] * (1 - v["model.reliability"]) + 2e-5 * (v["model.next.pass"] != "filter"))
    write(out / "synthetic-coupling.h5", "synthetic-coupling",
          [("monitor.coupling.difficulty_correlation", [0.0, 0.1, 0.3, 1.0], None)],
          lambda v: 0.003 * (0.01 + v["monitor.coupling.difficulty_correlation"]), baseline=0, seed=2)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
