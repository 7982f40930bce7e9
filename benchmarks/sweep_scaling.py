#!/usr/bin/python3
"""Sweeps of many points (issue 19): the time per point of a sampled sweep with little
work per point, from 100 to 100,000 points, and the peak memory of a 2,000-point x
5,200-bin sweep against the size of its uncompressed result arrays.

Usage: benchmarks/sweep_scaling.py [BUILD_DIR] [POINTS...]   (default build/release,
100 1000 10000 100000). Each run is `stsim run --threads 1` under /usr/bin/time; prints
CPU seconds per point, wall seconds and peak resident memory."""

import os
import subprocess
import sys
import tempfile

import h5py

SCENARIO = """
[scenario]
name = "many points"
horizon = "{horizon}"
seed = 5
replications = 1
time_bins = {bins}

[contexts.work]
hazardous = true

[users]
kind = "source"
rate = "20/h"
next = "model"

[model]
kind = "ai"
reliability = 0.9
next = "world"

[world]
kind = "outcome"

[sweep]
design = "latin_hypercube"
points = {points}

[[sweep.dimensions]]
path = "model.reliability"
low = 0.5
high = 1.0
"""


def run(stsim, tmp, points, bins, horizon):
    scenario = os.path.join(tmp, f"p{points}.toml")
    with open(scenario, "w") as f:
        f.write(SCENARIO.format(points=points, bins=bins, horizon=horizon))
    result = os.path.join(tmp, f"p{points}.h5")
    timing = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S %e %M", stsim, "run", scenario, "-o", result,
         "--threads", "1", "-q"], check=True, capture_output=True, text=True).stderr
    user, system, wall, peak_kib = timing.strip().splitlines()[-1].split()
    with h5py.File(result, "r") as f:
        assert f.attrs["points"] == points
        arrays = 0
        def add(_, obj):
            nonlocal arrays
            if isinstance(obj, h5py.Dataset):
                arrays += obj.size * obj.dtype.itemsize
        f.visititems(add)
        tasks = float(f["results/tasks_per_replication/mean"][()].sum())
    size = os.path.getsize(result)
    os.remove(result)
    return float(user) + float(system), float(wall), int(peak_kib) * 1024, arrays, size, tasks


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    sizes = [int(x) for x in sys.argv[2:]] or [100, 1000, 10000, 100000]
    stsim = os.path.join(build, "sim", "stsim")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        print("points  CPU s  CPU ms/point  wall s  peak MB  peak kB/point  tasks/point")
        for points in sizes:
            cpu, wall, peak, _, _, tasks = run(stsim, tmp, points, 2, "1h")
            print(f"{points:6d} {cpu:6.2f} {1e3 * cpu / points:13.3f} {wall:7.2f} "
                  f"{peak / 1e6:8.1f} {peak / 1e3 / points:14.2f} {tasks / points:12.1f}")
        cpu, wall, peak, arrays, size, _ = run(stsim, tmp, 2000, 5200, "1h")
        print(f"2000 points x 5200 bins: CPU {cpu:.2f} s, wall {wall:.2f} s, peak {peak / 1e6:.1f} MB, "
              f"uncompressed result arrays {arrays / 1e6:.1f} MB (peak / arrays = {peak / arrays:.2f}), "
              f"file {size / 1e6:.1f} MB")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
