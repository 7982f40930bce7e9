#!/usr/bin/python3
"""stsim against SimPy and against the limit on the simple model (benchmarks/simple.toml):
alternating runs of the three in one session, CPU time of each child process (one core
each: stsim runs with --threads 1), medians over the rounds.

Usage: benchmarks/compare_simple.py [BUILD_DIR] [ROUNDS]   (default build/release, 5)
Needs Debian's python3-simpy3 (installed here with apt-get when missing) and the built
stsim and tight_simple."""

import os
import resource
import statistics
import subprocess
import sys
import tempfile

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
REPLICATIONS, HORIZON = 40, 1000.0  # as benchmarks/simple.toml
SIMPY_REPLICATIONS = 2  # SimPy is slow: fewer replications of the same model


def child_cpu(command):
    """Runs command; returns (its stdout, the CPU seconds it used)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def own_rate(out):
    fields = out.split()
    return float(fields[fields.index("tasks_per_second") + 1])


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if subprocess.run(["dpkg", "-s", "python3-simpy3"], capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "install", "-y", "python3-simpy3"], check=True)
    stsim = os.path.join(build, "sim", "stsim")
    tight = os.path.join(build, "benchmarks", "tight_simple")
    rates = {"stsim": [], "tight": [], "simpy": []}
    with tempfile.TemporaryDirectory() as tmp:
        result = os.path.join(tmp, "simple.h5")
        for _ in range(rounds):
            _, seconds = child_cpu([stsim, "run", os.path.join(HERE, "simple.toml"), "-o", result,
                                    "--threads", "1", "-q"])
            with h5py.File(result, "r") as f:
                tasks = float(f["results/tasks_per_replication/mean"][0]) * REPLICATIONS
            os.remove(result)
            rates["stsim"].append(tasks / seconds)
            out, _ = child_cpu([tight, str(REPLICATIONS), str(HORIZON)])
            rates["tight"].append(own_rate(out))
            out, _ = child_cpu(["/usr/bin/python3", os.path.join(HERE, "simpy_simple.py"),
                                str(SIMPY_REPLICATIONS), str(HORIZON)])
            rates["simpy"].append(own_rate(out))
    median = {k: statistics.median(v) for k, v in rates.items()}
    for name, values in rates.items():
        print(f"{name:6s} median {median[name] / 1e6:8.3f} M tasks/s per core  runs "
              + " ".join(f"{v / 1e6:.3f}" for v in values))
    print(f"stsim / SimPy speed: {median['stsim'] / median['simpy']:.1f}x")
    print(f"stsim time / tight time: {median['tight'] / median['stsim']:.2f}x")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
