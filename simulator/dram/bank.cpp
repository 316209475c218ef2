#include "simulator/dram/bank.hpp"

#include <algorithm>

namespace neurokv::dram {

void Bank::activate(int64_t now, int64_t row, const Timing& t) {
  open_row_ = row;
  next_column_ = now + t.rcd;
  next_precharge_ = now + t.ras;
  next_activate_ = now + t.rc;
}

void Bank::precharge(int64_t now, int64_t rp) {
  open_row_ = kNoRow;
  next_activate_ = std::max(next_activate_, now + rp);
}

void Bank::read(int64_t now, const Timing& t) { next_precharge_ = std::max(next_precharge_, now + t.rtp); }

void Bank::write(int64_t now, const Timing& t, int64_t burst_cycles) {
  // Write recovery counts from the last data beat.
  next_precharge_ = std::max(next_precharge_, now + t.wl + burst_cycles + t.wr);
}

void Bank::refresh(int64_t now, const Timing& t) {
  next_activate_ = std::max(next_activate_, now + t.rfc_ab);
}

}  // namespace neurokv::dram
