#!/usr/bin/python3
"""Makes every figure for every stsim result file in a folder.

usage: /usr/bin/python3 analysis-scripts/make_figures.py RESULTS_DIR FIGURES_DIR

For each RESULTS_DIR/<name>.h5 it writes FIGURES_DIR/<name>/<figure>.png (300 dpi),
<figure>.pdf (fonts embedded) and <figure>.txt (the caption: what is shown, scenario,
seed, replications, stsim version and git revision). Which figures a file gets depends
on what it holds (a reliability sweep gets the flagship figure, a coupling sweep the
coupling figure, a baseline the paired differences...). Re-running on the same files
gives byte-identical outputs.
"""

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


def make(result_file, figures_dir):
    r = results.load(result_file)
    out = Path(figures_dir) / Path(result_file).stem
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for module in FIGURES:
        if not module.applies(r):
            continue
        style.setup()
        fig, description = module.draw(r)
        stem = out / module.NAME
        style.save(fig, stem)
        Path(f"{stem}.txt").write_text(caption(r, description), encoding="utf-8")
        made.append(stem)
    return made


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    results_dir, figures_dir = Path(argv[1]), Path(argv[2])
    files = sorted(results_dir.glob("*.h5"))
    if not files:
        sys.stderr.write(f"error: no result files (*.h5) in {results_dir}\n")
        return 1
    status = 0
    for f in files:
        try:
            made = make(f, figures_dir)
        except results.ResultFileError as error:
            sys.stderr.write(f"error: {error}\n")
            status = 1
            continue
        print(f"{f}: {len(made)} figures in {Path(figures_dir) / f.stem}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
