#include "cli/commands/run_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/study_options.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::cli {
namespace {

struct RunOptions {
  StudyOptions study;
  bool seed_given = false;
  std::string fidelity = "cycle";
  int64_t prompt = -1;  // -1: context − tokens, so the last decode token sees the full context
  int64_t tokens = 1;
  uint64_t seed = 1;
  std::string trace_path;
  std::string vcd_path;
};

// With several variants, each gets its own trace: "trace.json" becomes "trace.Q-K=V.json".
std::string per_variant(const std::string& path, const std::string& variant, bool several) {
  if (path.empty() || !several) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + variant + p.extension().string())).string();
}

// The analytic fidelity simulates no events: a trace, a VCD or a seed would be ignored, so they are refused.
void check_fidelity_flags(const RunOptions& options) {
  if (options.fidelity != "analytic") return;
  const auto refuse = [](const char* flag, const char* what) {
    throw InputError(
        fmt::format("{}: --fidelity analytic {}, so {} would be ignored; expected --fidelity cycle "
                    "or no {}",
                    flag, what, flag, flag));
  };
  if (!options.trace_path.empty()) refuse("--trace", "simulates no events to trace");
  if (!options.vcd_path.empty()) refuse("--vcd", "simulates no signals to dump");
  if (options.seed_given) refuse("--seed", "draws no activations");
}

void run(const RunOptions& options) {
  check_fidelity_flags(options);
  Study study = load_study(options.study);
  apply_measured_events(study, options.study);
  EvaluateOptions evaluate_options;
  evaluate_options.compile = study.compile;
  evaluate_options.fidelity = options.fidelity == "analytic" ? Fidelity::Analytic : Fidelity::Cycle;
  evaluate_options.tokens = options.tokens;
  evaluate_options.seed = options.seed;
  const int64_t context = study.compile.context;
  // evaluate() checks that prompt + tokens fit the context.
  evaluate_options.prompt = options.prompt >= 0 ? options.prompt : context - options.tokens;
  use_measured_events(study, evaluate_options);
  Report report;
  for (const LayerVariants& variant : study.variants) {
    const bool several = study.variants.size() > 1;
    evaluate_options.trace_path = per_variant(options.trace_path, variant.name(), several);
    evaluate_options.vcd_path = per_variant(options.vcd_path, variant.name(), several);
    const Report one = evaluate(study.model, {variant}, study.hw, evaluate_options);
    if (report.variants.empty())
      report = one;
    else
      report.variants.push_back(one.variants.front());
  }
  mark_events(report, study);
  emit_report(report, options.study);
  print_diagnostics(study.notes);
}

}  // namespace

std::function<void()> add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run",
      "compile and run each variant: prefill of the prompt, then decode token by token; energy, latency "
      "and memory per token");
  add_study_options(*command, options->study);
  add_report_options(*command, options->study);
  add_event_options(*command, options->study);
  command->add_option("--fidelity", options->fidelity, "cycle (SystemC simulation) or analytic (closed form)")
      ->capture_default_str()
      ->check(CLI::IsMember({"cycle", "analytic"}));
  command->add_option("--prompt,-p", options->prompt, "prompt tokens to prefill (default: context - tokens)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->add_option("--tokens,-t", options->tokens, "decode tokens, each attending to one more position")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  CLI::Option* seed =
      command->add_option("--seed", options->seed, "seed of the activation draws (cycle fidelity)")
          ->capture_default_str();
  command->add_option("--trace", options->trace_path,
                      "Chrome trace JSON (Perfetto) of the cycle simulation; one file per variant");
  command->add_option("--vcd", options->vcd_path,
                      "VCD (GTKWave) of the cycle simulation; one file per variant");
  command->callback([options, seed] {
    options->seed_given = seed->count() > 0;
    run(*options);
  });
  return [] { run(RunOptions{}); };
}

}  // namespace neurokv::cli
