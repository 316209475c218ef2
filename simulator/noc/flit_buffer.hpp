#pragma once
// A router's input buffers: one FIFO of at most `depth` flits per input virtual channel, all of them rings in
// one array (VC i's slots are [i × depth, (i + 1) × depth)), so the allocators reach any VC's front flit with
// one index and no per-VC heap block. Credit-based flow control upstream keeps each FIFO from overflowing;
// push() throws if one ever would, so a flow-control bug cannot pass silently.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "simulator/noc/flit.hpp"

namespace neurokv::noc {

// A buffered flit and the first cycle it may leave: its arrival + the router pipeline − 1.
struct BufferedFlit {
  Flit flit;
  int64_t ready = 0;
};

class FlitBuffers {
 public:
  FlitBuffers(int count, int depth)
      : depth_(depth),
        slots_(static_cast<size_t>(count) * static_cast<size_t>(depth)),
        fifos_(static_cast<size_t>(count)) {}

  int depth() const { return depth_; }
  bool empty(int vc) const { return fifo(vc).size == 0; }
  int size(int vc) const { return fifo(vc).size; }
  int peak(int vc) const { return fifo(vc).peak; }  // the most flits VC `vc` ever held

  const BufferedFlit& front(int vc) const { return slots_[slot(vc, fifo(vc).head)]; }

  void push(int vc, const BufferedFlit& flit) {
    Fifo& q = fifos_[static_cast<size_t>(vc)];
    if (q.size == depth_) throw std::logic_error("noc: a flit arrived at a full virtual-channel buffer");
    int tail = q.head + q.size;
    if (tail >= depth_) tail -= depth_;
    slots_[slot(vc, tail)] = flit;
    if (++q.size > q.peak) q.peak = q.size;
  }

  void pop(int vc) {
    Fifo& q = fifos_[static_cast<size_t>(vc)];
    if (++q.head == depth_) q.head = 0;
    --q.size;
  }

 private:
  struct Fifo {
    int head = 0, size = 0, peak = 0;
  };
  const Fifo& fifo(int vc) const { return fifos_[static_cast<size_t>(vc)]; }
  size_t slot(int vc, int at) const {
    return static_cast<size_t>(vc) * static_cast<size_t>(depth_) + static_cast<size_t>(at);
  }

  int depth_;
  std::vector<BufferedFlit> slots_;
  std::vector<Fifo> fifos_;
};

}  // namespace neurokv::noc
