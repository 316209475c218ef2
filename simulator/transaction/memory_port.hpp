#pragma once
// What an NP hands its DRAM reads and writes to. The transaction model's Dma serves them on a bandwidth and a
// fixed latency; the cycle model's (simulator/cycle/command_dma.hpp) on the DRAM command model. Either way a
// request's `issued` is set and `issued_event` notified once `done_at`, when its last byte lands, is known.
#include <string>
#include <systemc>

namespace neurokv::transaction {

struct DmaRequest {
  double bytes = 0;
  int layer = -1;
  const std::string* name = nullptr;  // the op, for the trace
  int op = -1, tile = -1;             // whose transfer: the cycle model places it in DRAM by them
  int node = -1;                      // the NP's node (row-major): the cycle model's mesh carries the data
  bool write = false;                 // KV rows appended (or a prefill's spill); otherwise a read
  bool issued = false;                // `done_at` is known
  sc_core::sc_time done_at;           // when the last byte lands
  sc_core::sc_event issued_event;
};

class MemoryPort {
 public:
  virtual ~MemoryPort() = default;
  // Queues the request (the NP goes on: it prefetches its next tile's weights while computing).
  virtual void issue(DmaRequest& request) = 0;
  // Chip cycles the DRAM's data bus has been busy so far (for the wave's bound).
  virtual double dram_busy_cycles() const = 0;
};

}  // namespace neurokv::transaction
