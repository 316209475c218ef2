#pragma once
// External DRAM: one channel of `bandwidth_bytes_per_s`, moving whole bursts of `burst_bytes`, with a fixed
// access latency. Transfers occupy the channel back to back (FIFO, in the order the Dma issues them), and the
// latency is pipelined: it delays each transfer's completion, not the channel. A passive target: the Dma
// calls it.
#include <systemc>

#include "simulator/transaction/sim_context.hpp"

namespace neurokv::transaction {

class Dram : public sc_core::sc_module {
 public:
  struct Transfer {
    sc_core::sc_time start;  // the channel starts moving the first burst
    sc_core::sc_time done;   // the last byte has landed
  };

  Dram(sc_core::sc_module_name name, SimContext& ctx);

  // Reserves the channel for `bytes` (rounded up to whole bursts) from now or when it frees, and counts the
  // bytes moved against `layer`.
  Transfer transfer(double bytes, int layer);
  sc_core::sc_time channel_free() const { return channel_free_; }
  double busy_cycles() const { return busy_cycles_; }  // channel occupancy so far

 private:
  SimContext& ctx_;
  sc_core::sc_time channel_free_ = sc_core::SC_ZERO_TIME;
  double busy_cycles_ = 0;
};

}  // namespace neurokv::transaction
