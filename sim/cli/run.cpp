// `stsim run FILE`: loads and checks the scenario, runs its sweep over worker threads
// (and MPI ranks, under mpirun) and writes the HDF5 results, checkpointing as it goes.
// Messages and progress go to stderr; the output path and a headline table to stdout.

#include <fmt/core.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/plan_summary.h"
#include "sim/cli/progress.h"
#include "sim/cli/run_checks.h"
#include "sim/cli/scenario_input.h"
#include "sim/cli/verbosity.h"
#include "sim/model/failure_biasing.h"
#include "sim/model/latent_measure.h"
#include "sim/model/queue_measure.h"
#include "sim/mpi/job.h"
#include "sim/output/checkpoint.h"
#include "sim/output/hdf5_file.h"
#include "sim/output/kept_runs.h"
#include "sim/output/output_lock.h"
#include "sim/output/plain_file.h"
#include "sim/output/summary.h"
#include "sim/runner/runner.h"

namespace stsim::cli {

namespace {

struct RunArguments {
  std::string file;
  std::string output;
  unsigned threads = 0;
  std::optional<std::uint64_t> seed;
  PlanArguments plan;
  std::string progress = "auto";
  bool resume = false;
  std::string checkpoint;  // default: <output>.checkpoint
  double checkpoint_interval = 60.0;
  bool importance = false;
  std::optional<std::uint32_t> importance_point;
};

// Set by SIGINT/SIGTERM; lock-free, so safe to store from a signal handler.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void request_stop(int) { stop_requested.store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  // A second signal gets the default action: a user can always kill a stuck run.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Saves checkpoints as the run goes; a failure is reported once and the run goes on.
class CheckpointWriter {
 public:
  explicit CheckpointWriter(std::string path) : path_(std::move(path)) {}
  void operator()(const runner::RunState& state) {
    try {
      output::write_checkpoint(state, path_);
      written_ = true;
    } catch (const output::FileError& e) {
      if (!warned_)
        fmt::print(stderr, "\nstsim: warning: {} (the run goes on, but cannot be resumed)\n",
                   e.what());
      warned_ = true;
    }
  }
  bool written() const { return written_; }

 private:
  std::string path_;
  bool written_ = false;
  bool warned_ = false;
};

// The plan's options as a rank other than the first needs them (the first checks the
// slice and the memory budget).
runner::RunOptions rank_options(const RunArguments& args) {
  runner::RunOptions options;
  options.threads = args.threads;
  options.seed = args.seed;
  options.replications = args.plan.reps;
  options.until_relative_error = args.plan.until_rel_error;
  return options;
}

// A rank of an MPI job other than the first: it plans the same sweep quietly (the first
// rank reports faults) and runs the blocks the first rank hands out until told to stop.
int serve_rank(const RunArguments& args, const mpi::Job& job) {
  std::vector<std::string> messages;
  const auto loaded = load_scenario(args.file, args.plan.sets, messages);
  std::optional<runner::Plan> plan;
  if (loaded) {
    try {
      plan = runner::make_plan(*loaded, rank_options(args));
    } catch (const runner::InvalidSweep& e) {
      messages.emplace_back(e.what());
    }
  }
  std::string fault;
  for (const auto& m : messages) {
    if (m.find(": error: ") != std::string::npos) {
      fault = m;
      break;
    }
  }
  return job.serve_blocks(plan ? &*plan : nullptr, fault, args.threads);
}

// What the complete result at `path` is, when it is the result of this very run (same
// code, seed, resolved configuration and slice); nothing otherwise.
std::optional<std::string> finished_result(const std::string& path,
                                           const runner::RunState& identity,
                                           const runner::RunOptions& options) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    const output::ResultFile file(path);
    const auto text = [&](const char* name) {
      return file.has_attribute("/", name) ? file.attribute_text("/", name) : std::string();
    };
    const bool sharded = file.has_attribute("/", "shard_count");
    const bool same_slice = sharded
                                ? text("shard_index") == std::to_string(options.shard.index + 1) &&
                                      text("shard_count") == std::to_string(options.shard.count)
                                : options.shard.count == 1;
    if (text("status") == "complete" && text("fingerprint") == identity.fingerprint &&
        text("stsim_version") + " (" + text("git_revision") + ")" == identity.stsim_version &&
        same_slice) {
      return fmt::format("{} already holds the complete results of this run (fingerprint {})", path,
                         identity.fingerprint);
    }
  } catch (const output::FileError&) {
    // Damaged or foreign: the run makes it anew.
  }
  return std::nullopt;
}

