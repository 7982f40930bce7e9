#!/usr/bin/python3
"""Makes every figure for every stsim result file in a folder.

usage: /usr/bin/python3 analysis-scripts/make_figures.py RESULTS_DIR FIGURES_DIR [--jobs N]

For each RESULTS_DIR/<name>.h5 it writes FIGURES_DIR/<name>/<figure>.png (300 dpi),
<figure>.pdf (fonts embedded) and <figure>.txt (the caption: what is shown, scenario,
seed, replications, stsim version and git revision). Which figures a file gets depends
on what it holds (a reliability sweep gets the flagship figure, a coupling sweep the
coupling figure, a baseline the paired differences...). Figures are drawn in N worker
processes (default: the number of cores); the files do not depend on N, and re-running
on the same results gives byte-identical outputs. Slices of a sharded run (stsim run
--shard) are skipped with a note: their merged file (stsim merge) holds every point.
"""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stsim_figures import (coupling, evidence, first_harm, flagship, frontier,  # noqa: E402
                           mechanisms, paired, results, style, sweep, timeseries)

FIGURES = [flagship, sweep, mechanisms, frontier, timeseries, first_harm, coupling, paired, evidence]


def caption(r, description):
    reps = r.replications
    if reps.min() == reps.max():
        replications = f"{int(reps[0])} per point"
    else:
        replications = f"{int(reps.min())} to {int(reps.max())} per point"
    a = r.attrs
    return (f"{description}\n\n"
            f"Scenario: {a['scenario_name']} ({a['scenario_file']}); {r.points} sweep point(s); "
            f"horizon {r.horizon_hours:g} hours.\n"
            f"Seed: {a['seed']}. Replications: {replications}.\n"
            f"stsim {a['stsim_version']}, git revision {a['git_revision']}.\n")


def draw_one(job):
    """One figure of one result file: (result file, figure index, output folder)."""
    result_file, index, out = job
    module = FIGURES[index]
    r = results.load(result_file)
    style.setup()
    fig, description = module.draw(r)
    stem = Path(out) / module.NAME
    style.save(fig, stem)
    Path(f"{stem}.txt").write_text(caption(r, description), encoding="utf-8")
    return str(stem)


def plan(result_file, figures_dir):
    """The figures a result file gets, as jobs for draw_one."""
    r = results.load(result_file)
    out = Path(figures_dir) / Path(result_file).stem
    out.mkdir(parents=True, exist_ok=True)
    return [(str(result_file), i, str(out)) for i, m in enumerate(FIGURES) if m.applies(r)]


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--jobs")]
    jobs_option = [a for a in argv[1:] if a.startswith("--jobs")]
    if len(args) != 2 or len(jobs_option) > 1:
        sys.stderr.write(__doc__)
        return 2
    workers = os.cpu_count() or 1
    if jobs_option:
        try:
            workers = int(jobs_option[0].split("=", 1)[1])
        except (IndexError, ValueError):
            sys.stderr.write("error: --jobs expects --jobs=N with N a positive integer\n")
            return 2
    results_dir, figures_dir = Path(args[0]), Path(args[1])
    files = sorted(results_dir.glob("*.h5"))
    if not files:
        sys.stderr.write(f"error: no result files (*.h5) in {results_dir}\n")
        return 1
    status = 0
    work = []
    for f in files:
        try:
            planned = plan(f, figures_dir)
        except results.ShardFileError as error:
            # Slices sit beside their merged file in a cluster job's results folder.
            sys.stderr.write(f"skipping {error}\n")
            continue
        except results.ResultFileError as error:
            sys.stderr.write(f"error: {error}\n")
            status = 1
            continue
        work += planned
        print(f"{f}: {len(planned)} figures in {Path(figures_dir) / f.stem}")
    if workers > 1 and len(work) > 1:
        with multiprocessing.get_context("fork").Pool(min(workers, len(work))) as pool:
            list(pool.imap(draw_one, work, chunksize=1))
    else:
        for job in work:
            draw_one(job)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
