#include "cli/commands/sweep_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <memory>
#include <utility>

#include "cli/diagnostics.hpp"
#include "cli/gnuplot.hpp"
#include "cli/interrupt.hpp"
#include "cli/progress.hpp"
#include "compiler/support/cores.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/whole_file.hpp"
#include "study/slurm_scripts.hpp"
#include "study/sweep_spec.hpp"
#include "sweep/plots.hpp"
#include "sweep/runner.hpp"

namespace neurokv::cli {
namespace {

struct SweepFlags {
  std::string spec;
  std::string out;
  int jobs = static_cast<int>(cores());
  bool resume = false;
  std::string shard = "1/1";
  bool no_plots = false;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  std::string emit_slurm;  // --emit-slurm DIR
  int shards = 0;          // --shards N
};

// " (3 infeasible: ...)" when some points' models do not fit their chips, else "".
std::string infeasible_note(int64_t n) {
  return n == 0 ? ""
                : fmt::format(" ({} infeasible: the model does not fit the chip, see the error column)", n);
}

void draw(const std::string& dir, sweep::SweepResults results) {
  const bool any = std::any_of(results.rows.begin(), results.rows.end(), [&](const sweep::SweepRow& row) {
    return sweep::feasible(results.columns, row);
  });
  if (!any) {
    fmt::print(stderr, "neurokv: no point is feasible, so no plots\n");
    return;
  }
  const std::string plots = dir + "/plots";
  if (run_gnuplot(plots, sweep::write_plots(plots, std::move(results)))) {
    fmt::print(stderr, "neurokv: plots in {}/ (SVG and PNG)\n", plots);
  }
}

void run(const SweepFlags& flags) {
  sweep::RunOptions options;
  options.jobs = flags.jobs;
  options.resume = flags.resume;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  ProgressPrinter printer;
  options.on_progress = [&printer](const sweep::Progress& p) { printer.update(p); };

  study::SweepRun run;
  int signal = 0;
  {
    const StopOnInterrupt stopping(stop);
    run = study::run_sweep_spec(flags.spec, flags.shard, flags.out, options, print_diagnostic);
    signal = stopping.signal();
  }
  const sweep::RunOutcome& outcome = run.outcome;
  printer.finish();
  print_diagnostics(outcome.diagnostics);

  const sweep::Shard parsed = sweep::Shard::parse(flags.shard);  // valid: the run has read it
  const std::string shard = parsed.whole() ? "" : " --shard " + parsed.text();
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
  if (parsed.whole() && !flags.no_plots) draw(flags.out, sweep::read_results(flags.out));
}

void merge(const SweepFlags& flags) {
  const study::SweepMerge merge =
      study::merge_sweep_shards(flags.merge_dirs, flags.merge_out, print_diagnostic);
  fmt::print(stderr, "neurokv: merged {} shards, {} points{}, into {}\n", flags.merge_dirs.size(),
             merge.points, infeasible_note(merge.infeasible), flags.merge_out);
  // Plots read the merged results back, as after a run: the merge held its rows as text.
  if (!flags.no_plots) draw(flags.merge_out, sweep::read_results(flags.merge_out));
}

// --emit-slurm DIR --shards N: the sweep as Slurm jobs, not run here.
void emit_slurm(const SweepFlags& flags, int cpus) {
  std::error_code error;
  const std::string binary = std::filesystem::canonical("/proc/self/exe", error).string();
  const study::SlurmScripts scripts =
      study::slurm_scripts({flags.spec, flags.emit_slurm, flags.shards, cpus, binary});
  std::filesystem::create_directories(flags.emit_slurm, error);
  if (error) {
    throw InputError(fmt::format("--emit-slurm {}: cannot create the folder ({}), expected a writable path",
                                 flags.emit_slurm, error.message()));
  }
  for (const auto& [name, text] :
       {std::pair{"sweep.sbatch", &scripts.sweep}, std::pair{"merge.sbatch", &scripts.merge},
        std::pair{"submit.sh", &scripts.submit}}) {
    const std::string path = flags.emit_slurm + "/" + name;
    write_file_atomically(path, *text);
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
                                 std::filesystem::perm_options::add, error);
  }
  fmt::print(stderr,
             "neurokv: {} shards as a Slurm array in {}/sweep.sbatch, their merge in merge.sbatch; submit "
             "both with: sh {}/submit.sh (merged results in {}/results)\n",
             flags.shards, flags.emit_slurm, flags.emit_slurm, flags.emit_slurm);
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto flags = std::make_shared<SweepFlags>();
  CLI::App* sweep = app.add_subcommand("sweep",
                                       "Cost every point of a grid of models, variants, contexts and chip "
                                       "parameters (see docs/sweeps.md)");
  sweep->add_option("spec", flags->spec, "sweep spec YAML");
  sweep->add_option("--out", flags->out, "output directory: journal.csv, results.csv, results.json, plots/");
  sweep->add_option("-j,--jobs", flags->jobs, "worker threads (default: the cores this process may run on)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--resume", flags->resume, "finish an interrupted sweep from its journal in --out");
  sweep->add_option("--shard", flags->shard, "run shard K of N: the points whose index % N == K-1");
  sweep->add_flag("--no-plots", flags->no_plots, "write results only");
  CLI::Option* emit = sweep->add_option(
      "--emit-slurm", flags->emit_slurm,
      "write DIR/sweep.sbatch (an array, one task per shard), DIR/merge.sbatch (after the array) and "
      "DIR/submit.sh instead of running (docs/sweeps.md)");
  CLI::Option* shards =
      sweep->add_option("--shards", flags->shards, "with --emit-slurm: N shards, one per task")
          ->check(CLI::Range(1, 1000000));
  CLI::Option* jobs = sweep->get_option("--jobs");
  emit->needs(shards);
  shards->needs(emit);
  for (const char* flag : {"--out", "--resume", "--shard"}) emit->excludes(flag);
  sweep->require_subcommand(0, 1);

  CLI::App* merge_cmd = sweep->add_subcommand("merge",
                                              "Join the results of a sweep's shards, checking none is "
                                              "missing or duplicated");
  merge_cmd->add_option("dirs", flags->merge_dirs, "the shards' output directories")->required();
  merge_cmd->add_option("--out", flags->merge_out, "output directory for the merged results")->required();
  merge_cmd->add_flag("--no-plots", flags->no_plots, "write results only");
  merge_cmd->callback([flags, sweep] {
    // The run's own flags mean nothing to a merge; say so rather than ignore them.
    for (const char* flag :
         {"spec", "--out", "--jobs", "--resume", "--shard", "--no-plots", "--emit-slurm", "--shards"}) {
      if (sweep->get_option(flag)->count() > 0) {
        throw InputError(
            fmt::format("{}: belongs to a sweep run, not to 'sweep merge'; expected it after "
                        "'merge' (--out, --no-plots) or not at all",
                        flag));
      }
    }
    merge(*flags);
  });

  sweep->callback([flags, sweep, merge_cmd, jobs] {
    if (merge_cmd->parsed()) return;
    if (!flags->emit_slurm.empty()) {
      if (flags->spec.empty()) throw CLI::RequiredError("sweep --emit-slurm needs a SPEC");
      emit_slurm(*flags, jobs->count() > 0 ? flags->jobs : 1);
      return;
    }
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
