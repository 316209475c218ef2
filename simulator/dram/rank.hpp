#pragma once
// What every bank of a channel shares: ACT spacing (tRRD, the four-activate window tFAW), CAS spacing (tCCD),
// the read/write turnarounds and the data bus, which carries one burst at a time.
#include <array>
#include <cstdint>

#include "simulator/dram/request.hpp"
#include "simulator/dram/timing.hpp"

namespace neurokv::dram {

// Cycles of idle DQ bus between a read burst and a write burst in either order (assumed: the DQS
// postamble/preamble; JEDEC's RD-to-WR minimum depends on tDQSCK and ODT settings not modelled).
inline constexpr int64_t kBusTurnaroundCycles = 2;

class Rank {
 public:
  Rank(const Timing& timing, int64_t burst_cycles) : t_(timing), burst_cycles_(burst_cycles) {}

  int64_t earliest_activate() const;
  int64_t earliest_column(Access access) const;
  // When a column command issued at `now` delivers its last data beat.
  int64_t data_end(int64_t now, Access access) const;

  void activate(int64_t now);
  void column(int64_t now, Access access);
  // Cycles the data bus carried data so far.
  int64_t busy_cycles() const { return busy_cycles_; }

 private:
  static constexpr int64_t kLongAgo = -(int64_t{1} << 40);
  Timing t_;
  int64_t burst_cycles_;
  int64_t last_activate_ = kLongAgo;
  std::array<int64_t, 4> activate_window_{kLongAgo, kLongAgo, kLongAgo, kLongAgo};  // ring of the last 4 ACTs
  int window_next_ = 0;
  int64_t last_column_ = kLongAgo;
  int64_t bus_free_ = 0;  // the first cycle the data bus is free
  bool last_was_write_ = false;
  bool any_column_ = false;
  int64_t write_data_end_ = kLongAgo;
  int64_t busy_cycles_ = 0;
};

}  // namespace neurokv::dram
