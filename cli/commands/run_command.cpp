#include "cli/commands/run_command.hpp"

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/study_options.hpp"
#include "simulator/evaluate/fidelity.hpp"

namespace neurokv::cli {
namespace {

struct RunFlags {
  study::StudyOptions options;
  ReportPaths paths;
  std::string fidelity = "transaction";
  study::RunOptions run;
};

void run(const RunFlags& flags) {
  study::Study loaded = load_study(flags.options, flags.paths);
  study::RunOptions options = flags.run;
  options.fidelity = *fidelity_named(flags.fidelity);  // checked by --fidelity's validator
  const Report report = study::run(loaded, flags.options, options, print_diagnostic);
  emit_report(report, flags.paths);
  print_diagnostics(loaded.notes);
}

}  // namespace

std::function<void()> add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunFlags>();
  CLI::App* command = app.add_subcommand(
      "run",
      "compile and run each variant: prefill of the prompt, then decode token by token; energy, latency "
      "and memory per token");
  add_study_options(*command, options->options);
  add_report_options(*command, options->paths);
  add_event_options(*command, options->options);
  command
      ->add_option("--fidelity", options->fidelity,
                   "transaction (SystemC transaction-level simulation), cycle (the same on the flit-level "
                   "NoC and the DRAM "
                   "command model) or analytic (closed form)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](const std::string& name) {
            return fidelity_named(name) ? std::string() : unknown_fidelity(name);
          },
          "FIDELITY"));
  command
      ->add_option("--prompt,-p", options->run.prompt, "prompt tokens to prefill (default: context - tokens)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->add_flag(
      "--decode-only", options->run.decode_only,
      "run the decode tokens only: the prompt's KV rows are taken as written and its prefill is "
      "not run (a decode token at a long context without simulating the prompt)");
  command
      ->add_option("--tokens,-t", options->run.tokens, "decode tokens, each attending to one more position")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  CLI::Option* seed = command
                          ->add_option("--seed", options->run.seed,
                                       "seed of the activation draws (transaction and cycle fidelities)")
                          ->capture_default_str();
  command->add_option(
      "--trace", options->run.trace_path,
      "Chrome trace JSON (Perfetto) of the transaction or cycle simulation; one file per variant");
  command->add_option("--vcd", options->run.vcd_path,
                      "VCD (GTKWave) of the transaction or cycle simulation; one file per variant");
  command->callback([options, seed] {
    options->run.seed_given = seed->count() > 0;
    run(*options);
  });
  return [] { run(RunFlags{}); };
}

}  // namespace neurokv::cli
