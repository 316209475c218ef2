#include "simulator/transaction/dma.hpp"

#include "compiler/support/error.hpp"
#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::transaction {

Dma::Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests)
    : sc_module(name), ctx_(ctx), dram_(dram), requests_("requests", max_requests) {
  SC_THREAD(serve);
}

void Dma::issue(DmaRequest& request) {
  ++queue_depth_;
  // The queue holds a request per tile, so it never fills.
  if (!requests_.nb_write(&request)) throw RunError("the DMA request queue overflowed");
}

void Dma::serve() {
  for (;;) {
    DmaRequest* request = nullptr;
    requests_.read(request);
    // Issue when the channel frees, so the FIFO holds what is really waiting.
    if (dram_.channel_free() > sc_core::sc_time_stamp())
      sc_core::wait(dram_.channel_free() - sc_core::sc_time_stamp());
    --queue_depth_;
    const Dram::Transfer transfer = dram_.transfer(request->bytes, request->layer);
    request->issued = true;
    request->done_at = transfer.done;
    request->issued_event.notify(sc_core::SC_ZERO_TIME);
    if (ctx_.trace) {
      ctx_.trace->span(kDmaTrack, request->name, ctx_.to_cycles(transfer.start),
                       ctx_.to_cycles(transfer.done - transfer.start));
    }
  }
}

}  // namespace neurokv::transaction
