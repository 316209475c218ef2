#pragma once
// What a requester (a DMA engine, the NoC's memory port) hands the DRAM model and what it gets back. Cycles
// are the device's command clock (tCK); Device::clock_hz() converts.
#include <cstdint>

namespace neurokv::dram {

enum class Access { kRead, kWrite };

struct Request {
  uint64_t address = 0;
  int64_t bytes = 0;  // > 0; split into device bursts, aligned to the burst size
  Access access = Access::kRead;
  int64_t issue_cycle = 0;  // when the requester hands it over; non-decreasing across submits
};

struct Completion {
  int64_t id = 0;  // the order of submission, from 0
  int64_t issue_cycle = 0;
  int64_t completion_cycle = 0;  // the last data beat of its last burst (read: returned; write: accepted)
  int64_t latency() const { return completion_cycle - issue_cycle; }
};

}  // namespace neurokv::dram
