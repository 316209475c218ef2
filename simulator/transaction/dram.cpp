#include "simulator/transaction/dram.hpp"

#include <algorithm>
#include <cmath>

namespace neurokv::transaction {

Dram::Dram(sc_core::sc_module_name name, SimContext& ctx) : sc_module(name), ctx_(ctx) {}

Dram::Transfer Dram::transfer(double bytes, int layer) {
  const double burst = static_cast<double>(std::max<int64_t>(ctx_.hw.dram.burst_bytes, 1));
  const double moved = std::ceil(bytes / burst) * burst;
  const double occupancy = moved / ctx_.hw.dram_bytes_per_cycle();
  const sc_core::sc_time start = std::max(sc_core::sc_time_stamp(), channel_free_);
  channel_free_ = start + ctx_.cycles(occupancy);
  busy_cycles_ += occupancy;
  ctx_.ledger.layer(layer).dram_bytes += moved;
  return {start, channel_free_ + ctx_.cycles(ctx_.hw.dram_latency_cycles())};
}

}  // namespace neurokv::transaction
