#pragma once
// The processes `stsim run` runs in: this one alone, or the ranks of an MPI job
// (`mpirun -np N stsim run ...`, with a build that has Open MPI). The first rank plans
// the sweep, hands out blocks of replications, folds them and writes the file; the
// other ranks run the blocks they are handed. Blocks are keyed by point and
// replication, never by rank, so the file is the one a single process writes.

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "sim/runner/runner.h"

namespace stsim::mpi {

// A single process: the base of an MPI job, and what runs when there is none.
class Job {
 public:
  virtual ~Job() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  bool is_root() const { return rank() == 0; }

  // On the first rank: runs the plan, with the other ranks as remote workers.
  virtual runner::RunResult run_plan(const runner::Plan& plan,
                                     const runner::RunOptions& options) const {
    return runner::run_plan(plan, options);
  }

  // On the other ranks: runs the blocks the first rank hands out until it says stop, and
  // returns the exit code. Without a plan, reports `fault` to the first rank instead
  // (which fails the run) and returns 1.
  virtual int serve_blocks(const runner::Plan* /*plan*/, const std::string& /*fault*/,
                           unsigned /*threads*/) const {
    throw std::logic_error("only the ranks of an MPI job serve blocks");
  }
};

// How many ranks an MPI launcher (mpirun, srun) started this process among, from the
// environment it sets; 1 when it was not started by one.
inline int launcher_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::max(1, std::atoi(value));
  }
  return 1;
}

#ifdef STSIM_WITH_MPI
// Joins the MPI job when the process was started by an MPI launcher (mpirun, srun);
// otherwise a single process, without initialising MPI. Call once, from main.
std::unique_ptr<Job> join(int& argc, char**& argv);

// The MPI library this stsim runs with, as it names itself ("Open MPI v4.1.4, ...").
std::string library_version();
#endif

}  // namespace stsim::mpi
