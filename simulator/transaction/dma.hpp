#pragma once
// The DMA engine between the NPs and the external DRAM: streamed weights into an NP's weight SRAM, KV-cache
// rows read into and appended from NP input SRAM. Requests queue in one FIFO; the engine issues each to the
// Dram when the channel frees, so concurrent requests from many NPs contend for DRAM bandwidth.
#include <string>
#include <systemc>

#include "simulator/transaction/dram.hpp"
#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {

struct DmaRequest {
  double bytes = 0;
  int layer = -1;
  const std::string* name = nullptr;  // the op, for the trace
  bool issued = false;                // the Dma has sent it to the Dram; `done_at` is known
  sc_core::sc_time done_at;           // when the last byte lands
  sc_core::sc_event issued_event;
};

class Dma : public sc_core::sc_module {
 public:
  Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests);

  // Queues the request (the NP goes on: it prefetches its next tile's weights while computing).
  void issue(DmaRequest& request);
  // Called by an NP thread: waits until the request's last byte has landed.
  static void wait_done(DmaRequest& request);
  const int& queue_depth() const { return queue_depth_; }  // for the VCD

 private:
  SC_HAS_PROCESS(Dma);
  void serve();

  SimContext& ctx_;
  Dram& dram_;
  sc_core::sc_fifo<DmaRequest*> requests_;
  int queue_depth_ = 0;
};

}  // namespace neurokv::transaction
