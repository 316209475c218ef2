#include "study/sweep_spec.hpp"

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
  const sweep::ShardMerge shards(shard_dirs);
  SweepMerge merge{nullptr, shards.rows(), shards.infeasible()};
  Diagnostics notes;
  merge.lock = std::make_unique<sweep::OutputLock>(out, notes);
  for (const Diagnostic& note : notes) now(note);
  shards.write(out);
  return merge;
}

}  // namespace neurokv::study
