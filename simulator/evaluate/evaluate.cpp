#include "simulator/evaluate/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>

#include "compiler/ir/mesh.hpp"
#include "compiler/support/error.hpp"
#include "compiler/support/side_by_side.hpp"
#include "simulator/analytic_estimator.hpp"
#include "simulator/cycle/simulate_cycle.hpp"
#include "simulator/prefill_queue.hpp"
#include "simulator/program_facts.hpp"
#include "simulator/transaction/simulate.hpp"

namespace neurokv {

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
  if (options.decode_only && options.prompt == 0)
    throw InputError(
        "--decode-only: the prompt is 0 tokens, so there is no prefill to leave out; expected --prompt of 1 "
        "or more, or no --decode-only");
}

// The estimate prices link sharing and the DRAM channel's serial service as bounds per wave; where they move
// a phase by more than kContentionWarning over the uncontended closed form, the transaction fidelity can
// differ from it too, so the user is told.
constexpr double kContentionWarning = 0.10;

void warn_contention(VariantReport& report, const PhaseReport& phase, const char* name) {
  if (phase.uncontended_cycles <= 0 || phase.cycles <= phase.uncontended_cycles * (1 + kContentionWarning))
    return;
  report.diagnostics.push_back(Diagnostic::warning(
      fmt::format("{} {}: shared links and the serial DRAM channel add {:.0f}% to the uncontended estimate "
                  "({:.0f} vs {:.0f} cycles, bound {}); the analytic figure bounds the contention, the "
                  "transaction fidelity (run --fidelity transaction) simulates it",
                  report.variant, name, 100 * (phase.cycles / phase.uncontended_cycles - 1), phase.cycles,
                  phase.uncontended_cycles, phase.bound)));
}

// The prefill runs in chunks sized so that every NP's queued events fit (prefill_queue.hpp). Where an NP's
// queue (transaction: measured; analytic: the bound) still exceeds the input SRAM its KV rows leave (`free`)
// — not even a one-token chunk fits — the prefill figures assume buffers the chip does not have.
void warn_prefill_queue(VariantReport& report, int mesh_cols, int per_node,
                        const std::vector<int64_t>& queued, const std::vector<int64_t>& free,
                        const char* what) {
  size_t worst = 0;
  int over = 0;
  for (size_t i = 0; i < queued.size() && i < free.size(); ++i) {
    if (queued[i] <= free[i]) continue;
    ++over;
    if (queued[i] - free[i] > queued[worst] - free[worst]) worst = i;
  }
  if (over == 0) return;
  const ir::NpCoord np = ir::np_coord(static_cast<int>(worst), mesh_cols, per_node);
  report.diagnostics.push_back(Diagnostic::warning(fmt::format(
      "{} prefill: {} NPs would hold more queued input events than their input SRAM leaves for "
      "them even in chunks of {} token(s) ({}: NP ({},{},{}) {} bytes, {} free): one token's inputs "
      "to the tiles placed on that NP do not fit, so the prefill's latency and energy are lower bounds",
      report.variant, over, report.prefill ? report.prefill->chunk_tokens : 0, what, np.x, np.y, np.np,
      queued[worst], free[worst])));
}

}  // namespace

AnalyticCounts count_analytic(const ir::Program& program, const HwConfig& hw,
                              const EvaluateOptions& options) {
  check_fits(program, options);
  AnalyticCounts counts;
  const EstimateOptions estimate{options.prompt, options.tokens, options.decode_only};
  if (options.measured.empty()) {
    counts.estimate = count_program(program, hw, estimate);
  } else {
    counts.estimate = count_program(with_densities(program, options.measured.decode),
                                    with_densities(program, options.measured.prefill), hw, estimate);
  }
  if (counts.estimate.prefill) {
    counts.prefill_queue_bound = event_queue_bound(
        program, hw, Phase::last_chunk(options.prompt, counts.estimate.prefill->phase.chunk));
    counts.event_buffer = event_buffer_bytes(program, hw);
  }
  counts.mesh_cols = program.chip.mesh_cols;
  counts.nps_per_node = program.chip.nps_per_node;
  return counts;
}

VariantReport cost_analytic(const AnalyticCounts& counts, const HwConfig& hw) {
  VariantReport report = cost(counts.estimate, hw);
  warn_contention(report, report.decode, "decode");
  if (report.prefill) {
    warn_contention(report, *report.prefill, "prefill");
    const std::vector<int64_t>& bound = counts.prefill_queue_bound;
    report.memory.peak_prefill_event_queue_bytes = *std::max_element(bound.begin(), bound.end());
    warn_prefill_queue(report, counts.mesh_cols, counts.nps_per_node, bound, counts.event_buffer, "bound");
  }
  return report;
}

