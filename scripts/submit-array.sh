#!/bin/bash
# Submits a sharded stsim sweep to Slurm: a job array with one task per slice
# (scripts/slurm-array.sbatch) and the merge (scripts/slurm-merge.sbatch), which starts once
# every task has succeeded. Guide: docs/cluster.md. Usage, from the repository's root:
#   SCENARIO=scenarios/misuse.toml SLICES=6 scripts/submit-array.sh [more sbatch options]
# Extra arguments go to both sbatch calls (e.g. --partition=short --account=me).
set -euo pipefail

# Parameters, overridable from the environment (exported to both jobs).
export STSIM=${STSIM:-build/main/sim/stsim}                            # the stsim binary
export SCENARIO=${SCENARIO:-scenarios/reliability-is-not-safety.toml}  # the scenario to sweep
export NAME=${NAME:-$(basename "$SCENARIO" .toml)}
export OUTDIR=${OUTDIR:-results/$NAME}                                 # shard files
export OUTPUT=${OUTPUT:-$OUTDIR.h5}                                    # the merged file
SLICES=${SLICES:-8}            # array tasks = slices, at most the number of sweep points
THREADS=${THREADS:-4}          # cores (and worker threads) per task
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Step 1: check the scenario and the slice count here, before anything waits in the queue:
# validate makes every check a task's run makes before its first replication, and with
# --shard N/N refuses more slices than the sweep has points.
if ! [[ $SLICES =~ ^[0-9]+$ ]] || ((SLICES < 1)); then
  echo "submit-array.sh: error: SLICES=$SLICES: expected a positive number of slices" >&2
  exit 2
fi
"$STSIM" validate "$SCENARIO" --shard "$SLICES/$SLICES" >/dev/null

# Step 2: submit the job array, one task per slice.
array_job=$(sbatch --parsable --array="1-$SLICES" --cpus-per-task="$THREADS" "$@" "$here/slurm-array.sbatch")
array_job=${array_job%%;*}     # --parsable prints "id" or "id;cluster"

# Step 3: submit the merge, held until every task of the array has succeeded (afterok).
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" "$@" "$here/slurm-merge.sbatch")
merge_job=${merge_job%%;*}

echo "array job $array_job ($SLICES slices into $OUTDIR/), merge job $merge_job -> $OUTPUT"
