// The `stsim` command: one subcommand per job (validate, graph, run, merge, inspect,
// export, analytic, fingerprint).

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/mpi/job.h"
#include "sim/version.h"

int main(int argc, char** argv) {
#ifdef STSIM_WITH_MPI
  const auto job = stsim::mpi::join(argc, argv);
#else
  const auto job = std::make_unique<stsim::mpi::Job>();
#endif
  CLI::App app{"stsim: Monte Carlo simulation of AI inside sociotechnical systems"};
  app.set_version_flag("--version",
                       fmt::format("stsim {} ({})", stsim::version, stsim::git_revision));
  app.require_subcommand(1);

  std::vector<std::pair<CLI::App*, stsim::cli::Command>> commands;
  auto add = [&](auto adder) {
    const std::size_t before = app.get_subcommands({}).size();
    auto command = adder(app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(command));
  };
  add(stsim::cli::add_validate);
  add(stsim::cli::add_graph);
  add([&job](CLI::App& a) { return stsim::cli::add_run(a, *job); });
  add(stsim::cli::add_merge);
  add(stsim::cli::add_inspect);
  add(stsim::cli::add_export);
  add(stsim::cli::add_analytic);
  add(stsim::cli::add_fingerprint);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : stsim::cli::exit_invalid_input;
  }
  for (auto& [subcommand, command] : commands) {
    if (subcommand->parsed()) {
      try {
        return command();
      } catch (const std::exception& e) {
        fmt::print(stderr, "stsim: error: {}\n", e.what());
        return stsim::cli::exit_failure;
      }
    }
  }
  return stsim::cli::exit_invalid_input;
}