// The points of a precision run that stopped at max_replications without meeting their
// target, in words ("" when every point met it); the file records them per point.
std::string missed_targets(const runner::RunResult& result) {
  const auto& r = result.plan.replications;
  if (!r.precision) return "";
  const auto k = static_cast<std::size_t>(r.metric);
  std::vector<std::string> missed;
  std::size_t run_here = 0;
  for (std::size_t p = 0; p < result.points.size(); ++p) {
    const auto& point = result.points[p];
    if (point.replications == 0) continue;  // another slice's point
    ++run_here;
    if (point.precision_target_met) continue;
    const auto& s = point.metrics[k];
    const double relative = s.standard_error / std::abs(s.mean);
    missed.push_back(fmt::format(
        "point {} ({}): {}", p, point.label,
        std::isfinite(relative) && s.mean != 0.0
            ? fmt::format("relative error {:.3g} after {} replications", relative,
                          point.replications)
            : fmt::format("no event in {} replications to estimate it from", point.replications)));
  }
  if (missed.empty()) return "";
  constexpr std::size_t shown = 5;
  std::string list;
  for (std::size_t i = 0; i < missed.size() && i < shown; ++i) {
    list += (i ? "; " : "") + missed[i];
  }
  if (missed.size() > shown) list += fmt::format("; and {} more", missed.size() - shown);
  return fmt::format(
      "{} of {} point(s) stopped at max_replications ({}) without meeting the target relative "
      "error {} of {} (recorded per point in /runtime/precision_target_met): {}",
      missed.size(), run_here, r.max_replications, r.relative_error, runner::info(r.metric).name,
      list);
}

// What scenario.rare_event = "auto" chose, and why, in one line ("" for another method).
std::string rare_event_choice(const runner::Plan& plan) {
  if (plan.specs.front().rare_event != model::RareEvent::automatic) return "";
  std::size_t sampled = 0;
  std::string plain, queue, latent;
  for (std::size_t p = 0; p < plan.specs.size(); ++p) {
    if (const auto why = model::importance_sampling_refusal(plan.specs[p])) {
      if (plain.empty())
        plain = fmt::format("plain Monte Carlo at point {} ({}), because {}", p,
                            plan.design.point_labels[p], *why);
    } else {
      ++sampled;
      if (const auto* pool = model::finite_queue_pool(plan.specs[p]); pool && queue.empty())
        queue = fmt::format(
            ", and the change of measure of queue '{}' (arrivals and reviews drawn at each "
            "other's rates from an empty pool until it is full, over regenerative cycles)",
            pool->id);
      if (model::common_test_interval(plan.specs[p]) && latent.empty())
        latent =
            ", and the change of measure of latent failure times (drawn at ln 2 / T at least "
            "within each proof-test interval, the ratio restarting at each test)";
    }
  }
  const std::string importance =
      "importance sampling (balanced failure biasing of per-task failures, each task weighted "
      "by its likelihood ratio" +
      queue + latent + ")";
  if (plain.empty()) return fmt::format("rare events: auto chose {}", importance);
  if (sampled == 0)
    return fmt::format("rare events: auto chose plain Monte Carlo: {}",
                       *model::importance_sampling_refusal(plan.specs.front()));
  return fmt::format("rare events: auto chose {} at {} of {} point(s); {}", importance, sampled,
                     plan.specs.size(), plain);
}

// Importance sampling estimates of the precision metric (else harm_rate) whose
// diagnostics say they are not to be trusted yet, as a warning ("" when none).
std::string untrusted_estimates(const runner::RunResult& result) {
  const auto& r = result.plan.replications;
  const auto metric = r.precision ? r.metric : runner::MetricId::harm_rate;
  const auto k = static_cast<std::size_t>(metric);
  std::vector<std::string> doubtful;
  for (std::size_t p = 0; p < result.points.size(); ++p) {
    const auto& point = result.points[p];
    if (!point.importance_sampled || point.replications == 0) continue;
    const auto why = runner::untrustworthy(point.diagnostics[k]);
    if (!why.empty()) doubtful.push_back(fmt::format("point {} ({}): {}", p, point.label, why));
  }
  if (doubtful.empty()) return "";
  return fmt::format(
      "the importance sampling estimate of {} is not yet trustworthy (see /rare_event; more "
      "replications help): {}",
      runner::info(metric).name, fmt::join(doubtful, "; "));
}

