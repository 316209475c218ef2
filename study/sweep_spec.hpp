#pragma once
// `neurokv sweep SPEC --out DIR`: a sweep spec's grid run into an output folder, its models and chips looked
// up as a study's are (study/data_dir.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "study/study.hpp"
#include "sweep/output_lock.hpp"
#include "sweep/results.hpp"
#include "sweep/runner.hpp"

namespace neurokv::study {

struct SweepRun {
  std::unique_ptr<sweep::OutputLock> lock;  // the output folder's, held until the caller is done with it
  sweep::RunOutcome outcome;
};

// Loads the spec at `spec_path`, then reads `shard` ("K/N") into the options (a bad spec is named before a
// bad shard), locks `out` (a dead run's lock taken over: a note to `now`) and runs the sweep's points
// (sweep/runner.hpp) through a compile cache.
SweepRun run_sweep_spec(const std::string& spec_path, const std::string& shard, const std::string& out,
                        sweep::RunOptions options, const DiagnosticSink& now);

struct SweepMerge {
  std::unique_ptr<sweep::OutputLock> lock;  // the output folder's, held until the caller is done with it
  std::size_t points = 0;                   // rows merged
  int64_t infeasible = 0;                   // of them, points whose model does not fit its chip
};

// `neurokv sweep merge DIRS --out OUT`: the shards' results read and checked (sweep/shard.hpp; InputError
// for a missing, duplicated or foreign shard), then merged into `out` under its lock.
SweepMerge merge_sweep_shards(const std::vector<std::string>& shard_dirs, const std::string& out,
                              const DiagnosticSink& now);

}  // namespace neurokv::study
