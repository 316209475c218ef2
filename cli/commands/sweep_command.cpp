#include "cli/commands/sweep_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "cli/diagnostics.hpp"
#include "cli/gnuplot.hpp"
#include "cli/interrupt.hpp"
#include "cli/paths.hpp"
#include "cli/progress.hpp"
#include "compiler/support/error.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/output_lock.hpp"
#include "sweep/plots.hpp"
#include "sweep/runner.hpp"

namespace neurokv::cli {
namespace {

struct SweepFlags {
  std::string spec;
  std::string out;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool resume = false;
  std::string shard = "1/1";
  bool no_plots = false;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
};

// " (3 infeasible: ...)" when some points' models do not fit their chips, else "".
std::string infeasible_note(int64_t n) {
  return n == 0 ? ""
                : fmt::format(" ({} infeasible: the model does not fit the chip, see the error column)", n);
}

std::string infeasible_note(const sweep::SweepResults& results) {
  return infeasible_note(
      std::count_if(results.rows.begin(), results.rows.end(),
                    [&](const sweep::SweepRow& row) { return !sweep::feasible(results.columns, row); }));
}

// Holds the --out directory's lock for the command, saying so when it took over a dead run's.
std::unique_ptr<sweep::OutputLock> lock_output(const std::string& dir) {
  Diagnostics notes;
  auto lock = std::make_unique<sweep::OutputLock>(dir, notes);
  print_diagnostics(notes);
  return lock;
}

void draw(const std::string& dir, const sweep::SweepResults& results) {
  const bool any = std::any_of(results.rows.begin(), results.rows.end(), [&](const sweep::SweepRow& row) {
    return sweep::feasible(results.columns, row);
  });
  if (!any) {
    fmt::print(stderr, "neurokv: no point is feasible, so no plots\n");
    return;
  }
  const std::string plots = dir + "/plots";
  if (run_gnuplot(plots, sweep::write_plots(plots, results))) {
    fmt::print(stderr, "neurokv: plots in {}/ (SVG and PNG)\n", plots);
  }
}

void run(const SweepFlags& flags) {
  const sweep::SweepPlan plan =
      sweep::SweepPlan::load(sweep::load_spec(flags.spec), data_dir("models"), data_dir("hwconfigs"));
  sweep::CompileCache cache(plan);
  sweep::RunOptions options;
  options.jobs = flags.jobs;
  options.shard = sweep::Shard::parse(flags.shard);
  options.resume = flags.resume;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  ProgressPrinter printer;
  options.on_progress = [&printer](const sweep::Progress& p) { printer.update(p); };
  const auto lock = lock_output(flags.out);

  sweep::RunOutcome outcome;
  int signal = 0;
  {
    const StopOnInterrupt stopping(stop);
    outcome = sweep::run_sweep(
        plan, flags.out, [&cache](const sweep::SweepPoint& point) { return cache.evaluate(point); }, options);
    signal = stopping.signal();
  }
  printer.finish();
  print_diagnostics(outcome.diagnostics);

  const std::string shard = options.shard.whole() ? "" : " --shard " + options.shard.text();
  if (!outcome.complete) {
    throw Interrupted(signal,
                      fmt::format("interrupted by {} after {} of {} points, all journaled in {}/journal.csv; "
                                  "finish with: neurokv sweep {} --out {}{} --resume",
                                  signal == SIGINT ? "SIGINT" : "SIGTERM", outcome.progress.done,
                                  outcome.progress.total, flags.out, flags.spec, flags.out, shard));
  }
  fmt::print(stderr, "neurokv: {} points in {}/results.csv and results.json{}\n", outcome.progress.total,
             flags.out, infeasible_note(outcome.infeasible));
  // Plots read the results back into memory (docs/sweeps.md); --no-plots keeps a huge sweep bounded.
  if (options.shard.whole() && !flags.no_plots) draw(flags.out, sweep::read_results(flags.out));
}

void merge(const SweepFlags& flags) {
  std::vector<sweep::SweepResults> shards;
  for (const std::string& dir : flags.merge_dirs) shards.push_back(sweep::read_results(dir));
  const sweep::SweepResults merged = sweep::merge_results(shards);
  const auto lock = lock_output(flags.merge_out);
  sweep::write_results(flags.merge_out, merged);
  fmt::print(stderr, "neurokv: merged {} shards, {} points{}, into {}\n", shards.size(), merged.rows.size(),
             infeasible_note(merged), flags.merge_out);
  if (!flags.no_plots) draw(flags.merge_out, merged);
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto flags = std::make_shared<SweepFlags>();
  CLI::App* sweep = app.add_subcommand("sweep",
                                       "Cost every point of a grid of models, variants, contexts and chip "
                                       "parameters (see docs/sweeps.md)");
  sweep->add_option("spec", flags->spec, "sweep spec YAML");
  sweep->add_option("--out", flags->out, "output directory: journal.csv, results.csv, results.json, plots/");
  sweep->add_option("-j,--jobs", flags->jobs, "worker threads (default: hardware cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--resume", flags->resume, "finish an interrupted sweep from its journal in --out");
  sweep->add_option("--shard", flags->shard, "run shard K of N: the points whose index % N == K-1");
  sweep->add_flag("--no-plots", flags->no_plots, "write results only");
  sweep->require_subcommand(0, 1);

  CLI::App* merge_cmd = sweep->add_subcommand("merge",
                                              "Join the results of a sweep's shards, checking none is "
                                              "missing or duplicated");
  merge_cmd->add_option("dirs", flags->merge_dirs, "the shards' output directories")->required();
  merge_cmd->add_option("--out", flags->merge_out, "output directory for the merged results")->required();
  merge_cmd->add_flag("--no-plots", flags->no_plots, "write results only");
  merge_cmd->callback([flags, sweep] {
    // The run's own flags mean nothing to a merge; say so rather than ignore them.
    for (const char* flag : {"spec", "--out", "--jobs", "--resume", "--shard", "--no-plots"}) {
      if (sweep->get_option(flag)->count() > 0) {
        throw InputError(
            fmt::format("{}: belongs to a sweep run, not to 'sweep merge'; expected it after "
                        "'merge' (--out, --no-plots) or not at all",
                        flag));
      }
    }
    merge(*flags);
  });

  sweep->callback([flags, sweep, merge_cmd] {
    if (merge_cmd->parsed()) return;
    if (flags->spec.empty() || flags->out.empty()) {
      throw CLI::RequiredError("sweep needs a SPEC and --out DIR (or the merge subcommand)");
    }
    run(*flags);
  });
}

void add_plot_command(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  CLI::App* plot = app.add_subcommand("plot", "Redraw a sweep's plots from its results directory");
  plot->add_option("dir", *dir, "a sweep's --out directory (holding results.csv and results.json)")
      ->required();
  plot->callback([dir] { draw(*dir, sweep::read_results(*dir)); });
}

}  // namespace neurokv::cli
