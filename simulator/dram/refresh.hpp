#pragma once
// All-bank auto-refresh: one REF is due every tREFI, from tREFI on. When one is due the scheduler stops
// opening rows, closes every bank (PREA) and issues REF, which keeps every bank shut for tRFCab. Refreshes
// are never postponed or pulled in (JEDEC allows up to 8 of either) and per-bank refresh is not modelled.
#include <cstdint>

namespace neurokv::dram {

class RefreshTimer {
 public:
  explicit RefreshTimer(int64_t refi) : refi_(refi), next_due_(refi) {}
  bool due(int64_t now) const { return now >= next_due_; }
  int64_t next_due() const { return next_due_; }
  void refreshed() { next_due_ += refi_; }

 private:
  int64_t refi_;
  int64_t next_due_;
};

}  // namespace neurokv::dram
