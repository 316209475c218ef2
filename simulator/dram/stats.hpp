#pragma once
// What a run of the DRAM model counts. A burst is a row hit when its column command needed no ACT of its own,
// a miss when it needed an ACT to a closed bank, a conflict when it first had to close another row.
#include <array>
#include <cstdint>

#include "simulator/dram/command.hpp"

namespace neurokv::dram {

struct Stats {
  int64_t requests = 0;
  int64_t bursts = 0;
  int64_t row_hits = 0;
  int64_t row_misses = 0;
  int64_t row_conflicts = 0;
  std::array<int64_t, kCommandKinds> commands{};  // indexed by Command
  int64_t bytes_read = 0;                         // moved on the data bus, whole bursts
  int64_t bytes_written = 0;
  int64_t busy_cycles = 0;    // data-bus cycles carrying data, summed over channels
  int64_t end_cycle = 0;      // the last completion
  int64_t total_latency = 0;  // summed over requests, cycles
  int64_t max_latency = 0;
  int64_t max_bypassed =
      0;  // the most younger bursts of its bank any burst saw served ahead of it (≤ the cap)

  int64_t count(Command c) const { return commands[static_cast<int>(c)]; }
  double average_latency() const {
    return requests == 0 ? 0.0 : static_cast<double>(total_latency) / static_cast<double>(requests);
  }
  double row_hit_rate() const {
    return bursts == 0 ? 0.0 : static_cast<double>(row_hits) / static_cast<double>(bursts);
  }
};

}  // namespace neurokv::dram
