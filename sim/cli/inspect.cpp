// `stsim inspect FILE`: what a result file holds, as a summary table on stdout.

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "sim/cli/commands.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/summary.h"

namespace stsim::cli {

Command add_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Summarise an stsim HDF5 result file");
  auto file = std::make_shared<std::string>();
  cmd->add_option("file", *file, "Result file (.h5)")->required();
  return [file] {
    try {
      const output::ResultFile results(*file);
      fmt::print("{}\n{}", output::describe(results), output::headline_table(results));
      return exit_ok;
    } catch (const output::FileError& e) {
      fmt::print(stderr, "stsim inspect: error: {}\n", e.what());
      return exit_invalid_input;
    }
  };
}

}  // namespace stsim::cli
