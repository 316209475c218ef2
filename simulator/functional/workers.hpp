#pragma once
// The threads an execution splits an op's independent parts over (a Linear's blocks of output channels,
// attention's heads), as the chip runs its NPs side by side. A persistent pool (oneTBB's, shared by every
// Workers of the process, so several executions at once do not oversubscribe the cores): a decode step runs
// ~150 Linears, too many to start threads for each. Every part writes outputs no other part writes, and each
// output's sum runs in the order one thread runs it, so an execution gives the same bytes for any number of
// threads (docs/executor.md "Threads").
#include <cstdint>
#include <functional>
#include <memory>

namespace neurokv::functional {

// The most threads a Workers takes: more than any machine this runs on has cores, few enough that a typo's
// 10^9 is refused rather than given an arena of as many slots.
inline constexpr int kMaxThreads = 1024;

class Workers {
 public:
  // At most `threads` parts run side by side. Throws InputError outside [1, kMaxThreads].
  explicit Workers(int threads = 1);

  int threads() const { return threads_; }
  // Runs part(begin, end) on consecutive ranges that cover [0, count) (a few per thread), side by side, and
  // returns when every one has run. The ranges depend on count and threads() alone; which thread runs one
  // does not.
  void split(int64_t count, const std::function<void(int64_t, int64_t)>& part) const;

 private:
  struct Arena;
  int threads_;
  std::shared_ptr<Arena> arena_;  // nullptr for one thread: the caller runs the one part itself
};

}  // namespace neurokv::functional
