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

// A sweep's shards (in any order) read for merging, each as its results' text, and checked: InputError when
// the shards come from different specs or builds, or when a point is missing (naming the indices) or
// appears twice. The rows are parsed to check them and to find the Pareto front, then again one at a time
// as they are written, never all held at once: a merge holds its shards' results.csv text, a few dozen bytes
// a row beside it.
class ShardMerge {
 public:
  explicit ShardMerge(const std::vector<std::string>& dirs);

  const SweepResults& header() const { return header_; }  // the merged results', without rows
  std::size_t rows() const { return order_.size(); }
  int64_t infeasible() const { return infeasible_; }  // rows whose model does not fit its chip
  // The merged results.csv and results.json in `dir`, as write_results writes them.
  void write(const std::string& dir) const;

 private:
  struct Place {
    int64_t point;
    uint32_t shard, row;  // in shards_, and its row there
  };
  std::vector<ResultsText> shards_;
  SweepResults header_;
  std::vector<Place> order_;  // by point
  std::vector<bool> pareto_;  // by point
  int64_t infeasible_ = 0;
};

}  // namespace neurokv::sweep
