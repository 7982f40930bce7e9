#!/usr/bin/env bash
# Wall-clock throughput of `stsim run` on the reference scenario (every component kind)
# run three ways: one process with one thread, one process with two threads, and
# `mpirun -np 2` with one thread per rank. The processes' start-up (MPI's included) is
# part of the time, as a user sees it. Prints one line per way: the median of 3 runs.
#
# usage: benchmarks/mpi_scaling.sh [BUILD_DIR] [REPLICATIONS]   (default build/release, 512)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
reps=${2:-512}
stsim="$build/sim/stsim"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Open MPI refuses root unless told; these only take effect under mpirun.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

measure() {
  local name=$1
  shift
  local times=()
  for _ in 1 2 3; do
    rm -f "$scratch/out.h5"
    local start end
    start=$(date +%s.%N)
    "$@" benchmarks/reference.toml -o "$scratch/out.h5" --reps "$reps" --progress none >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
  done
  local median tasks
  median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n 2p)
  tasks=$(h5dump -d /runtime/tasks "$scratch/out.h5" | awk '/\(0\)/ { print $2 }')
  awk -v n="$name" -v t="$median" -v k="$tasks" \
    'BEGIN { printf "%-28s %8.3f s   %6.2f M tasks/s\n", n, t, k / t / 1e6 }'
}

measure "1 process x 1 thread" "$stsim" run --threads 1
measure "1 process x 2 threads" "$stsim" run --threads 2
measure "mpirun -np 2 x 1 thread" mpirun -np 2 --oversubscribe "$stsim" run --threads 1