int run(const RunArguments& args, const mpi::Job& job) {
  // From the start: a signal while loading stops the run before its first replication.
  install_signal_handlers();
  if (!job.is_root()) return serve_rank(args, job);
  if (job.size() == 1 && mpi::launcher_ranks() > 1) {
    // Every rank would run the whole sweep and write the same file.
    fmt::print(stderr,
               "stsim: error: started by an MPI launcher as one of {} ranks, but this stsim was "
               "built without MPI "
               "(configure with -DSTSIM_MPI=ON, or run it as a single process)\n",
               mpi::launcher_ranks());
    return exit_invalid_input;
  }
  const auto loaded = load_scenario(args.file, args.plan.sets);
  if (!loaded) return exit_invalid_input;

  auto planned = plan_options(args.plan);
  if (!planned) return exit_invalid_input;
  runner::RunOptions options = std::move(*planned);
  options.threads = args.threads;
  options.seed = args.seed;
  options.command_line = own_command_line();
  options.stop = &stop_requested;
  options.checkpoint_interval_seconds = args.checkpoint_interval;

  std::vector<std::string> faults;
  auto checked = checked_plan(*loaded, options, faults);
  for (const auto& fault : faults) fmt::print(stderr, "{}\n", fault);
  if (!checked) return exit_invalid_input;
  const runner::Plan plan = std::move(*checked);
  // The importance points are planned now, so that a fault in them shows before any work.
  std::optional<runner::Plan> importance;
  if (args.importance_point && *args.importance_point >= plan.design.size()) {
    fmt::print(stderr,
               "stsim: error: --importance-point {}: the sweep has {} point(s), numbered 0 to "
               "{}\n",
               *args.importance_point, plan.design.size(), plan.design.size() - 1);
    return exit_invalid_input;
  }
  if (args.importance || args.importance_point) {
    if (args.plan.shard) {
      fmt::print(stderr,
                 "stsim: error: --importance cannot be combined with --shard: its points are "
                 "paired with the scenario as written and run in one process\n");
      return exit_invalid_input;
    }
    try {
      // At the named point, else the sweep's baseline, else the scenario as written.
      const auto at = args.importance_point ? args.importance_point : plan.design.baseline;
      importance = runner::importance_plan(*loaded, options, at ? &plan : nullptr, at.value_or(0));
      runner::check_models(*importance, runner::simulation_factory());
    } catch (const runner::InvalidSweep& e) {
      for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", scenario::format(d));
      return exit_invalid_input;
    }
  }
  if (verbose()) {
    note("{}",
         plan_summary(plan, runner::estimate_run(plan),
                      args.threads ? args.threads : std::thread::hardware_concurrency(), true));
  }

  const std::string path =
      args.output.empty() ? "results/" + plan.specs.front().name + ".h5" : args.output;
  const std::string checkpoint =
      args.checkpoint.empty() ? output::checkpoint_path(path) : args.checkpoint;
  // Everything the run will write is checked before its first replication: a sweep must
  // not run for hours and then find that it cannot keep anything.
  for (const auto& [what, file] : {std::pair{"-o", path}, std::pair{"--checkpoint", checkpoint}}) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      fmt::print(stderr, "stsim: error: {} {}: it is a directory; give a file name\n", what, file);
      return exit_invalid_input;
    }
    const auto parent = std::filesystem::path(file).parent_path();
    if (!parent.empty()) {
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        fmt::print(stderr, "stsim: error: cannot create directory {}: {}\n", parent.string(),
                   ec.message());
        return exit_failure;
      }
    }
  }
  std::optional<output::OutputLock> lock;
  try {
    lock.emplace(path);
    output::check_writable(checkpoint + ".new");
  } catch (const output::OutputLocked& e) {
    fmt::print(stderr, "stsim: error: {}\n", e.what());
    return exit_invalid_input;
  } catch (const output::FileError& e) {
    fmt::print(stderr, "stsim: error: {}\n", e.what());
    return exit_failure;
  }

  std::optional<runner::RunState> saved;
  try {
    saved = output::read_checkpoint(checkpoint);
  } catch (const output::FileError& e) {
    fmt::print(stderr, "stsim: error: {}\n", e.what());
    return exit_invalid_input;
  }
  const auto identity = runner::run_identity(plan, options);
  // A finished run whose final write failed, continued into this run's -o.
  std::optional<std::string> kept;
  if (!saved && args.resume) {
    // A requeued array task that had finished: its result stands, there is nothing to redo.
    if (const auto done = finished_result(path, identity, options)) {
      note("stsim: {}; nothing to do\n", *done);
      report("{}\n", path);
      report("{}", output::headline_table(output::ResultFile(path)));
      return exit_ok;
    }
    if (args.checkpoint.empty()) kept = output::find_kept_run(identity);
    if (kept) {
      try {
        saved = output::read_checkpoint(*kept);
      } catch (const output::FileError&) {
        saved.reset();
      }
      if (!saved || !runner::identity_mismatch(*saved, identity).empty()) {
        saved.reset();
        kept.reset();
      } else {
        note("stsim: continuing the finished run kept in {} (its final write had failed)\n", *kept);
      }
    }
  }
  if (saved && !args.resume) {
    fmt::print(stderr,
               "stsim: error: {} holds the progress of an interrupted run: add --resume to "
               "continue it, or "
               "delete it to start again\n",
               checkpoint);
    return exit_invalid_input;
  }
  if (saved) {
    if (const auto why = runner::identity_mismatch(*saved, identity); !why.empty()) {
      fmt::print(
          stderr,
          "stsim: error: cannot resume from {}: {}; run as before, or delete it to start again\n",
          checkpoint, why);
      return exit_invalid_input;
    }
    options.resume = &*saved;
  } else if (args.resume) {
    note("stsim: no checkpoint at {}; starting from the beginning\n", checkpoint);
  }
  CheckpointWriter checkpoints(checkpoint);
  options.on_checkpoint = [&checkpoints](const runner::RunState& state) { checkpoints(state); };

  const bool bar = args.progress == "bar" || (args.progress == "auto" && ::isatty(STDERR_FILENO));
  ProgressPrinter printer(bar, stderr);
  if (args.progress != "none" && !quiet())
    options.on_progress = [&printer](const runner::Progress& p) { printer(p); };
  options.progress_interval_seconds = bar ? 0.25 : 1.0;

  const std::string slice =
      options.shard.count > 1
          ? fmt::format(", slice {}/{}", options.shard.index + 1, options.shard.count)
          : "";
  const std::string ranks = job.size() > 1 ? fmt::format(", {} MPI ranks", job.size()) : "";
  note("stsim: {} {} ({} point(s){}{}, {})\n", saved ? "resuming" : "running",
       plan.specs.front().name, plan.design.size(), slice, ranks,
       plan.replications.precision
           ? fmt::format("until the relative error of {} is <= {}",
                         runner::info(plan.replications.metric).name,
                         plan.replications.relative_error)
           : fmt::format("{} replications each", plan.replications.max_replications));
  if (const auto choice = rare_event_choice(plan); !choice.empty()) note("stsim: {}\n", choice);
  auto result = job.run_plan(plan, options);
  printer.finish();
  if (saved) {
    note("stsim: resumed with {} replication(s) already done\n", runner::replications_in(*saved));
  }
  if (!result.complete || stop_requested.load()) {
    // A signal after the last block: the complete state is saved, so a resume just writes.
    if (result.complete) checkpoints(result.state);
    fmt::print(stderr, "stsim: interrupted; {}no results written\n",
               checkpoints.written()
                   ? fmt::format("progress saved in {} (continue with --resume); ", checkpoint)
                   : "");
    return exit_interrupted;
  }
  if (importance) {
    const auto& reference = importance->design.point_labels.front();
    note("stsim: importance: {} counterfactual point(s) against {}, {} replications each\n",
         importance->design.size() - 1,
         reference == "as written" ? "the scenario as written" : "point '" + reference + "'",
         importance->replications.max_replications);
    runner::RunOptions paired = options;
    paired.resume = nullptr;
    paired.on_checkpoint = nullptr;
    paired.shard = {};
    // A progress display of its own: the sweep's has ended.
    ProgressPrinter paired_printer(bar, stderr);
    if (paired.on_progress)
      paired.on_progress = [&paired_printer](const runner::Progress& p) { paired_printer(p); };
    auto counterfactuals = runner::run_plan(*importance, paired);
    paired_printer.finish();
    if (!counterfactuals.complete || stop_requested.load()) {
      checkpoints(result.state);
      fmt::print(
          stderr, "stsim: interrupted during the importance points; {}no results written\n",
          checkpoints.written()
              ? fmt::format("the sweep is saved in {} (continue with --resume); ", checkpoint)
              : "");
      return exit_interrupted;
    }
    result.importance = runner::importance_measures(counterfactuals);
  }
  if (const auto& wc = plan.base.sweep.worst_case; !wc.parameter.empty()) {
    if (args.plan.shard) {
      note("stsim: worst case: the search over {} runs when the slices are merged\n", wc.parameter);
    } else {
      note("stsim: worst case: searching {} in [{}, {}] for the least {}\n", wc.parameter,
           model::format_number(wc.low), model::format_number(wc.high), wc.metric);
      runner::RunOptions search = options;
      search.on_progress = nullptr;
      auto found = runner::worst_case_search(plan, search);
      if (found.searches.empty() || stop_requested.load()) {
        checkpoints(result.state);
        fmt::print(
            stderr, "stsim: interrupted during the worst-case search; {}no results written\n",
            checkpoints.written()
                ? fmt::format("the sweep is saved in {} (continue with --resume); ", checkpoint)
                : "");
        return exit_interrupted;
      }
      result.worst_case = std::move(found);
    }
  }
  result.processes = job.size();
  result.shard_file = args.plan.shard.has_value();
  try {
    output::write_results(result, path);
  } catch (const output::FileError& e) {
    // The work is done: keep it where a resume finds it, and say how to finish elsewhere.
    checkpoints(result.state);
    fmt::print(stderr, "stsim: error: {}\n", e.what());
    if (checkpoints.written()) {
      const auto elsewhere = output::remember_kept_run(identity, checkpoint)
                                 ? std::string("--resume -o OTHER.h5")
                                 : "--resume --checkpoint " + checkpoint + " -o OTHER.h5";
      fmt::print(stderr,
                 "stsim: the finished run is kept in {}: fix the problem and run again with "
                 "--resume, or write the results elsewhere with {}\n",
                 checkpoint, elsewhere);
    }
    return exit_failure;
  }
  // A signal during the write: the run did not finish as asked, so its file must not stay.
  if (stop_requested.load()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    checkpoints(result.state);
    fmt::print(
        stderr,
        "stsim: interrupted; progress saved in {} (continue with --resume); no results written\n",
        checkpoint);
    return exit_interrupted;
  }
  std::error_code ignored;
  std::filesystem::remove(checkpoint, ignored);
  if (kept) std::filesystem::remove(*kept, ignored);
  output::forget_kept_run(identity);
  if (const auto missed = missed_targets(result); !missed.empty()) {
    fmt::print(stderr, "stsim: warning: {}\n", missed);
  }
  if (const auto doubtful = untrusted_estimates(result); !doubtful.empty()) {
    fmt::print(stderr, "stsim: warning: {}\n", doubtful);
  }
  report("{}\n", path);
  if (!quiet()) {
    const output::ResultFile written(path);
    report("{}{}", output::headline_table(written), output::study_tables(written));
  }
  return exit_ok;
}

}  // namespace

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string line;
  std::size_t start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (!line.empty()) line += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
    line += plain ? arg : "'" + arg + "'";
    start = end + 1;
  }
  return line;
}

