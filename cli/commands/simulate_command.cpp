#include "cli/commands/simulate_command.hpp"

#include <memory>

#include "cli/diagnostics.hpp"
#include "cli/study_options.hpp"
#include "compiler/ir/parser.hpp"
#include "study/simulate.hpp"

namespace neurokv::cli {
namespace {

struct SimulateOptions {
  std::string program_path;
  std::string hw;  // empty: the chip the program records
  EvaluateOptions run;
  ReportPaths outputs;  // --json / --csv
};

void run_simulate(const SimulateOptions& options) {
  check_report_outputs(options.outputs);
  const ir::Program program = ir::load_program(options.program_path);
  const study::Simulation simulation =
      study::simulate(program, options.program_path, options.hw, options.run, print_diagnostic);
  emit_report(simulation.report, options.outputs);
  print_diagnostics(simulation.notes);
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto options = std::make_shared<SimulateOptions>();
  options->run.fidelity = Fidelity::Transaction;
  options->run.prompt = 128;
  CLI::App* command = app.add_subcommand(
      "simulate",
      "run a compiled program (.nkir) on the SystemC chip model: prefill, then decode token by token");
  command->add_option("PROGRAM", options->program_path, "the .nkir program (neurokv compile -o)")->required();
  command->add_option(
      "--hw", options->hw,
      "the chip to run on: a name or a path (default: the chip the program was compiled for)");
  command->add_option("--prompt,-p", options->run.prompt, "prompt tokens to prefill")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 24));
  command->add_flag(
      "--decode-only", options->run.decode_only,
      "run the decode tokens only: the prompt's KV rows are taken as written and its prefill is "
      "not run");
  command->add_option("--tokens,-t", options->run.tokens, "decode tokens")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  command->add_option("--seed", options->run.seed, "seed of the activation draws")->capture_default_str();
  command->add_option("--trace", options->run.trace_path, "Chrome trace JSON (opens in Perfetto)");
  command->add_option("--vcd", options->run.vcd_path,
                      "VCD of queue depths, links and DMA (opens in GTKWave)");
  add_report_options(*command, options->outputs);
  command->callback([options] { run_simulate(*options); });
}

}  // namespace neurokv::cli
