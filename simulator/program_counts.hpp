#pragma once
// Count once, cost many: the analytic estimator walks a program's tiles and routes once and reduces them to
// what its costing needs, per wave of each phase (the terms of the wave's time bound) and per decoder layer
// (the actions its energy prices). No pricing key (pricing_key(): energy coefficients, static power, clock,
// DRAM bandwidth and latency) is read here, so one ProgramCounts costs every chip that differs from the
// counted one in pricing keys alone, as a pass over waves (analytic_estimator.hpp), bit for bit as if the
// tiles had been walked again at that chip.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/report.hpp"
#include "simulator/static_power.hpp"
#include "simulator/wave_pass_memo.hpp"
#include "simulator/work.hpp"

namespace neurokv {

struct EstimateOptions {
  int64_t prompt = 0;  // prefill length; 0 skips the prefill estimate
  int64_t tokens =
      1;  // > 1: the decode figures are the mean token over contexts prompt + 1 ... prompt + tokens
  bool decode_only = false;  // the prompt's KV rows are taken as written, and the prefill is not estimated
};

// One wave of the schedule, in cycles and bytes no pricing key changes.
struct WaveCounts {
  double compute = 0;     // the busiest NP's compute
  double route = 0;       // the longest route, alone on its links
  double link = 0;        // the busiest link: every byte the wave's routes put on it, one after another
  double dram_bytes = 0;  // whole bursts the DRAM channel moves
  double dram_tail = 0;   // compute left on the NP whose DRAM read the channel serves last
  int slot = 0;           // the layer slot of the wave's first step (PhaseTotals::layer_counts)
};

// One phase, counted: the actions by layer slot and the waves in schedule order.
struct PhaseCounts {
  Phase phase;
  std::vector<ActionCounts> layer_counts;  // slot 0: ops outside the blocks; slot l + 1: layer l
  ActionCounts total;                      // sum_slots(layer_counts): summed once, read at every chip
  std::vector<WaveCounts> waves;
  // The wave pass over `waves` at each DRAM timing it was costed at (copies of these counts share it).
  std::shared_ptr<WavePassMemo> wave_passes = std::make_shared<WavePassMemo>();
};

// Everything estimate() reads from a program, for one set of EstimateOptions.
struct ProgramCounts {
  EstimateOptions options;
  int layers = 0;
  VariantReport facts;  // program_facts(): what does not depend on execution
  PoweredBlocks powered;
  Phase decode_phase;                  // the decode step reported
  std::vector<PhaseCounts> decode;     // one per decode token averaged (one when options.tokens is 1)
  std::optional<PhaseCounts> prefill;  // when options.prompt > 0
};

// Whether identical decoder layers share their tiles' and routes' figures (layer_classes.hpp) or each layer
// works out its own: the same counts, bit for bit (tests/unit/test_program_counts.cpp holds it).
enum class LayerSharing { ByClass, PerLayer };

// One phase's tiles and routes, counted at `hw`'s counting keys.
PhaseCounts count_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                        LayerSharing sharing = LayerSharing::ByClass);

// Every phase estimate() reports, counted.
ProgramCounts count_program(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options);
// The same with the prefill counted on its own program: the program with the prompt's measured input
// densities, where `decode` has the decode tokens' (measured_densities.hpp). The two differ in densities
// only.
ProgramCounts count_program(const ir::Program& decode, const ir::Program& prefill, const HwConfig& hw,
                            const EstimateOptions& options);

// True for a chip key the estimator reads only when costing counts, never when counting: a sweep point that
// changes only these is costed from the counts of a point that shares the rest.
bool pricing_key(const std::string& key);

}  // namespace neurokv
