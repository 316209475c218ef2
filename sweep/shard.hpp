#pragma once
// Sharding a sweep over machines: shard K of N takes the points whose index % N == K - 1, so N shards are
// disjoint and cover the sweep; merge joins their results and proves nothing is missing or run twice.
#include <cstdint>
#include <string>
#include <vector>

#include "sweep/results.hpp"

namespace neurokv::sweep {

struct Shard {
  int k = 1;  // 1-based, as Slurm's array task ids and GNU parallel's {#} count
  int n = 1;

  static Shard parse(const std::string& text);  // "K/N"; InputError otherwise
  bool whole() const { return n == 1; }
  bool contains(int64_t point) const { return point % n == k - 1; }
  std::string text() const;
};

// The whole sweep's results from its shards' (in any order), their rows moved, not copied: a large sweep's
// rows are held once. InputError when the shards come from different specs, or when a point is missing
// (naming the indices) or appears twice.
SweepResults merge_results(std::vector<SweepResults> shards);

}  // namespace neurokv::sweep
