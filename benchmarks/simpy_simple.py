#!/usr/bin/python3
"""The simple model of benchmarks/simple.toml in SimPy, written as a SimPy user would:
a source process, a Resource of four reviewers, one process per review.

Usage: simpy_simple.py [REPLICATIONS] [HORIZON_HOURS]. Prints tasks, harms, seconds and
tasks per second (CPU time of this process, one core)."""

import random
import sys
import time

import simpy

RATE = 100.0  # tasks per hour
RELIABILITY = 0.99
FILTER_DETECT, FILTER_FALSE_ALARM = 0.9, 0.01
REVIEWERS, REVIEW_TIME, REVIEW_DETECT = 4, 0.0326165, 0.9


def replication(seed, horizon):
    rng = random.Random(seed)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=REVIEWERS)
    counts = {"tasks": 0, "harms": 0}

    def review(hazardous):
        with pool.request() as turn:
            yield turn
            yield env.timeout(rng.expovariate(1.0 / REVIEW_TIME))
            if hazardous and rng.random() < REVIEW_DETECT:
                return  # caught
            if hazardous:
                counts["harms"] += 1

    def source():
        while True:
            yield env.timeout(rng.expovariate(RATE))
            counts["tasks"] += 1
            hazardous = rng.random() > RELIABILITY
            flagged = rng.random() < (FILTER_DETECT if hazardous else FILTER_FALSE_ALARM)
            if not flagged:
                env.process(review(hazardous))

    env.process(source())
    env.run(until=horizon)
    return counts


def main():
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    horizon = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0
    tasks = harms = 0
    start = time.process_time()
    for r in range(replications):
        c = replication(19 + r, horizon)
        tasks += c["tasks"]
        harms += c["harms"]
    seconds = time.process_time() - start
    print(f"tasks {tasks} harms {harms} seconds {seconds:.3f} tasks_per_second {tasks / seconds:.4g}")


if __name__ == "__main__":
    main()
