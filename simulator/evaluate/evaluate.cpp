#include "simulator/evaluate/evaluate.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "simulator/analytic_estimator.hpp"
#include "simulator/cycle/simulate.hpp"
#include "simulator/program_facts.hpp"

namespace neurokv {

const char* to_string(Fidelity fidelity) { return fidelity == Fidelity::Analytic ? "analytic" : "cycle"; }

namespace {

// The KV cache is planned for program.context positions: the prompt and the decode tokens must fit in it, at
// either fidelity.
void check_fits(const ir::Program& program, const EvaluateOptions& options) {
  if (options.tokens < 1) throw InputError(fmt::format("--tokens {} is less than 1", options.tokens));
  if (options.prompt < 0 || options.prompt + options.tokens > program.context) {
    throw InputError(
        fmt::format("--prompt {} + --tokens {} exceeds --context {}, the positions the program's KV "
                    "cache is planned for; expected 0 <= prompt and prompt + tokens <= context",
                    options.prompt, options.tokens, program.context));
  }
}

}  // namespace

VariantReport evaluate_program(const ir::Program& program, const HwConfig& hw,
                               const EvaluateOptions& options) {
  check_fits(program, options);
  if (options.fidelity == Fidelity::Analytic)
    return estimate(program, hw, EstimateOptions{options.prompt, options.tokens});
  const SimulationResult sim = simulate(
      program, hw,
      SimOptions{options.prompt, options.tokens, options.seed, options.trace_path, options.vcd_path});
  VariantReport report = program_facts(program);
  report.decode = sim.decode;
  report.decode_layers = sim.decode_layers;
  report.prefill = sim.prefill;
  report.memory.peak_event_queue_bytes =
      sim.peak_queue_bytes;  // peak_np_sram_bytes: program_facts, as analytic
  return report;
}

Report report_for(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options) {
  Report report;
  report.model = program.model;
  report.hw_name = hw.name;
  report.clock_hz = hw.clock_hz;
  report.context = program.context;
  report.prompt = options.prompt;
  report.fidelity = to_string(options.fidelity);
  report.weight_bits = program.precision.weight_bits;
  report.act_bits = program.precision.act_bits;
  report.kv_bits = program.precision.kv_bits;
  return report;
}

Report evaluate_compiled(const std::vector<const ir::Program*>& programs, const HwConfig& hw,
                         const EvaluateOptions& options) {
  Report report;
  for (const ir::Program* program : programs) {
    if (report.variants.empty()) report = report_for(*program, hw, options);
    report.variants.push_back(evaluate_program(*program, hw, options));
  }
  return report;
}

Report evaluate(const ModelSource& model, const std::vector<LayerVariants>& variants, const HwConfig& hw,
                const EvaluateOptions& options) {
  std::vector<CompileResult> compiled;
  for (const LayerVariants& variant : variants)
    compiled.push_back(compile(model, variant, hw, options.compile));
  std::vector<const ir::Program*> programs;
  for (const CompileResult& c : compiled) programs.push_back(&c.program);
  return evaluate_compiled(programs, hw, options);
}

}  // namespace neurokv
