#pragma once
// One bank's state machine: closed, or active with one open row (the row buffer), and the earliest cycle each
// command may next reach it. Open-page policy: a row stays open after its accesses until a request for
// another row (or a refresh) closes it.
#include <cstdint>

#include "simulator/dram/timing.hpp"

namespace neurokv::dram {

class Bank {
 public:
  static constexpr int64_t kNoRow = -1;

  bool is_open() const { return open_row_ != kNoRow; }
  int64_t open_row() const { return open_row_; }
  int64_t earliest_activate() const { return next_activate_; }
  int64_t earliest_precharge() const { return next_precharge_; }
  int64_t earliest_column() const { return next_column_; }

  void activate(int64_t now, int64_t row, const Timing& t);
  // `rp` is tRPpb for PRE, tRPab for PREA.
  void precharge(int64_t now, int64_t rp);
  void read(int64_t now, const Timing& t);
  void write(int64_t now, const Timing& t, int64_t burst_cycles);
  void refresh(int64_t now, const Timing& t);

 private:
  int64_t open_row_ = kNoRow;
  int64_t next_activate_ = 0;
  int64_t next_precharge_ = 0;
  int64_t next_column_ = 0;
};

}  // namespace neurokv::dram
