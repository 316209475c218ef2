#include "simulator/wave_pass_memo.hpp"

#include <cmath>

namespace neurokv {

const PhaseTotals& WavePassMemo::get(double dram_bytes_per_cycle, double dram_latency_cycles,
                                     const std::function<PhaseTotals()>& pass, PhaseTotals& scratch) {
  if (std::isnan(dram_bytes_per_cycle) || std::isnan(dram_latency_cycles)) return scratch = pass();
  const std::pair<double, double> timing{dram_bytes_per_cycle, dram_latency_cycles};
  bool room = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto kept = passes_.find(timing);
    if (kept != passes_.end()) return kept->second;
    room = passes_.size() < kMaxTimings;
  }
  if (!room) return scratch = pass();
  // Computed outside the lock; two threads may both compute one timing, and the first one kept wins.
  PhaseTotals computed = pass();
  std::lock_guard<std::mutex> lock(mutex_);
  return passes_.try_emplace(timing, std::move(computed)).first->second;
}

}  // namespace neurokv
