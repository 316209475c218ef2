#include "simulator/cycle/dma.hpp"

#include "simulator/cycle/chrome_trace.hpp"

namespace neurokv::cycle {

Dma::Dma(sc_core::sc_module_name name, SimContext& ctx, Dram& dram, int max_requests)
    : sc_module(name), ctx_(ctx), dram_(dram), requests_("requests", max_requests) {
  SC_THREAD(serve);
}

void Dma::move(DmaRequest& request) {
  ++queue_depth_;
  requests_.write(&request);
  sc_core::wait(request.done);
}

void Dma::serve() {
  for (;;) {
    DmaRequest* request = nullptr;
    requests_.read(request);
    // Issue when the channel frees, so the FIFO holds what is really waiting.
    if (dram_.channel_free() > sc_core::sc_time_stamp()) sc_core::wait(dram_.channel_free() - sc_core::sc_time_stamp());
    --queue_depth_;
    const Dram::Transfer transfer = dram_.transfer(request->bytes, request->layer);
    request->done.notify(transfer.done - sc_core::sc_time_stamp());
    if (ctx_.trace) {
      ctx_.trace->span(kTraceTrack, request->name, ctx_.to_cycles(transfer.start),
                       ctx_.to_cycles(transfer.done - transfer.start));
    }
  }
}

}  // namespace neurokv::cycle
