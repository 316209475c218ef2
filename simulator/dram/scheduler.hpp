#pragma once
// FR-FCFS ("first ready, first come first served", Rixner et al., ISCA 2000): each cycle, the oldest queued
// burst that hits an open row and whose RD/WR may issue now goes first; otherwise the oldest burst whose next
// command (ACT to a closed bank, PRE to close another row) may issue now. A row still wanted by a queued
// burst is not closed. Starvation cap: once `bypass_cap` younger bursts to a bank have been served ahead of a
// burst waiting there for another row, that bank serves no more hits ahead of it and its PRE may issue. A due
// refresh comes before everything: PREA once every open bank may close, then REF.
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "simulator/dram/bank.hpp"
#include "simulator/dram/command.hpp"
#include "simulator/dram/queued_burst.hpp"
#include "simulator/dram/rank.hpp"

namespace neurokv::dram {

struct Choice {
  Command command = Command::kActivate;
  int entry = -1;  // index in the queue; -1 for PREA and REF
};

class Scheduler {
 public:
  // Banks per channel the `held` mask of pick() can track.
  static constexpr int kMaxBanks = 64;

  explicit Scheduler(int64_t bypass_cap) : bypass_cap_(bypass_cap) {}

  // The command to issue at `now`, or nothing, with `retry` set to the first later cycle at which one of the
  // candidates becomes possible (unchanged if none is: only a new arrival can unblock the queue then).
  std::optional<Choice> pick(int64_t now, const std::deque<QueuedBurst>& queue,
                             const std::vector<Bank>& banks, const Rank& rank, bool refresh_due,
                             int64_t& retry) const;

 private:
  std::optional<Choice> pick_refresh(int64_t now, const std::vector<Bank>& banks, int64_t& retry) const;

  int64_t bypass_cap_;
};

}  // namespace neurokv::dram
