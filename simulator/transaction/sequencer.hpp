#pragma once
// The Sequencer: loads the program's schedules and runs them on the Chip, wave by wave (a wave starts when
// every tile of the previous wave has finished and every packet train it sent has arrived): the prefill of
// the prompt, then one decode step per generated token, the context growing by one each token (each step's
// KvAppend adds the token's row to the cache). It records the cycles of each wave against the layer of its
// first op and what bound it, and turns the ledger into PhaseReports.
#include <deque>
#include <map>
#include <string>
#include <systemc>
#include <vector>

#include "simulator/phase_totals.hpp"
#include "simulator/transaction/chip.hpp"
#include "simulator/transaction/simulate.hpp"

namespace neurokv::transaction {

class Sequencer : public sc_core::sc_module {
 public:
  // Each phase's drawn (or measured) densities are set in `program` itself, ctx.program.
  Sequencer(sc_core::sc_module_name name, SimContext& ctx, Chip& chip, ir::Program& program,
            const SimOptions& options);

  // Filled when the run has finished.
  const SimulationResult& result() const { return result_; }

 private:
  SC_HAS_PROCESS(Sequencer);
  using Waves = std::map<int, std::vector<const ir::Step*>>;

  void run();
  PhaseTotals run_phase(const Phase& phase, const Waves& waves, int phase_index);
  void run_wave(const std::vector<const ir::Step*>& steps, PhaseTotals& totals);
  const std::string* label(std::string text);
  void trace_layer(int layer, double start, double cycles);
  void flush_layer_span();

  SimContext& ctx_;
  Chip& chip_;
  ir::Program& program_;
  std::vector<double> planned_density_;  // by op: as compiled, what each phase's draw starts from
  SimOptions options_;
  std::vector<Np*> nps_;
  Waves prefill_waves_, decode_waves_;
  StaticPower power_;
  std::deque<std::string> labels_;  // trace span names that are not op names
  struct {
    int layer = -1;
    double start = 0, cycles = 0;
  } layer_span_;  // the layer span being extended
  SimulationResult result_;
};

}  // namespace neurokv::transaction
