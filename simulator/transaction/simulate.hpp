#pragma once
// The transaction-level simulator's entry point: runs a compiled program on the SystemC chip model
// (docs/simulator.md): the prefill of a P-token prompt, then T decode tokens, the context growing by one per
// token.
//
// SystemC 2.3 has one kernel per process that cannot restart after it has run. simulate() therefore runs
// every simulation in a forked child process that elaborates the chip, runs it and sends the result back over
// a pipe; the calling process never starts the kernel, so simulate() may be called any number of times, and
// from several threads at once (each call forks its own child). Deterministic: the same inputs give the same
// result bytes.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/fabric_counts.hpp"
#include "simulator/measured_densities.hpp"
#include "simulator/report.hpp"

namespace neurokv {

namespace transaction {
class Chip;
struct Fabric;
struct SimContext;
}  // namespace transaction

struct SimOptions {
  int64_t prompt = 0;      // P: prompt tokens prefilled (0: no prefill; decode starts from an empty cache)
  int64_t tokens = 1;      // T: decode tokens, at contexts P + 1 ... P + T
  uint64_t seed = 1;       // event draws (simulator/transaction/event_draw.hpp)
  std::string trace_path;  // Chrome trace JSON when not empty
  std::string vcd_path;    // VCD when not empty
  MeasuredDensities measured = {};  // measured input densities per phase kind: used as they are, not drawn
  bool decode_only = false;         // the prompt's KV rows are taken as written, and its prefill is not run
};

struct SimulationResult {
  std::optional<PhaseReport> prefill;
  std::vector<PhaseReport> decode_tokens;  // one per decode token, in order
  PhaseReport decode;                      // the mean decode token
  std::vector<LayerCost> decode_layers;    // the mean decode token by layer (-1: outside the blocks)
  // Input event queue high-water marks in decode tokens, bytes (events × noc.event_bytes): per NP, index
  // (y × cols + x) × nps_per_node + np, and the fullest NP. The SRAM the program allocates statically is
  // program_facts' memory.peak_np_sram_bytes.
  std::vector<int64_t> peak_np_queue_bytes;
  int64_t peak_queue_bytes = 0;
  std::vector<int64_t> peak_np_prefill_queue_bytes;  // the same during the prefill's chunks
  int64_t peak_prefill_queue_bytes = 0;
  double events_sent = 0;              // events put on the NoC, counted once per destination tile
  double events_received = 0;          // events tiles consumed from their NPs' input queues; equals
                                       // events_sent when every delivery reaches a tile that runs after it
  double cycles = 0;                   // simulated: prefill + every decode token
  std::optional<FabricCounts> fabric;  // the cycle fidelity's; none at the transaction fidelity
};

// A chip fabric other than the transaction model's Routers and Dma (transaction/chip.hpp): built in the
// simulation's process before the chip, connected to it once built, asked for its counts when the run ends.
class FabricModel {
 public:
  virtual ~FabricModel() = default;
  virtual transaction::Fabric fabric() = 0;
  virtual void connect(transaction::Chip& chip) = 0;
  virtual FabricCounts counts() const = 0;
};
using FabricBuilder = std::function<std::unique_ptr<FabricModel>(transaction::SimContext&)>;

// Throws InputError for options or a program that do not fit the chip, RunError if the simulation fails.
// `fabric`: the cycle fidelity's (simulator/cycle/simulate_cycle.hpp); empty for the transaction model's.
SimulationResult simulate(const ir::Program& program, const HwConfig& hw, const SimOptions& options,
                          const FabricBuilder& fabric = {});

// Kills (SIGKILL) and reaps every simulation child running now. Async-signal-safe, for a SIGINT/SIGTERM
// handler; the simulate() calls waiting on those children then fail with a RunError.
void kill_simulations() noexcept;

}  // namespace neurokv
