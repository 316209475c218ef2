#pragma once
// How many input-event bytes each NP may have to hold at once in a phase, against the input SRAM it has for
// them. The prefill runs in the largest chunks of prompt tokens for which this bound fits every NP (its
// activations spill to DRAM between ops); where not even one token fits, the prefill's latency and energy are
// lower bounds and evaluate() warns (docs/simulator.md, "A prefill that fits").
//
// The bound is static and conservative: every activation counted as an event (density 1, which no draw can
// exceed), and an NP holding, at once, the events of every tile whose first producer has run and which has
// not started yet, plus what arrives during the next wave.
#include <cstdint>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/work.hpp"

namespace neurokv {

// The prefill's chunk size (docs/simulator.md, "A prefill that fits"): the most tokens C for which the bound
// of the prompt's last chunk of C tokens (Phase::last_chunk) fits every NP's free input SRAM. When not even
// one token fits, chunk is 1 and `fits` is false; `np`, `queued` and `free` then name the NP that overflows
// most (by NP index).
struct PrefillChunking {
  int64_t chunk = 0;
  bool fits = true;
  int np = 0;
  int64_t queued = 0;
  int64_t free = 0;
};
PrefillChunking plan_prefill_chunks(const ir::Program& program, const HwConfig& hw, int64_t prompt);

// The prefill of a `prompt`-token prompt in the chunks plan_prefill_chunks chooses: what both fidelities run.
Phase prefill_phase(const ir::Program& program, const HwConfig& hw, int64_t prompt);

// The bound above for each NP, by NP index (y × cols + x) × nps_per_node + np.
std::vector<int64_t> event_queue_bound(const ir::Program& program, const HwConfig& hw, const Phase& phase);

// Input SRAM each NP leaves for events: its input SRAM minus the KV rows it holds, by NP index.
std::vector<int64_t> event_buffer_bytes(const ir::Program& program, const HwConfig& hw);

}  // namespace neurokv
