#pragma once
// The cycle fidelity's DMA engine: the NPs' DRAM reads and writes served by the DRAM command model
// (simulator/dram/: the chip's `dram.device` on `dram.channels` channels, banks, open-page row buffers,
// FR-FCFS, refresh). Requests queue in one FIFO, as in the transaction model's Dma; the engine hands the
// controllers one request at a time, placed by DramLayout and cut into device bursts that interleave across
// channels and banks, and hands over the next once the last burst's column command has issued. A request's
// last byte lands when the model says its last data beat does (ACT, tRCD, tCL, the burst and any row
// conflict, refresh or bus turnaround on the way), in place of the transaction model's fixed latency.
#include <cstdint>
#include <deque>
#include <memory>
#include <systemc>

#include "simulator/cycle/dram_layout.hpp"
#include "simulator/dram/memory_system.hpp"
#include "simulator/transaction/memory_port.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::cycle {

class CommandDma : public sc_core::sc_module, public transaction::MemoryPort {
 public:
  // Throws InputError when the chip has DRAM but names no `dram.device` for the command model.
  CommandDma(sc_core::sc_module_name name, transaction::SimContext& ctx);

  void issue(transaction::DmaRequest& request) override;
  double dram_busy_cycles() const override { return busy_cycles_; }
  dram::Stats stats() const { return memory_ ? memory_->stats() : dram::Stats{}; }

 private:
  SC_HAS_PROCESS(CommandDma);
  void serve();
  void serve_one(transaction::DmaRequest& request);
  // The chip's time at the start of DRAM cycle `cycle`.
  sc_core::sc_time at_dram_cycle(int64_t cycle) const;

  transaction::SimContext& ctx_;
  DramLayout layout_;
  std::unique_ptr<dram::MemorySystem> memory_;  // none when the chip has no DRAM
  std::deque<transaction::DmaRequest*> queue_;
  sc_core::sc_event wake_;
  double busy_cycles_ = 0;  // chip cycles: data-bus cycles over all channels / channels
};

}  // namespace neurokv::cycle
