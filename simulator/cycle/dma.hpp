#pragma once
// The DMA engine between the NPs and the external DRAM: streamed weights into an NP's weight SRAM, KV-cache rows
// read into and appended from NP input SRAM. Requests queue in one FIFO; the engine issues each to the Dram when
// the channel frees, so concurrent requests from many NPs contend for DRAM bandwidth.
#include <systemc>

#include <string>

#include "simulator/cycle/dram.hpp"
#include "simulator/cycle/sim_context.hpp"

namespace neurokv::cycle {

struct DmaRequest {
  double bytes = 0;
  int layer = -1;
  const std::string* name = nullptr;  // the op, for the trace
  sc_core::sc_event done;             // notified when the last byte has landed
};

class Dma : public sc_core::sc_module {
 public:
  static constexpr int kTraceTrack = 1 << 20;

  Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests);

  // Called by an NP thread: queues the request and waits until it completes.
  void move(DmaRequest& request);
  const int& queue_depth() const { return queue_depth_; }  // for the VCD

 private:
  SC_HAS_PROCESS(Dma);
  void serve();

  SimContext& ctx_;
  Dram& dram_;
  sc_core::sc_fifo<DmaRequest*> requests_;
  int queue_depth_ = 0;
};

}  // namespace neurokv::cycle
