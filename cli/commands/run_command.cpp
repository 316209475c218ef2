#include "cli/commands/run_command.hpp"

#include <memory>

#include "cli/study_options.hpp"

namespace neurokv::cli {
namespace {

struct RunOptions {
  StudyOptions study;
  int64_t prompt = 128;
};

void run(const RunOptions& options) {
  const Study study = load_study(options.study);
  EvaluateOptions evaluate_options;
  evaluate_options.compile = study.compile;
  evaluate_options.prompt = options.prompt;
  emit_report(evaluate(study.model, study.variants, study.hw, evaluate_options), options.study);
}

}  // namespace

std::function<void()> add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "compile and run each variant: prefill of the prompt, then decode; energy, latency and memory per "
             "token");
  add_study_options(*command, options->study);
  command->add_option("--prompt,-p", options->prompt, "prompt tokens to prefill")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->callback([options] { run(*options); });
  return [] { run(RunOptions{}); };
}

}  // namespace neurokv::cli
