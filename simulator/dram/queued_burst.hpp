#pragma once
// One burst waiting in a channel's request queue: a request is cut into device bursts on arrival.
#include <cstdint>

#include "simulator/dram/address_mapping.hpp"
#include "simulator/dram/request.hpp"

namespace neurokv::dram {

struct QueuedBurst {
  int64_t request = 0;  // Completion::id of the request it belongs to
  Location at;
  Access access = Access::kRead;
  int64_t arrival = 0;
  int64_t bypassed = 0;    // younger bursts served ahead of it in its bank while it waited for another row
  bool activated = false;  // an ACT was issued for it (a miss, or a conflict if also precharged)
  bool precharged = false;
};

}  // namespace neurokv::dram
