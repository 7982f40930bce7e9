// The `stsim` command: one subcommand per job (validate, graph, run, merge, inspect,
// export, analytic, fingerprint).

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/verbosity.h"
#include "sim/mpi/job.h"

int main(int argc, char** argv) {
#ifdef STSIM_WITH_MPI
  const auto job = stsim::mpi::join(argc, argv);
#else
  const auto job = std::make_unique<stsim::mpi::Job>();
#endif
  CLI::App app{"stsim: Monte Carlo simulation of AI inside sociotechnical systems"};
  app.set_version_flag("--version", stsim::cli::version_text(),
                       "Print the version and the features of this build (MPI, HDF5, compiler)");
  app.require_subcommand(1);
  app.failure_message([](const CLI::App* parsed, const CLI::Error& e) {
    std::string command = "stsim";
    for (const CLI::App* sub : parsed->get_subcommands()) command += " " + sub->get_name();
    return fmt::format("stsim: error: {}\n(`{} --help` lists the options)\n", e.what(), command);
  });
  // -q and -v may come before or after the subcommand: `stsim -q run f`, `stsim run f -q`.
  app.fallthrough();
  bool quiet_flag = false, verbose_flag = false;
  auto* quiet =
      app.add_flag("-q,--quiet", quiet_flag,
                   "Print only errors and warnings: no progress, notes or summary tables");
  app.add_flag("-v,--verbose", verbose_flag,
               "Say more: the plan of every sweep point (run, validate), each file read (merge)")
      ->excludes(quiet);

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
  stsim::cli::set_verbosity(quiet_flag     ? stsim::cli::Verbosity::quiet
                            : verbose_flag ? stsim::cli::Verbosity::verbose
                                           : stsim::cli::Verbosity::normal);
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
