#pragma once
// The DMA engine between the NPs and the external DRAM: streamed weights into an NP's weight SRAM, KV-cache
// rows read into and appended from NP input SRAM. Requests queue in one FIFO; the engine issues each to the
// Dram when the channel frees, so concurrent requests from many NPs contend for DRAM bandwidth.
#include <string>
#include <systemc>

#include "simulator/transaction/dram.hpp"
#include "simulator/transaction/memory_port.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {

class Dma : public sc_core::sc_module, public MemoryPort {
 public:
  Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests);

  void issue(DmaRequest& request) override;
  double dram_busy_cycles() const override { return dram_.busy_cycles(); }
  const int& queue_depth() const { return queue_depth_; }  // for the VCD

 private:
  SC_HAS_PROCESS(Dma);
  void serve();

  SimContext& ctx_;
  Dram& dram_;
  sc_core::sc_fifo<DmaRequest*> requests_;
  DmaRequest* next_ = nullptr;  // read from the FIFO, waiting for the channel to free
  int queue_depth_ = 0;
};

}  // namespace neurokv::transaction
