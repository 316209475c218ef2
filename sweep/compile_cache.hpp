#pragma once
// Compiles once for points that differ only in what the compiler does not read (energy prices, DRAM and NoC
// timing, clock, MAC lanes): those points share one program and are costed with their own chip. At the
// analytic fidelity it also counts once: points that differ only in pricing keys (pricing_key(): energy
// coefficients, static power, clock, DRAM bandwidth and latency) share the program's counts, and each is
// costed by a pass over the counted waves, not the program's tiles.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "simulator/evaluate/evaluate.hpp"
#include "simulator/report.hpp"
#include "sweep/lru_cache.hpp"
#include "sweep/plan.hpp"

namespace neurokv::sweep {

// True for a chip key that only prices or times a program, never shapes it.
bool cost_only_key(const std::string& key);

class CompileCache {
 public:
  // Keeps the programs and counts of one grid point (variants × contexts of a model, which index order runs
  // through before the next grid point) and no more: a structural sweep holds a grid point's programs, not
  // the last 256 (docs/performance.md, "Sweep memory"). At the analytic fidelity a program is kept only where
  // a grid axis of cost-only keys that do not price makes other points count it again; else it is freed once
  // counted.
  explicit CompileCache(const SweepPlan& plan);

  // The point's report, as evaluate() would give it, bit for bit. Safe to call from several threads.
  Report evaluate(const SweepPoint& point);

 private:
  // A program's analytic counts at one chip's counting keys, and its report header (not the program: the
  // counts outlive it in the cache).
  struct Counted {
    Report header;
    AnalyticCounts counts;
  };
  // The point's program, compiled anew; compiled(): kept for the points that share it.
  std::shared_ptr<const CompileResult> compile_point(const SweepPoint& point, const HwConfig& hw);
  std::shared_ptr<const CompileResult> compiled(const SweepPoint& point, const HwConfig& hw);
  // The front of the point's model and variant's compile (compile_front): the same at every grid point and
  // context, as a grid's keys are numeric and the bit widths are the spec's.
  std::shared_ptr<const FrontGraph> front(const SweepPoint& point, const HwConfig& hw);
  std::shared_ptr<const Counted> counted(const SweepPoint& point, const HwConfig& hw);
  // The point's model, variant and context, and its values on the axes `shared` does not hold for.
  std::string key(const SweepPoint& point, bool (*shared)(const std::string&)) const;

  const SweepPlan& plan_;
  std::mutex fronts_mutex_;
  std::map<std::pair<int, int>, std::shared_ptr<const FrontGraph>> fronts_;  // by (model, variant)
  LruCache<std::string, CompileResult> programs_;
  LruCache<std::string, Counted> counts_;
};

}  // namespace neurokv::sweep
