#include "simulator/dram/rank.hpp"

#include <algorithm>

namespace neurokv::dram {

int64_t Rank::earliest_activate() const {
  return std::max(last_activate_ + t_.rrd, activate_window_[window_next_] + t_.faw);
}

int64_t Rank::earliest_column(Access access) const {
  int64_t at = last_column_ + t_.ccd;
  const bool is_write = access == Access::kWrite;
  const int64_t data_delay = is_write ? t_.wl : t_.rl;
  const int64_t turnaround = any_column_ && is_write != last_was_write_ ? kBusTurnaroundCycles : 0;
  at = std::max(at, bus_free_ + turnaround - data_delay);  // its data must follow the bus's last burst
  if (!is_write) at = std::max(at, write_data_end_ + t_.wtr);
  return at;
}

int64_t Rank::data_end(int64_t now, Access access) const {
  return now + (access == Access::kWrite ? t_.wl : t_.rl) + burst_cycles_;
}

void Rank::activate(int64_t now) {
  last_activate_ = now;
  activate_window_[window_next_] = now;
  window_next_ = (window_next_ + 1) % 4;
}

void Rank::column(int64_t now, Access access) {
  last_column_ = now;
  bus_free_ = data_end(now, access);
  last_was_write_ = access == Access::kWrite;
  any_column_ = true;
  if (last_was_write_) write_data_end_ = bus_free_;
  busy_cycles_ += burst_cycles_;
}

}  // namespace neurokv::dram
