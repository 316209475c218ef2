#pragma once
// Compiles once for points that differ only in what the compiler does not read (energy prices, DRAM and NoC
// timing, clock, MAC lanes): those points share one program and are costed with their own chip.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "simulator/report.hpp"
#include "sweep/plan.hpp"

namespace neurokv::sweep {

// True for a chip key that only prices or times a program, never shapes it.
bool cost_only_key(const std::string& key);

class CompileCache {
 public:
  explicit CompileCache(const SweepPlan& plan, std::size_t capacity = 256)
      : plan_(plan), capacity_(capacity) {}

  // The point's report, as evaluate() would give it. Safe to call from several threads.
  Report evaluate(const SweepPoint& point);

 private:
  std::shared_ptr<const CompileResult> compiled(const SweepPoint& point, const HwConfig& hw);

  const SweepPlan& plan_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const CompileResult>> programs_;
  std::deque<std::string> order_;  // oldest first: points sharing a program are near in index order
};

}  // namespace neurokv::sweep
