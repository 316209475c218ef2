#pragma once
// Helpers the sweep library's tests share: temporary folders, a fake evaluator whose figures are simple
// functions of the point, a run through the runner, a plan from spec text.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sweep/runner.hpp"

namespace neurokv::test {

inline const std::string kModels = std::string(NEUROKV_SOURCE_DIR) + "/models";
inline const std::string kHw = std::string(NEUROKV_SOURCE_DIR) + "/hwconfigs";

inline std::string temp_dir(const std::string& name) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("neurokv-test-sweep-" + std::to_string(getpid()) + "-" + name))
                              .string();
  std::filesystem::remove_all(dir);
  return dir;
}

// A report whose figures are simple functions of the point, so rows differ and Pareto has work to do.
inline Report fake_report(const sweep::SweepPlan& plan, const sweep::SweepPoint& p) {
  Report r;
  r.model.name = plan.model(p.model).name;
  r.hw_name = "fake";
  r.fidelity = "analytic";
  r.context = p.context;
  VariantReport v;
  v.variant = plan.variants(p.model)[static_cast<std::size_t>(p.variant)].name();
  v.kv_heads = plan.variants(p.model)[static_cast<std::size_t>(p.variant)].kv_heads();
  v.kv_cache_bytes = p.context * v.kv_heads * 1024;
  v.decode.latency_s = 1e-3 * 25.6e9 / p.grid_values[0] + 1e-5 * (p.variant % 3);
  v.decode.energy.dram = 1e-3 * p.grid_values[1] / 8 + 1e-6 * p.variant;
  v.decode.bound = "dram";
  v.memory.kv_location = "dram";
  r.variants.push_back(v);
  return r;
}

inline sweep::RunOutcome run(const sweep::SweepPlan& plan, const std::string& dir, int jobs,
                             const std::string& shard = "1/1") {
  sweep::RunOptions options;
  options.jobs = jobs;
  options.shard = sweep::Shard::parse(shard);
  return sweep::run_sweep(
      plan, dir, [&plan](const sweep::SweepPoint& p) { return fake_report(plan, p); }, options);
}

inline sweep::SweepPlan plan_of(const std::string& spec_text) {
  return sweep::SweepPlan::load(sweep::parse_spec(spec_text, "spec.yaml"), kModels, kHw);
}

inline int rows_in(const std::string& csv_path) {
  std::ifstream in(csv_path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines - 1;
}

}  // namespace neurokv::test
