// What `stsim --version` prints: the version, then the features of this build.

#include <fmt/core.h>

#include <string>

#include "sim/cli/commands.h"
#include "sim/mpi/job.h"
#include "sim/output/hdf5_file.h"
#include "sim/version.h"

namespace stsim::cli {

namespace {

std::string compiler() {
#if defined(__clang__)
  return fmt::format("clang++ {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("g++ {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

}  // namespace

std::string version_text() {
#ifdef STSIM_WITH_MPI
  const std::string mpi = "built in (" + mpi::library_version() + ")";
#else
  const std::string mpi = "not built in (configure with -DSTSIM_MPI=ON, Open MPI installed)";
#endif
  return fmt::format("stsim {} ({})\nMPI: {}\nHDF5: {}\ncompiler: {}, {} build\nsanitizers: {}",
                     stsim::version, stsim::git_revision, mpi, output::hdf5_version(), compiler(),
                     stsim::build_type, stsim::sanitizers);
}

}  // namespace stsim::cli
