#pragma once
// The analytic fidelity: closed-form cycles, energy and memory from the Event IR, in microseconds per point.
// Timing: the schedule runs wave by wave; a wave lasts
//   max( max over NPs of Σ compute of its tiles + the longest route of the wave,
//        DRAM bytes of the wave / DRAM bytes per cycle + DRAM latency ),
// i.e. DRAM streaming overlaps compute perfectly and no two routes contend for a link. The transaction
// simulator models what this leaves out (docs/simulator.md); where nothing contends the two agree.
//
// It runs in two halves (program_counts.hpp): counting walks the tiles once; costing prices the counted
// waves and layers at a chip. estimate() does both at one chip; a sweep counts once and costs many chips.
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/program_counts.hpp"
#include "simulator/report.hpp"
#include "simulator/work.hpp"

namespace neurokv {

// One phase of the program; `layers`, when given, receives the cost split by decoder layer.
PhaseReport estimate_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                           std::vector<LayerCost>* layers);

// One decode step at the program's context, or with options.tokens > 1 the mean of the decode steps at
// contexts prompt + 1 ... prompt + tokens (what the transaction simulator reports); and the prefill when
// options.prompt > 0.
VariantReport estimate(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options);

// estimate() from counts: `hw` must differ from the chip the counts were taken at in pricing keys alone
// (pricing_key()); the result is then bit-identical to estimate() at `hw`.
VariantReport cost(const ProgramCounts& counts, const HwConfig& hw);

}  // namespace neurokv
