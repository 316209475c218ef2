#pragma once
// A round-robin arbiter over at most 64 requesters: grants the first requester after the last one granted, so
// every persistent requester is served within n grants. The building block of the separable VC and switch
// allocators; requests come as a bit mask (bit i: requester i asks), so a grant is a few bit operations.
#include <cstdint>

namespace neurokv::noc {

class RoundRobin {
 public:
  // The requester granted (and remembered as the last), or -1 when the mask is empty.
  int grant(uint64_t requests) {
    if (requests == 0) return -1;
    const uint64_t after = last_ >= 63 ? 0 : requests & (~uint64_t{0} << (last_ + 1));
    last_ = static_cast<uint8_t>(__builtin_ctzll(after != 0 ? after : requests));
    return last_;
  }

 private:
  uint8_t last_ = 63;  // so the first grant goes to the lowest requester (a byte: routers hold many)
};

}  // namespace neurokv::noc
