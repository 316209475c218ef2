#include "sweep/compile_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "simulator/program_counts.hpp"

namespace neurokv::sweep {

bool cost_only_key(const std::string& key) {
  static const std::vector<std::string> keys{"dram.burst_bytes",       "np.mac_lanes",
                                             "noc.hop_latency_cycles", "noc.link_bytes_per_cycle",
                                             "noc.event_bytes",        "softmax.elements_per_cycle"};
  return pricing_key(key) || std::find(keys.begin(), keys.end(), key) != keys.end();
}

namespace {

std::size_t grid_point_size(const SweepPlan& plan) {
  return plan.variants(0).size() * plan.spec().contexts.size();
}

}  // namespace

CompileCache::CompileCache(const SweepPlan& plan)
    : plan_(plan), programs_(grid_point_size(plan)), counts_(grid_point_size(plan)) {}

std::string CompileCache::key(const SweepPoint& point, bool (*shared)(const std::string&)) const {
  std::string key = fmt::format("{}|{}|{}", point.model, point.variant, point.context);
  const auto& axes = plan_.spec().grid;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    if (!std::all_of(axes[a].keys.begin(), axes[a].keys.end(), shared)) {
      key += fmt::format("|{}", point.grid_values[a]);
    }
  }
  return key;
}

std::shared_ptr<const FrontGraph> CompileCache::front(const SweepPoint& point, const HwConfig& hw) {
  const std::pair<int, int> model_variant{point.model, point.variant};
  {
    std::lock_guard<std::mutex> lock(fronts_mutex_);
    const auto kept = fronts_.find(model_variant);
    if (kept != fronts_.end()) return kept->second;
  }
  // Made outside the lock; two threads may both make one, and the first one kept wins.
  std::shared_ptr<const FrontGraph> made = compile_front(
      plan_.model(point.model), plan_.variants(point.model)[static_cast<std::size_t>(point.variant)], hw,
      plan_.options_at(point).compile);
  std::lock_guard<std::mutex> lock(fronts_mutex_);
  return fronts_.try_emplace(model_variant, std::move(made)).first->second;
}

std::shared_ptr<const CompileResult> CompileCache::compile_point(const SweepPoint& point,
                                                                 const HwConfig& hw) {
  const EvaluateOptions options = plan_.options_at(point);
  return std::make_shared<const CompileResult>(
      compile(plan_.model(point.model), *front(point, hw), hw, options.compile));
}

std::shared_ptr<const CompileResult> CompileCache::compiled(const SweepPoint& point, const HwConfig& hw) {
  const std::string program_key = key(point, cost_only_key);
  if (auto hit = programs_.find(program_key)) return hit;
  return programs_.insert(program_key, compile_point(point, hw));
}

std::shared_ptr<const CompileCache::Counted> CompileCache::counted(const SweepPoint& point,
                                                                   const HwConfig& hw) {
  const std::string counts_key = key(point, pricing_key);
  if (auto hit = counts_.find(counts_key)) return hit;
  // Where the program's key is its counts' key (no grid axis of cost-only keys that do not price), no other
  // point reads the program: it is counted and freed at once, not kept, so the next compile reuses memory
  // still in the cache and the program is freed from the cache too (docs/performance.md, session 14).
  const std::shared_ptr<const CompileResult> program =
      key(point, cost_only_key) == counts_key ? compile_point(point, hw) : compiled(point, hw);
  const EvaluateOptions options = plan_.options_at(point);
  return counts_.insert(
      counts_key, std::make_shared<const Counted>(Counted{report_for(program->program, hw, options),
                                                          count_analytic(program->program, hw, options)}));
}

Report CompileCache::evaluate(const SweepPoint& point) {
  const std::shared_ptr<const HwConfig> hw = plan_.hw_at(point);
  const EvaluateOptions options = plan_.options_at(point);
  if (options.fidelity != Fidelity::Analytic) {
    const std::shared_ptr<const CompileResult> result = compiled(point, *hw);
    return evaluate_compiled({&result->program}, *hw, options);
  }
  const std::shared_ptr<const Counted> entry = counted(point, *hw);
  Report report = entry->header;
  set_report_chip(report, *hw);
  report.variants.push_back(cost_analytic(entry->counts, *hw));
  return report;
}

}  // namespace neurokv::sweep
