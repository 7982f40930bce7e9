#!/usr/bin/python3
"""Makes every figure of stsim result files.

For each result file <name>.h5 (RESULTS, or every *.h5 in the folder RESULTS) it writes
FIGURES/<name>/<figure>.png (300 dpi), <figure>.pdf (fonts embedded) and <figure>.txt
(the caption: what is shown, scenario, seed, replications, stsim version and git
revision). Which figures a file gets depends on what it holds (a reliability sweep gets
the flagship figure, a coupling sweep the coupling figure, a baseline the paired
differences...), and each figure's form on the sweep's design: lines for a grid, small
multiples for further dimensions, points on a colour scale for sampled designs.

Labels come from the file (the scenario's `label` keys, or names derived from ids and
paths); --label and --labels change them without re-running the simulation. Slices of a
sharded run (stsim run --shard) are skipped with a note: their merged file (stsim merge)
holds every point. The files do not depend on --jobs, and re-running on the same results
gives byte-identical outputs.
"""

import argparse
import multiprocessing
import os
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stsim_analysis import results  # noqa: E402
from stsim_analysis.figures import FIGURES, NAMES, style  # noqa: E402

EPILOG = f"""figures: {", ".join(NAMES)}.

examples:
  make_figures.py results figures
  make_figures.py results/misuse.h5 --only frontier --only mechanisms
  make_figures.py results/operators.h5 --label nurses="night nurses" \\
      --label "red_flags.false_alarm=false-alarm rate of the red-flag rules"
  make_figures.py results --labels my-scenario.toml   # the labels of an edited scenario file
"""


def caption(r, description):
    reps = r.replications
    if reps.min() == reps.max():
        replications = f"{int(reps[0])} per point"
    else:
        replications = f"{int(reps.min())} to {int(reps.max())} per point"
    a = r.attrs
    return (f"{description}\n\n"
            f"Scenario: {a['scenario_name']} ({a['scenario_file']}); {r.points} sweep point(s); "
            f"horizon {results.duration_text(r.horizon_hours)}.\n"
            f"Seed: {a['seed']}. Replications: {replications}.\n"
            f"stsim {a['stsim_version']}, git revision {a['git_revision']}.\n")


def draw_one(job):
    """One figure of one result file: (result file, figure index, output folder, labels)."""
    result_file, index, out, labels = job
    module = FIGURES[index]
    r = results.load(result_file)
    r.relabel(labels, strict=False)
    style.setup()
    fig, description = module.draw(r)
    stem = Path(out) / module.NAME
    style.save(fig, stem)
    Path(f"{stem}.txt").write_text(caption(r, description), encoding="utf-8")
    return str(stem)


def labels_of_scenario(path):
    """The labels a scenario file sets, as relabel() keys: components' `label`, sweep
    dimensions' `label`, and their `labels` by position among the dimension's values."""
    with open(path, "rb") as f:
        scenario = tomllib.load(f)
    labels, values = {}, {}
    for key, table in scenario.items():
        if key not in ("scenario", "contexts", "sweep") and isinstance(table, dict) \
                and "label" in table:
            labels[key] = table["label"]
    for dimension in scenario.get("sweep", {}).get("dimensions", []):
        if "path" not in dimension:
            continue
        if "label" in dimension:
            labels[dimension["path"]] = dimension["label"]
        if "labels" in dimension:
            values[dimension["path"]] = dimension["labels"]
    return labels, values


def value_labels(r, values):
    """`labels` lists of a scenario file as PATH=VALUE keys of this file's values."""
    out = {}
    for path, names in values.items():
        column = r.column(lambda p, path=path: p == path)
        if column is None:
            continue
        firsts = column.distinct()
        if len(firsts) != len(names):
            raise results.ResultFileError(
                f"{r.path}: the sweep dimension '{path}' has {len(firsts)} values but the "
                f"labels file gives {len(names)} labels")
        for p, name in zip(firsts, names):
            out[f"{path}={column.value_text(p)}"] = name
    return out


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="make_figures.py", description=__doc__.split("\n\n")[0],
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", type=Path, help="a result file (.h5) or a folder of them")
    parser.add_argument("figures", type=Path, nargs="?", default=Path("figures"),
                        help="output folder (default: figures)")
    parser.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                        help="draw only this figure (repeatable); see the list below")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes (default: the number of cores)")
    parser.add_argument("--label", action="append", default=[], metavar="KEY=TEXT",
                        help="relabel a component (its id), a swept dimension (its path) or one "
                             "value (PATH=VALUE, the value as the figures show it); repeatable")
    parser.add_argument("--labels", type=Path, metavar="SCENARIO",
                        help="take the labels of this scenario file (an edited copy of the one "
                             "that was run)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, not {args.jobs}")
    labels = {}
    for item in args.label:
        key, sep, text = item.partition("=")
        if "=" in text and "." in key and "=" not in key:
            # PATH=VALUE=TEXT: the first '=' belongs to the key.
            value, _, text = text.partition("=")
            key = f"{key}={value}"
        if not sep or not key or not text:
            parser.error(f"--label expects KEY=TEXT, not {item!r}")
        labels[key] = text
    args.labels_by_key = labels
    args.value_labels = {}
    if args.labels is not None:
        try:
            from_file, args.value_labels = labels_of_scenario(args.labels)
        except (OSError, tomllib.TOMLDecodeError) as error:
            parser.error(f"--labels {args.labels}: {error}")
        args.labels_by_key = {**from_file, **labels}
    return args


def main(argv):
    args = parse_arguments(argv)
    if args.results.is_dir():
        files = sorted(args.results.glob("*.h5"))
        if not files:
            sys.stderr.write(f"error: no result files (*.h5) in {args.results}\n")
            return 1
    elif args.results.exists():
        files = [args.results]
    else:
        sys.stderr.write(f"error: {args.results}: no such file or folder\n")
        return 2
    status = 0
    work = []
    unmatched = set(args.labels_by_key)
    for f in files:
        try:
            r = results.load(f)
            labels = {**args.labels_by_key, **value_labels(r, args.value_labels)}
            unmatched &= set(r.relabel(labels, strict=False))
        except results.ShardFileError as error:
            # Slices sit beside their merged file in a cluster job's results folder.
            sys.stderr.write(f"skipping {error}\n")
            continue
        except results.ResultFileError as error:
            sys.stderr.write(f"error: {error}\n")
            status = 1
            continue
        out = args.figures / f.stem
        out.mkdir(parents=True, exist_ok=True)
        wanted = [(i, m) for i, m in enumerate(FIGURES) if args.only is None or m.NAME in args.only]
        planned = [(str(f), i, str(out), labels) for i, m in wanted if m.applies(r)]
        # A figure that does not apply to this file (now) leaves no older drawing behind.
        for i, m in wanted:
            if not m.applies(r):
                for suffix in (".png", ".pdf", ".txt"):
                    (out / f"{m.NAME}{suffix}").unlink(missing_ok=True)
        work += planned
        print(f"{f}: {len(planned)} figures in {out}")
    if unmatched:
        sys.stderr.write(f"error: --label {', '.join(sorted(unmatched))}: names no component, "
                         f"swept dimension or value of any result file\n")
        return 2
    if args.jobs > 1 and len(work) > 1:
        with multiprocessing.get_context("fork").Pool(min(args.jobs, len(work))) as pool:
            list(pool.imap(draw_one, work, chunksize=1))
    else:
        for job in work:
            draw_one(job)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
