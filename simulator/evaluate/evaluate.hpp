#pragma once
// Compile a model for a chip once per attention variant and cost each program at the chosen fidelity.
// The one call the CLI's estimate/run and the sweeps share.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "simulator/evaluate/fidelity.hpp"
#include "simulator/measured_densities.hpp"
#include "simulator/program_counts.hpp"
#include "simulator/report.hpp"

namespace neurokv {

struct EvaluateOptions {
  CompileOptions compile;  // compile.context: the final context, which the KV cache is planned for
  Fidelity fidelity = Fidelity::Analytic;
  int64_t prompt = 0;      // prefill length (0: no prefill)
  int64_t tokens = 1;      // decode tokens, at contexts prompt + 1 ... prompt + tokens (analytic: 1 is
                           // one step at the program's context; more are averaged like the transaction one's)
  uint64_t seed = 1;       // transaction fidelity: activation draws
  std::string trace_path;  // transaction fidelity: Chrome trace JSON, when not empty
  std::string vcd_path;    // transaction fidelity: VCD, when not empty
  // The prompt's KV rows taken as written: no prefill run or estimated (--decode-only).
  bool decode_only = false;
  // Measured events: each op's input density per phase kind, by op id of the program compiled from the same
  // model, variant, chip and compile options (docs/executor.md); empty: the program's assumed densities.
  MeasuredDensities measured;
};

// Reports one program, already compiled. Analytic: one decode step at the program's context, or the mean of
// the steps at contexts prompt + 1 ... prompt + tokens when tokens > 1 (and the prefill); transaction: the
// simulated prefill and the mean of the simulated decode tokens. Throws InputError unless 0 <= prompt and
// prompt + tokens <= the program's context.
VariantReport evaluate_program(const ir::Program& program, const HwConfig& hw,
                               const EvaluateOptions& options);

// The part of a simulated program's report that needs no simulation: program_facts() with static_power().
// A caller that forks simulations from a process holding its programs finds it before the first fork
// (study::run): a fork write-protects the caller's memory, and each page it writes while a child runs faults.
VariantReport unsimulated_report(const ir::Program& program, const HwConfig& hw);
// evaluate_program() at the transaction or cycle fidelity, given unsimulated_report(program, hw).
VariantReport evaluate_simulated(const ir::Program& program, VariantReport unsimulated, const HwConfig& hw,
                                 const EvaluateOptions& options);

// The analytic fidelity in its two halves (simulator/program_counts.hpp): a program counted once, then costed
// at any chip that differs from the counted one in pricing keys alone; evaluate_program() at that chip gives
// the same report, bit for bit.
struct AnalyticCounts {
  ProgramCounts estimate;
  std::vector<int64_t> prefill_queue_bound;  // with a prefill: event_queue_bound(), by NP
  std::vector<int64_t> event_buffer;         // with a prefill: event_buffer_bytes(), by NP
  int mesh_cols = 0, nps_per_node = 0;       // to name an NP in a warning
};

// Throws InputError as evaluate_program() does.
AnalyticCounts count_analytic(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options);
VariantReport cost_analytic(const AnalyticCounts& counts, const HwConfig& hw);

// A report's header (model, chip, context, precision, fidelity) for programs like this one, with no variants
// yet.
Report report_for(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options);
// The header fields report_for takes from the chip (its name and clock), set to `hw`'s.
void set_report_chip(Report& report, const HwConfig& hw);
// Reports of one variant each, evaluated side by side, as one: the first one's header, their variants in
// order.
Report joined(std::vector<Report> reports);

// Reports programs already compiled (one per variant), as evaluate() does once it has compiled them.
Report evaluate_compiled(const std::vector<const ir::Program*>& programs, const HwConfig& hw,
                         const EvaluateOptions& options);

// Compiles and reports each variant, on up to `workers` threads; the report is the same for any number.
Report evaluate(const ModelSource& model, const std::vector<LayerVariants>& variants, const HwConfig& hw,
                const EvaluateOptions& options, std::size_t workers = 1);

}  // namespace neurokv
