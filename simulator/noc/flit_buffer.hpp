#pragma once
// One virtual channel's input buffer: a FIFO of at most `depth` flits. Credit-based flow control upstream
// keeps it from overflowing; push() throws if it ever would, so a flow-control bug cannot pass silently.
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

class FlitBuffer {
 public:
  explicit FlitBuffer(int depth) : slots_(static_cast<size_t>(depth)) {}

  bool empty() const { return size_ == 0; }
  int size() const { return size_; }
  int depth() const { return static_cast<int>(slots_.size()); }
  int peak() const { return peak_; }  // the most flits it ever held

  const BufferedFlit& front() const { return slots_[head_]; }

  void push(const BufferedFlit& flit) {
    if (size_ == depth()) throw std::logic_error("noc: a flit arrived at a full virtual-channel buffer");
    size_t tail = head_ + static_cast<size_t>(size_);
    if (tail >= slots_.size()) tail -= slots_.size();
    slots_[tail] = flit;
    ++size_;
    if (size_ > peak_) peak_ = size_;
  }

  void pop() {
    if (++head_ == slots_.size()) head_ = 0;
    --size_;
  }

 private:
  std::vector<BufferedFlit> slots_;
  size_t head_ = 0;
  int size_ = 0;
  int peak_ = 0;
};

}  // namespace neurokv::noc
