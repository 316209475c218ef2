#include "study/sweep_spec.hpp"

#include <utility>

#include "study/data_dir.hpp"
#include "sweep/compile_cache.hpp"
#include "sweep/shard.hpp"

namespace neurokv::study {

SweepRun run_sweep_spec(const std::string& spec_path, const std::string& shard, const std::string& out,
                        sweep::RunOptions options, const DiagnosticSink& now) {
  const sweep::SweepPlan plan =
      sweep::SweepPlan::load(sweep::load_spec(spec_path), data_dir("models"), data_dir("hwconfigs"),
                             sweep::neurokv_version(), options.jobs);
  options.shard = sweep::Shard::parse(shard);
  sweep::CompileCache cache(plan);
  SweepRun run;
  Diagnostics notes;
  run.lock = std::make_unique<sweep::OutputLock>(out, notes);
  for (const Diagnostic& note : notes) now(note);
  run.outcome = sweep::run_sweep(
      plan, out, [&cache](const sweep::SweepPoint& point) { return cache.evaluate(point); }, options);
  return run;
}

SweepMerge merge_sweep_shards(const std::vector<std::string>& shard_dirs, const std::string& out,
                              const DiagnosticSink& now) {
  std::vector<sweep::SweepResults> shards;
  for (const std::string& dir : shard_dirs) shards.push_back(sweep::read_results(dir));
  SweepMerge merge{nullptr, sweep::merge_results(std::move(shards))};
  Diagnostics notes;
  merge.lock = std::make_unique<sweep::OutputLock>(out, notes);
  for (const Diagnostic& note : notes) now(note);
  sweep::write_results(out, merge.results);
  return merge;
}

}  // namespace neurokv::study
