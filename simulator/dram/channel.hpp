#pragma once
// One DRAM channel and its controller: the banks, what they share (Rank), the request queue, the FR-FCFS
// scheduler and the refresh timer, driven cycle by cycle but skipping every cycle where nothing can happen:
// after each decision the clock jumps to the next cycle at which a command may issue, a burst arrives or a
// refresh falls due. One command issues per cycle.
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "simulator/dram/bank.hpp"
#include "simulator/dram/device.hpp"
#include "simulator/dram/queued_burst.hpp"
#include "simulator/dram/rank.hpp"
#include "simulator/dram/refresh.hpp"
#include "simulator/dram/scheduler.hpp"
#include "simulator/dram/stats.hpp"

namespace neurokv::dram {

struct BurstDone {
  int64_t request = 0;
  int64_t cycle = 0;  // last data beat
};

class Channel {
 public:
  Channel(const Device& device, int queue_depth, int64_t bypass_cap);

  // Bursts must arrive in non-decreasing cycle order, none before the cycle already simulated.
  void enqueue(const QueuedBurst& burst);
  // Simulates every cycle before `limit`.
  void advance(int64_t limit);
  // Simulates until every enqueued burst has issued its column command.
  void drain();
  bool idle() const { return queue_.empty() && backlog_.empty(); }
  int64_t now() const { return now_; }
  // Bursts whose column command issued since the last call.
  std::vector<BurstDone> take_done();
  const Stats& stats() const { return stats_; }

 private:
  // One decision at now_: issue a command and move one cycle on, or jump to the next cycle one may issue
  // (never past `limit`).
  void step(int64_t limit);
  void admit();
  void issue(const Choice& choice);
  void issue_column(std::size_t entry);

  Device device_;
  std::size_t queue_depth_;
  std::vector<Bank> banks_;
  Rank rank_;
  Scheduler scheduler_;
  RefreshTimer refresh_;
  std::deque<QueuedBurst> queue_;    // arrived, in the controller (at most queue_depth_)
  std::deque<QueuedBurst> backlog_;  // handed over, waiting for a queue slot or its arrival cycle
  std::vector<BurstDone> done_;
  Stats stats_;
  int64_t now_ = 0;
};

}  // namespace neurokv::dram
