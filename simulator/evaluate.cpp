#include "simulator/evaluate.hpp"

#include "simulator/analytic_estimator.hpp"
#include "simulator/cycle/simulate.hpp"
#include "simulator/program_facts.hpp"

namespace neurokv {

const char* to_string(Fidelity fidelity) { return fidelity == Fidelity::Analytic ? "analytic" : "cycle"; }

VariantReport evaluate_program(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options) {
  if (options.fidelity == Fidelity::Analytic) return estimate(program, hw, EstimateOptions{options.prompt});
  const SimulationResult sim = simulate(
      program, hw, SimOptions{options.prompt, options.tokens, options.seed, options.trace_path, options.vcd_path});
  VariantReport report = program_facts(program);
  report.decode = sim.decode;
  report.decode_layers = sim.decode_layers;
  report.prefill = sim.prefill;
  report.memory.peak_np_sram_bytes = sim.peak_sram_bytes;
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
  for (const LayerVariants& variant : variants) compiled.push_back(compile(model, variant, hw, options.compile));
  std::vector<const ir::Program*> programs;
  for (const CompileResult& c : compiled) programs.push_back(&c.program);
  return evaluate_compiled(programs, hw, options);
}

}  // namespace neurokv
