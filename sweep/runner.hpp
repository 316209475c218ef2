#pragma once
// Runs a sweep into an output directory: points are evaluated on worker threads, each finished row goes to
// the journal at once, and when every point of the shard is done the results are written. A stop request
// (Ctrl-C) lets in-flight points finish and be journaled, and takes no new ones; --resume picks up from the
// journal.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "compiler/support/diagnostic.hpp"
#include "simulator/report.hpp"
#include "sweep/journal.hpp"
#include "sweep/plan.hpp"
#include "sweep/shard.hpp"

namespace neurokv::sweep {

// Costs one point: a report with exactly the point's variant. Called from several threads at once.
using PointEvaluator = std::function<Report(const SweepPoint&)>;

struct Progress {
  int64_t done = 0;     // of this shard, resumed points included
  int64_t total = 0;    // points in this shard
  int64_t resumed = 0;  // of `done`, read from the journal (not timed)
  double elapsed_s = 0;
  bool writing_results = false;  // every point is done; the results are being written (a while, for millions)
};

struct RunOptions {
  int jobs = 1;
  Shard shard;
  bool resume = false;
  const std::atomic<bool>* stop = nullptr;           // set asynchronously to stop taking points
  std::function<void(const Progress&)> on_progress;  // after each point, serialised; may be empty
  WriteFn journal_write = nullptr;                   // tests inject a failing write; nullptr: ::write
};

struct RunOutcome {
  bool complete = false;  // every point of the shard is done and the results are written
  Progress progress;
  int64_t infeasible = 0;  // rows whose model does not fit their chip, when complete
  // A note for a journal row --resume cut off (torn by a crash or a full disk); when complete, a warning for
  // rows whose context is past their model's learned positions.
  Diagnostics diagnostics;
};

// The journal is DIR/journal.csv; results DIR/results.{csv,json}, written from the journal in point order
// (memory: a few dozen bytes a point, not the rows). The first error a worker throws stops the run and is
// rethrown once the other workers have finished their points.
RunOutcome run_sweep(const SweepPlan& plan, const std::string& dir, const PointEvaluator& evaluate,
                     const RunOptions& options);

}  // namespace neurokv::sweep
