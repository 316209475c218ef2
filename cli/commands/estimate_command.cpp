#include "cli/commands/estimate_command.hpp"

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/study_options.hpp"

namespace neurokv::cli {

void add_estimate_command(CLI::App& app) {
  auto options = std::make_shared<study::StudyOptions>();
  auto paths = std::make_shared<ReportPaths>();
  auto prompt = std::make_shared<int64_t>(0);
  CLI::App* command = app.add_subcommand(
      "estimate",
      "analytic estimate per variant: parameters, weights, KV cache, MACs, and one decode step's "
      "cycles, energy and memory traffic");
  add_study_options(*command, *options);
  add_report_options(*command, *paths);
  add_event_options(*command, *options);
  command->add_option("--prompt,-p", *prompt, "also estimate the prefill of a P-token prompt")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->callback([options, paths, prompt] {
    study::Study loaded = load_study(*options, *paths);
    const Report report = study::estimate(loaded, *options, *prompt, print_diagnostic);
    emit_report(report, *paths);
    print_diagnostics(loaded.notes);
  });
}

}  // namespace neurokv::cli
