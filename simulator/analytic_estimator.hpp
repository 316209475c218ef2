#pragma once
// The analytic fidelity: closed-form cycles, energy and memory from the Event IR, in microseconds per point.
// Timing: the schedule runs wave by wave; a wave lasts
//   max( max over NPs of Σ compute of its tiles + the longest route of the wave,
//        DRAM bytes of the wave / DRAM bytes per cycle + DRAM latency ),
// i.e. DRAM streaming overlaps compute perfectly and no two routes contend for a link. The cycle simulator
// models what this leaves out (docs/simulator.md); where nothing contends the two agree.
#include <cstdint>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/report.hpp"
#include "simulator/work.hpp"

namespace neurokv {

struct EstimateOptions {
  int64_t prompt = 0;  // prefill length; 0 skips the prefill estimate
  int64_t tokens =
      1;  // > 1: the decode figures are the mean token over contexts prompt + 1 ... prompt + tokens
};

// One phase of the program; `layers`, when given, receives the cost split by decoder layer.
PhaseReport estimate_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                           std::vector<LayerCost>* layers);

// One decode step at the program's context, or with options.tokens > 1 the mean of the decode steps at
// contexts prompt + 1 ... prompt + tokens (what the cycle simulator reports); and the prefill when
// options.prompt > 0.
VariantReport estimate(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options);

}  // namespace neurokv
