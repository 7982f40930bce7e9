#pragma once
// Each subcommand of `stsim` registers itself on the CLI11 app; the returned function
// runs it and gives the process exit code.

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace stsim::mpi {
class Job;
}

namespace stsim::cli {

// Exit codes shared by every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;        // a run failed (I/O, internal error)
inline constexpr int exit_invalid_input = 2;  // bad scenario, bad options
inline constexpr int exit_interrupted =
    130;  // stopped by SIGINT/SIGTERM; no complete result written

using Command = std::function<int()>;

// The command line as the process received it, quoted for a shell: provenance for the
// files a command writes.
std::string own_command_line();

// The version and the features of this build (MPI, HDF5, compiler), for --version.
std::string version_text();

Command add_validate(CLI::App& app);
Command add_graph(CLI::App& app);
Command add_run(CLI::App& app, const mpi::Job& job);
Command add_merge(CLI::App& app);
Command add_inspect(CLI::App& app);
Command add_export(CLI::App& app);
Command add_analytic(CLI::App& app);
Command add_fingerprint(CLI::App& app);

}  // namespace stsim::cli
