#pragma once
// Independent items of work run side by side, one worker per core: the variants of `neurokv run` and
// `estimate`, a sweep's points.
#include <cstddef>
#include <thread>
#include <vector>

namespace neurokv {

// Runs `work` on `workers` threads, the caller's among them, and returns once every one has returned. `work`
// takes its items from a counter it shares, so a worker that finishes early takes the next; it must not
// throw.
template <typename Work>
void side_by_side(std::size_t workers, const Work& work) {
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
}

}  // namespace neurokv
