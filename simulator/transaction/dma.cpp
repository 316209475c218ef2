#include "simulator/transaction/dma.hpp"

#include <utility>

#include "compiler/support/error.hpp"
#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::transaction {

Dma::Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests)
    : sc_module(name), ctx_(ctx), dram_(dram), requests_("requests", max_requests) {
  // A method, as every block of the transaction fabric but the Sequencer (np.hpp).
  SC_METHOD(serve);
  sensitive << requests_.data_written_event();
  dont_initialize();
}

void Dma::issue(DmaRequest& request) {
  ++queue_depth_;
  // The queue holds a request per tile, so it never fills.
  if (!requests_.nb_write(&request)) throw RunError("the DMA request queue overflowed");
}

void Dma::serve() {
  for (;;) {
    if (!next_ && !requests_.nb_read(next_)) return;  // until the next request is written
    // Issue when the channel frees, so the FIFO holds what is really waiting.
    if (dram_.channel_free() > sc_core::sc_time_stamp()) {
      next_trigger(dram_.channel_free() - sc_core::sc_time_stamp());
      return;
    }
    DmaRequest* request = std::exchange(next_, nullptr);
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
