#include "simulator/evaluate.hpp"

#include "simulator/analytic_estimator.hpp"

namespace neurokv {

const char* to_string(Fidelity fidelity) { return fidelity == Fidelity::Analytic ? "analytic" : "cycle"; }

VariantReport evaluate_program(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options) {
  return estimate(program, hw, EstimateOptions{options.prompt});
}

Report evaluate_compiled(const std::vector<const ir::Program*>& programs, const HwConfig& hw,
                         const EvaluateOptions& options) {
  Report report;
  report.hw_name = hw.name;
  report.clock_hz = hw.clock_hz;
  report.context = options.compile.context;
  report.prompt = options.prompt;
  report.fidelity = to_string(options.fidelity);
  for (const ir::Program* program : programs) {
    report.model = program->model;
    report.weight_bits = program->precision.weight_bits;
    report.act_bits = program->precision.act_bits;
    report.kv_bits = program->precision.kv_bits;
    report.variants.push_back(evaluate_program(*program, hw, options));
  }
  return report;
}

Report evaluate(const ModelSpec& model, const std::vector<AttentionVariant>& variants, const HwConfig& hw,
                const EvaluateOptions& options) {
  std::vector<CompileResult> compiled;
  for (const AttentionVariant& variant : variants) compiled.push_back(compile(model, variant, hw, options.compile));
  std::vector<const ir::Program*> programs;
  for (const CompileResult& c : compiled) programs.push_back(&c.program);
  return evaluate_compiled(programs, hw, options);
}

}  // namespace neurokv
