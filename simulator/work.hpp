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
//
// A prefill runs every op over the prompt `chunk` tokens at a time (docs/simulator.md, "A prefill that
// fits"): with chunk < tokens each op's output goes to DRAM and its consumers read it back a chunk at a
// time (spill_bytes), and the attention of each chunk reads the cached rows of every earlier position
// again. `past` > 0 describes one chunk alone: its `tokens` queries attend to `past` earlier positions too.
struct Phase {
  enum class Kind { Decode, Prefill };
  Kind kind = Kind::Decode;
  int64_t tokens = 1;   // tokens processed: 1 for decode, P for prefill
  int64_t context = 0;  // decode: cached positions attended to, the new one included; prefill: P
  int64_t chunk = 1;    // prefill: tokens per chunk (tokens: one chunk, nothing spilled)
  int64_t past = 0;     // prefill: positions before the first token (one chunk of a longer prompt)
  static Phase decode(int64_t context) { return {Kind::Decode, 1, context, 1, 0}; }
  static Phase prefill(int64_t prompt) { return {Kind::Prefill, prompt, prompt, prompt, 0}; }
  static Phase prefill(int64_t prompt, int64_t chunk) { return {Kind::Prefill, prompt, prompt, chunk, 0}; }
  // The prompt's last full chunk alone: the most any chunk of the prompt queues (prefill_queue.hpp).
  static Phase last_chunk(int64_t prompt, int64_t chunk) {
    return {Kind::Prefill, chunk, prompt, chunk, prompt - chunk};
  }
  bool spills() const { return kind == Kind::Prefill && chunk < tokens; }
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

// Events a route carries in the phase (0 for a KV-row route, which carries data, not events). `tokens`: the
// fewer of its source's and its consumer's step_tokens (the prefill's LM head takes the last token only).
double route_events(const ir::Program& program, const ir::Route& route, const Phase& phase, int64_t tokens);
// The same with every activation an event (the consumer's input density taken as 1): the most events any
// draw can put on the route.
double route_activations(const ir::Program& program, const ir::Route& route, const Phase& phase,
                         int64_t tokens);

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

// Activations a chunked prefill spills to DRAM, by op and tile: each event route whose source runs over more
// than one chunk is written to DRAM by its source tile (`write`) and read back once by the DMA, which
// multicasts it to the route's destinations; the read is the first destination tile's (`read`). Empty
// unless phase.spills().
struct SpillBytes {
  std::vector<std::vector<double>> read, write;  // [op][tile]
};
SpillBytes spill_bytes(const ir::Program& program, const HwConfig& hw, const Phase& phase);
// Adds a tile's spilled bytes to its DRAM traffic.
void add_spill(TileWork& work, const SpillBytes& spill, const ir::Op& op, const ir::Tile& tile);

// Cycles from a route's first byte leaving to its last byte arriving, when no other traffic shares its links.
double route_cycles(double bytes, int depth, const HwConfig& hw);

}  // namespace neurokv
