#include "simulator/cycle/command_dma.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "compiler/support/error.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::cycle {

CommandDma::CommandDma(sc_core::sc_module_name name, transaction::SimContext& ctx)
    : sc_module(name), ctx_(ctx), layout_(ctx.program, ctx.hw) {
  const HwConfig& hw = ctx.hw;
  if (hw.dram.present && hw.dram.device.empty()) {
    throw InputError(
        fmt::format("{}: the chip has external DRAM but no 'dram.device'; the cycle fidelity "
                    "needs one of: {}",
                    hw.file, fmt::join(dram::device_names(), ", ")));
  }
  if (!hw.dram.device.empty()) {
    dram::ControllerConfig
        config;  // queue depth, starvation cap and interleave: the model's assumed defaults
    config.channels = hw.dram.channels;
    memory_ = std::make_unique<dram::MemorySystem>(dram::find_device(hw.dram.device), config);
  }
  SC_THREAD(serve);
}

void CommandDma::issue(transaction::DmaRequest& request) {
  queue_.push_back(&request);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

sc_core::sc_time CommandDma::at_dram_cycle(int64_t cycle) const {
  const double fs = static_cast<double>(cycle) * memory_->device().tck_ps * 1e3;
  return sc_core::sc_time(fs, sc_core::SC_FS);
}

void CommandDma::serve() {
  for (;;) {
    while (queue_.empty()) sc_core::wait(wake_);
    transaction::DmaRequest& request = *queue_.front();
    queue_.pop_front();
    serve_one(request);
  }
}

void CommandDma::serve_one(transaction::DmaRequest& request) {
  if (!memory_) throw RunError(fmt::format("{}: a DRAM transfer on a chip without DRAM", *request.name));
  const dram::Device& device = memory_->device();
  // The request reaches the controllers at the first DRAM clock edge from now, once they have issued the
  // previous request's last column command.
  const double now_fs = static_cast<double>(sc_core::sc_time_stamp().value());
  const auto edge = static_cast<int64_t>(std::ceil(now_fs / (device.tck_ps * 1e3)));
  const int64_t cycle = std::max(edge, memory_->simulated_to());
  const sc_core::sc_time start = at_dram_cycle(cycle);
  if (start > sc_core::sc_time_stamp()) sc_core::wait(start - sc_core::sc_time_stamp());

  const dram::Stats before = memory_->stats();
  dram::Request r;
  r.address = layout_.address(request.op, request.tile);
  r.bytes = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(request.bytes)));
  r.access = request.write ? dram::Access::kWrite : dram::Access::kRead;
  r.issue_cycle = cycle;
  memory_->submit(r);
  memory_->drain();
  int64_t done = cycle;
  for (const dram::Completion& c : memory_->take_completions()) done = std::max(done, c.completion_cycle);
  const dram::Stats after = memory_->stats();

  const double moved =
      static_cast<double>(after.bytes_read + after.bytes_written - before.bytes_read - before.bytes_written);
  ctx_.ledger.layer(request.layer).dram_bytes += moved;
  const double bus_tck = static_cast<double>(after.busy_cycles - before.busy_cycles) /
                         static_cast<double>(std::max(1, ctx_.hw.dram.channels));
  busy_cycles_ += bus_tck * device.tck_ps * 1e-12 * ctx_.hw.clock_hz;
  request.done_at = at_dram_cycle(done + 1);  // the last data beat's cycle has passed
  request.issued = true;
  request.issued_event.notify(sc_core::SC_ZERO_TIME);
  if (ctx_.trace) {
    ctx_.trace->span(transaction::kDmaTrack, request.name, ctx_.to_cycles(start),
                     ctx_.to_cycles(request.done_at - start));
  }
}

}  // namespace neurokv::cycle