Command add_run(CLI::App& app, const mpi::Job& job) {
  auto* cmd = app.add_subcommand("run", "Run a scenario (and its sweep) and write HDF5 results");
  auto args = std::make_shared<RunArguments>();
  cmd->add_option("file", args->file, "Scenario TOML file, or a shipped scenario by name")
      ->required();
  cmd->add_option("-o,--output", args->output, "Result file (default: results/<scenario name>.h5)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(whole_number_from_1("the number of worker threads"));
  cmd->add_option("--seed", args->seed, "Seed (replaces scenario.seed)");
  add_plan_options(*cmd, args->plan);
  cmd->add_option("--progress", args->progress, "Progress display: auto, bar, log or none")
      ->check(CLI::IsMember({"auto", "bar", "log", "none"}));
  cmd->add_flag("--resume", args->resume,
                "Continue from the checkpoint, if there is one, or else from a finished run of "
                "this same configuration whose final write failed; with none and a complete "
                "result of this same run at the output, there is nothing to do");
  cmd->add_option("--checkpoint", args->checkpoint,
                  "Checkpoint file (default: <output>.checkpoint)");
  cmd->add_option("--checkpoint-interval", args->checkpoint_interval,
                  "Seconds between checkpoints (default 60; a signal always saves one)")
      ->check(number_from_0("seconds between checkpoints"));
  cmd->add_flag("--importance", args->importance,
                "Also measure each layer's importance (Birnbaum, Fussell-Vesely, RAW, RRW) "
                "from paired counterfactual points against the scenario as written; written "
                "to /importance (docs/sensitivity.md); at the sweep's baseline if it names one");
  cmd->add_option("--importance-point", args->importance_point,
                  "Measure importance at this sweep point (an index, as in /design/point_label) "
                  "instead; implies --importance");
  return [args, &job] { return run(*args, job); };
}

}  // namespace stsim::cli
