#include "simulator/cycle/command_dma.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "compiler/support/error.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::cycle {

CommandDma::CommandDma(sc_core::sc_module_name name, transaction::SimContext& ctx, FlitNetwork& network)
    : sc_module(name), ctx_(ctx), network_(network), layout_(ctx.program, ctx.hw) {
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
    const dram::Device& device = dram::find_device(hw.dram.device);
    memory_ = std::make_unique<dram::MemorySystem>(device, config);
    mapping_ = std::make_unique<dram::AddressMapping>(device, config.channels, config.interleave_bytes);
    // A piece is one data packet of whole bursts inside one channel's interleave unit.
    piece_bytes_ = static_cast<int64_t>(kDataPacketBytes);
    if (piece_bytes_ % device.burst_bytes() != 0 || config.interleave_bytes % piece_bytes_ != 0)
      throw std::logic_error("command DMA: a data packet is not whole bursts of one channel");
  }
  SC_THREAD(serve);
}

dram::Stats CommandDma::stats() const {
  if (!memory_) return {};
  dram::Stats s = memory_->stats();
  s.requests = requests_;
  return s;
}

std::vector<CommandDma::Piece> CommandDma::pieces(const transaction::DmaRequest& request) const {
  if (!memory_) throw RunError(fmt::format("{}: a DRAM transfer on a chip without DRAM", *request.name));
  // Regions start on kRegionAlignBytes, so every piece starts on a packet boundary.
  const uint64_t first = layout_.address(request.op, request.tile);
  const int64_t bytes = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(request.bytes)));
  std::vector<Piece> out;
  for (int64_t at = 0; at < bytes; at += piece_bytes_) {
    const uint64_t address = first + static_cast<uint64_t>(at);
    const int channel = mapping_->locate(address).channel;
    out.push_back({address, std::min(piece_bytes_, bytes - at),
                   ctx_.hw.dram.attach_nodes[static_cast<size_t>(channel)]});
  }
  return out;
}

void CommandDma::carry(const transaction::DmaRequest& request, const std::vector<Piece>& pieces,
                       const std::vector<sc_core::sc_time>& ready, std::function<void()> done) {
  const int32_t transfer = network_.open_transfer(static_cast<int64_t>(pieces.size()), std::move(done));
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    const int from = request.write ? request.node : p.node;
    const int to = request.write ? p.node : request.node;
    network_.carry(transfer, from, to, static_cast<double>(p.bytes), request.layer, ready[i]);
  }
}

void CommandDma::issue(transaction::DmaRequest& request) {
  ++requests_;
  if (!request.write) {
    queue(request);
    return;
  }
  const std::vector<Piece> data = pieces(request);
  carry(request, data, std::vector<sc_core::sc_time>(data.size(), sc_core::sc_time_stamp()),
        [this, &request] { queue(request); });
}

void CommandDma::queue(transaction::DmaRequest& request) {
  queue_.push_back(&request);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void CommandDma::finish(transaction::DmaRequest& request, sc_core::sc_time done_at) {
  request.done_at = done_at;
  request.issued = true;
  request.issued_event.notify(sc_core::SC_ZERO_TIME);
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
  const std::vector<Piece> data = pieces(request);
  const dram::Device& device = memory_->device();
  // The request reaches the controllers at the first DRAM clock edge from now, once they have issued the
  // previous request's last column command.
  const double now_fs = static_cast<double>(sc_core::sc_time_stamp().value());
  const auto edge = static_cast<int64_t>(std::ceil(now_fs / (device.tck_ps * 1e3)));
  const int64_t cycle = std::max(edge, memory_->simulated_to());
  const sc_core::sc_time start = at_dram_cycle(cycle);
  if (start > sc_core::sc_time_stamp()) sc_core::wait(start - sc_core::sc_time_stamp());

  // One memory-system request per piece, all issued in this cycle: the same bursts in the same order as one
  // request, with each piece's completion known apart.
  const dram::Stats before = memory_->stats();
  int64_t first_id = -1;
  for (const Piece& p : data) {
    dram::Request r;
    r.address = p.address;
    r.bytes = p.bytes;
    r.access = request.write ? dram::Access::kWrite : dram::Access::kRead;
    r.issue_cycle = cycle;
    const int64_t id = memory_->submit(r);
    if (first_id < 0) first_id = id;
  }
  memory_->drain();
  int64_t done = cycle;
  std::vector<sc_core::sc_time> ready(data.size());
  for (const dram::Completion& c : memory_->take_completions()) {
    done = std::max(done, c.completion_cycle);
    ready[static_cast<size_t>(c.id - first_id)] = at_dram_cycle(c.completion_cycle + 1);
  }
  const dram::Stats after = memory_->stats();

  const double moved =
      static_cast<double>(after.bytes_read + after.bytes_written - before.bytes_read - before.bytes_written);
  ctx_.ledger.layer(request.layer).dram_bytes += moved;
  const double bus_tck = static_cast<double>(after.busy_cycles - before.busy_cycles) /
                         static_cast<double>(std::max(1, ctx_.hw.dram.channels));
  busy_cycles_ += bus_tck * device.tck_ps * 1e-12 * ctx_.hw.clock_hz;
  if (request.write) {
    finish(request, at_dram_cycle(done + 1));  // the last data beat's cycle has passed
  } else {
    carry(request, data, ready, [&request] { finish(request, sc_core::sc_time_stamp()); });
  }
  if (ctx_.trace) {
    ctx_.trace->span(transaction::kDmaTrack, request.name, ctx_.to_cycles(start),
                     ctx_.to_cycles(at_dram_cycle(done + 1) - start));
  }
}

}  // namespace neurokv::cycle
