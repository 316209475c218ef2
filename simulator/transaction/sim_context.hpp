#pragma once
// State every block of one simulation shares: the program being run, the chip, the phase in progress, the
// clock, the counting ledger, the wave barrier and the optional trace. One per simulation (one per process).
#include <cstdint>
#include <systemc>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/work.hpp"

namespace neurokv::transaction {

class ChromeTrace;

// Counts of one phase, by decoder layer (slot 0: ops outside the blocks), plus the NoC event books.
struct Ledger {
  std::vector<ActionCounts> layer_counts;
  double events_sent = 0;      // by the sending router: route events × destination tiles
  double events_received = 0;  // by the NPs: events a tile took from its input queue when it started
  double longest_route = 0;    // cycles, current wave: first byte sent to last byte delivered

  ActionCounts& layer(int layer) { return layer_counts.at(static_cast<size_t>(layer + 1)); }
};

// Work outstanding in the current wave (NPs still running, packet trains still in flight); the Sequencer
// starts the next wave when it drains.
class Barrier {
 public:
  void add(int n = 1) { pending_ += n; }
  void finish() {
    if (--pending_ == 0) drained_.notify(sc_core::SC_ZERO_TIME);
  }
  bool idle() const { return pending_ == 0; }
  const sc_core::sc_event& drained() const { return drained_; }

 private:
  int pending_ = 0;
  sc_core::sc_event drained_;
};

struct SimContext {
  const ir::Program& program;  // with the phase's realised input densities (event_draw.hpp)
  const HwConfig& hw;
  Phase phase;
  SpillBytes spill;                // a chunked prefill's activations through DRAM (work.hpp), per phase
  std::vector<int64_t> op_tokens;  // step_tokens of each op's step in the current phase
  Ledger ledger;
  Barrier barrier;
  ChromeTrace* trace = nullptr;
  double period_fs = 0;  // one chip clock cycle

  SimContext(const ir::Program& p, const HwConfig& h)
      : program(p), hw(h), op_tokens(p.ops.size(), 1), period_fs(1e15 / h.clock_hz) {
    ledger.layer_counts.resize(static_cast<size_t>(p.model.layers + 1));
  }
  sc_core::sc_time cycles(double n) const { return sc_core::sc_time(n * period_fs, sc_core::SC_FS); }
  double to_cycles(const sc_core::sc_time& t) const { return static_cast<double>(t.value()) / period_fs; }
  double now() const { return to_cycles(sc_core::sc_time_stamp()); }
};

}  // namespace neurokv::transaction