VariantReport unsimulated_report(const ir::Program& program, const HwConfig& hw) {
  VariantReport report = program_facts(program);
  report.power = static_power(program, hw);
  return report;
}

VariantReport evaluate_simulated(const ir::Program& program, VariantReport unsimulated, const HwConfig& hw,
                                 const EvaluateOptions& options) {
  check_fits(program, options);
  const SimOptions sim_options{options.prompt,   options.tokens,   options.seed,       options.trace_path,
                               options.vcd_path, options.measured, options.decode_only};
  const SimulationResult sim = options.fidelity == Fidelity::Cycle
                                   ? cycle::simulate_cycle(program, hw, sim_options)
                                   : simulate(program, hw, sim_options);
  VariantReport report = std::move(unsimulated);
  report.decode = sim.decode;
  report.decode_layers = sim.decode_layers;
  report.prefill = sim.prefill;
  report.fabric = sim.fabric;
  report.memory.peak_event_queue_bytes =
      sim.peak_queue_bytes;  // peak_np_sram_bytes: program_facts, as analytic
  if (sim.prefill) {
    report.memory.peak_prefill_event_queue_bytes = sim.peak_prefill_queue_bytes;
    warn_prefill_queue(report, program.chip.mesh_cols, program.chip.nps_per_node,
                       sim.peak_np_prefill_queue_bytes, event_buffer_bytes(program, hw), "measured");
  }
  return report;
}

VariantReport evaluate_program(const ir::Program& program, const HwConfig& hw,
                               const EvaluateOptions& options) {
  if (options.fidelity == Fidelity::Analytic) return cost_analytic(count_analytic(program, hw, options), hw);
  return evaluate_simulated(program, unsimulated_report(program, hw), hw, options);
}

Report report_for(const ir::Program& program, const HwConfig& hw, const EvaluateOptions& options) {
  Report report;
  report.model = program.model;
  set_report_chip(report, hw);
  report.context = program.context;
  report.prompt = options.prompt;
  report.decode_only = options.decode_only;
  report.fidelity = to_string(options.fidelity);
  report.weight_bits = program.precision.weight_bits;
  report.act_bits = program.precision.act_bits;
  report.kv_bits = program.precision.kv_bits;
  return report;
}

void set_report_chip(Report& report, const HwConfig& hw) {
  report.hw_name = hw.name;
  report.clock_hz = hw.clock_hz;
}

Report joined(std::vector<Report> reports) {
  if (reports.empty()) return Report{};
  Report report = std::move(reports.front());
  for (std::size_t i = 1; i < reports.size(); ++i)
    report.variants.push_back(std::move(reports[i].variants.front()));
  return report;
}

namespace {

// The report's header comes from its first program.
void add_variant(Report& report, const ir::Program& program, const HwConfig& hw,
                 const EvaluateOptions& options) {
  if (report.variants.empty()) report = report_for(program, hw, options);
  report.variants.push_back(evaluate_program(program, hw, options));
}

}  // namespace

Report evaluate_compiled(const std::vector<const ir::Program*>& programs, const HwConfig& hw,
                         const EvaluateOptions& options) {
  Report report;
  for (const ir::Program* program : programs) add_variant(report, *program, hw, options);
  return report;
}

Report evaluate(const ModelSource& model, const std::vector<LayerVariants>& variants, const HwConfig& hw,
                const EvaluateOptions& options, std::size_t workers) {
  // The variants side by side, one program per worker (a paper-1.2b program is megabytes). The errors are
  // those of one after the other: a variant that does not compile is reported before any evaluation's error.
  const std::size_t count = variants.size();
  std::vector<Report> reports(count);
  std::vector<std::exception_ptr> compile_errors(count), evaluation_errors(count);
  std::atomic<std::size_t> next{0};
  side_by_side(std::min(workers, count), [&] {
    for (std::size_t i; (i = next++) < count;) {
      std::optional<CompileResult> compiled;
      try {
        compiled = compile(model, variants[i], hw, options.compile);
      } catch (...) {
        compile_errors[i] = std::current_exception();
        continue;
      }
      try {
        add_variant(reports[i], compiled->program, hw, options);
      } catch (...) {
        evaluation_errors[i] = std::current_exception();
      }
    }
  });
  for (const auto* errors : {&compile_errors, &evaluation_errors}) {
    for (const std::exception_ptr& error : *errors) {
      if (error) std::rethrow_exception(error);
    }
  }
  return joined(std::move(reports));
}

}  // namespace neurokv
