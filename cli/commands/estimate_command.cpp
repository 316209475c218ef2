#include "cli/commands/estimate_command.hpp"

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/study_options.hpp"

namespace neurokv::cli {

void add_estimate_command(CLI::App& app) {
  auto options = std::make_shared<StudyOptions>();
  auto prompt = std::make_shared<int64_t>(0);
  CLI::App* command = app.add_subcommand(
      "estimate",
      "analytic estimate per variant: parameters, weights, KV cache, MACs, and one decode step's "
      "cycles, energy and memory traffic");
  add_study_options(*command, *options);
  add_report_options(*command, *options);
  add_event_options(*command, *options);
  command->add_option("--prompt,-p", *prompt, "also estimate the prefill of a P-token prompt")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->callback([options, prompt] {
    Study study = load_study(*options);
    apply_measured_events(study, *options);
    EvaluateOptions evaluate_options;
    evaluate_options.compile = study.compile;
    evaluate_options.prompt = *prompt;
    use_measured_events(study, evaluate_options);
    Report report = evaluate(study.model, study.variants, study.hw, evaluate_options);
    mark_events(report, study);
    emit_report(report, *options);
    print_diagnostics(study.notes);
  });
}

}  // namespace neurokv::cli
