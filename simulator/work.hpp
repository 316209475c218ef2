#pragma once
// The cost equations of the chip, per tile and per route, shared by the analytic estimator and the SystemC
// simulator: both price the same work the same way; the simulator adds timing, queueing and contention.
// docs/simulator.md states each equation.
#include <cstdint>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/action_counts.hpp"

namespace neurokv {

// What is being run: one decode step at context n, or the prefill of a P-token prompt.
struct Phase {
  enum class Kind { Decode, Prefill };
  Kind kind = Kind::Decode;
  int64_t tokens = 1;   // tokens processed: 1 for decode, P for prefill
  int64_t context = 0;  // decode: cached positions attended to, the new one included; prefill: P
  static Phase decode(int64_t context) { return {Kind::Decode, 1, context}; }
  static Phase prefill(int64_t prompt) { return {Kind::Prefill, prompt, prompt}; }
};

// One tile's work in a phase.
struct TileWork {
  ActionCounts counts;          // everything this tile's NP does, including the bytes it reads and writes
  double compute_cycles = 0;    // time on the NP's MAC lanes or softmax unit
  double input_events = 0;      // events this tile receives (for its NP's input queue)
  double dram_read_bytes = 0;   // weights streamed into this tile, KV rows read from DRAM
  double dram_write_bytes = 0;  // KV rows appended to DRAM
};

// Tokens an op of this step runs over in this phase (1 in decode; P, or 1 for the LM head, in prefill).
int64_t step_tokens(const ir::Step& step, const Phase& phase);

TileWork tile_work(const ir::Program& program, const ir::Op& op, const ir::Tile& tile, const HwConfig& hw,
                   const Phase& phase, int64_t tokens);

// Events a route carries in the phase (0 for a KV-row route, which carries data, not events).
double route_events(const ir::Program& program, const ir::Route& route, const Phase& phase, int64_t tokens);

// By route index: KV-row routes whose every destination NP already receives the same rows from the same
// kv_read tile for attn_score. In the fused K=V form one kv_read tile routes its rows to attn_score and to
// attn_value; the compiler places a head's score and value tiles on the same NP, so the rows reach P·V
// through the score tile's input SRAM and the second route carries nothing. Computed once per program.
std::vector<bool> repeated_kv_deliveries(const ir::Program& program);

// Bytes a route carries in the phase (events × event size, or KV rows; 0 for a repeated KV delivery), before
// multiplying by its hops.
double route_bytes(const ir::Program& program, const ir::Route& route, const HwConfig& hw, const Phase& phase,
                   int64_t tokens, bool repeated_delivery);

// SRAM bytes a route writes where it lands: KV rows (`bytes`, from route_bytes) written into each destination
// tile's input SRAM. Events are written by the consuming tile's tile_work instead, so 0 for an event route.
double route_sram_write_bytes(const ir::Program& program, const ir::Route& route, double bytes);

// Links on the longest source-to-destination path of a route's XY tree (its latency in hops).
int route_depth(const ir::Program& program, const ir::Route& route);

// Cycles from a route's first byte leaving to its last byte arriving, when no other traffic shares its links.
double route_cycles(double bytes, int depth, const HwConfig& hw);

}  // namespace neurokv
