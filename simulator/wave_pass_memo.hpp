#pragma once
// The wave pass's results of one counted phase, by DRAM timing. A counted wave's time reads the chip only
// through its DRAM bytes per cycle and DRAM latency in cycles, so sweep points that change other pricing keys
// (energy coefficients, static power) or repeat a timing (a grid of DRAM prices × DRAM bandwidths) share one
// pass: the same computation, so the same bits.
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "simulator/phase_totals.hpp"

namespace neurokv {

class WavePassMemo {
 public:
  // The pass at this timing: `pass()` computes it on the first call and it is kept (up to kMaxTimings; past
  // that, or for a NaN timing, it is computed on every call, into `scratch`). Safe from several threads; a
  // kept result stays where it is for the memo's lifetime.
  const PhaseTotals& get(double dram_bytes_per_cycle, double dram_latency_cycles,
                         const std::function<PhaseTotals()>& pass, PhaseTotals& scratch);

 private:
  static constexpr std::size_t kMaxTimings = 1024;
  std::mutex mutex_;
  std::map<std::pair<double, double>, PhaseTotals> passes_;
};

}  // namespace neurokv
