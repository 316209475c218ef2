#include "simulator/functional/workers.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>

#include "compiler/support/cores.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::functional {
namespace {

// Ranges per thread in split(): enough that a thread left waiting for a preempted peer finds work,
// few enough that each range still streams a few blocks of weights (docs/executor.md "Threads").
constexpr int64_t kRangesPerThread = 4;

}  // namespace

// The caller's thread and up to threads − 1 of the pool's workers, no more than the cores: more threads than
// cores would only take turns (and oneTBB warns on stderr when asked for more workers than it keeps). The
// ranges split() makes are threads'; the arena only runs them.
struct Workers::Arena {
  explicit Arena(int threads) : arena(std::min(threads, static_cast<int>(cores()))) {}
  tbb::task_arena arena;
};

Workers::Workers(int threads) : threads_(threads) {
  if (threads < 1 || threads > kMaxThreads)
    throw InputError(fmt::format("threads: {}, expected 1 to {}", threads, kMaxThreads));
  if (threads > 1) arena_ = std::make_shared<Arena>(threads);
}

void Workers::split(int64_t count, const std::function<void(int64_t, int64_t)>& part) const {
  if (count <= 0) return;
  // kRangesPerThread ranges a thread, each a task: a thread that finishes early (or whose peer the host has
  // preempted, on a shared machine) takes the ranges left. The bounds are fixed by count and threads,
  // whichever thread takes a task.
  const int64_t ranges = std::min<int64_t>(int64_t{threads_} * kRangesPerThread, count);
  if (threads_ == 1 || ranges == 1) {
    part(0, count);
    return;
  }
  arena_->arena.execute([&] {
    tbb::parallel_for(
        int64_t{0}, ranges, [&](int64_t k) { part(count * k / ranges, count * (k + 1) / ranges); },
        tbb::simple_partitioner());
  });
}

}  // namespace neurokv::functional
