#include "sweep/compile_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace neurokv::sweep {

bool cost_only_key(const std::string& key) {
  static const std::vector<std::string> keys{"clock_hz",
                                             "dram.bandwidth_bytes_per_s",
                                             "dram.latency_ns",
                                             "dram.burst_bytes",
                                             "np.mac_lanes",
                                             "noc.hop_latency_cycles",
                                             "noc.link_bytes_per_cycle",
                                             "noc.event_bytes",
                                             "softmax.elements_per_cycle"};
  return key.rfind("energy.", 0) == 0 || std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::shared_ptr<const CompileResult> CompileCache::compiled(const SweepPoint& point, const HwConfig& hw) {
  std::string key = fmt::format("{}|{}|{}", point.model, point.variant, point.context);
  const auto& axes = plan_.spec().grid;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    if (!std::all_of(axes[a].keys.begin(), axes[a].keys.end(), cost_only_key)) {
      key += fmt::format("|{}", point.grid_values[a]);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto hit = programs_.find(key);
    if (hit != programs_.end()) return hit->second;
  }
  const EvaluateOptions options = plan_.options_at(point);
  auto result = std::make_shared<const CompileResult>(
      compile(plan_.model(point.model), plan_.variants(point.model)[static_cast<std::size_t>(point.variant)],
              hw, options.compile));
  std::lock_guard<std::mutex> lock(mutex_);
  if (programs_.emplace(key, result).second) {
    order_.push_back(key);
    if (order_.size() > capacity_) {
      programs_.erase(order_.front());
      order_.pop_front();
    }
  }
  return result;
}

Report CompileCache::evaluate(const SweepPoint& point) {
  const std::shared_ptr<const HwConfig> hw = plan_.hw_at(point);
  const std::shared_ptr<const CompileResult> result = compiled(point, *hw);
  return evaluate_compiled({&result->program}, *hw, plan_.options_at(point));
}

}  // namespace neurokv::sweep
