#pragma once
// Pareto optimality: a point is on the front when no other point is at least as good in every objective and
// better in one. All objectives are minimised.
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sweep/table.hpp"

namespace neurokv::sweep {

// objectives[i]: point i's values, the same count (at most 3) for every point. O(n log n).
std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives);

// The sweep's front: energy per token, latency per token and KV-cache bytes, compared among rows of the same
// model and context (a shorter context is cheaper, not better designed).
std::vector<bool> pareto_rows(const std::vector<std::string>& columns, const std::vector<SweepRow>& rows);

// The same, fed one row at a time and keeping only each row's group and objectives (32 bytes), for results
// too large to hold.
class ParetoTable {
 public:
  // `rows`: how many rows set() will place; add() appends after them.
  explicit ParetoTable(const std::vector<std::string>& columns, std::size_t rows = 0);
  void add(const SweepRow& row) { set(items_.size(), row); }
  // Row `index`'s objectives, for rows that arrive out of order (a sweep's workers, a resumed journal).
  void set(std::size_t index, const SweepRow& row);
  std::vector<bool> front() const;  // one flag per row, in index order; a row never set is on no front

 private:
  struct Item {
    int group;  // -1: infeasible, on no front
    std::array<double, 3> objectives;
  };
  RowFlags flags_;
  std::size_t model_, context_;
  std::array<std::size_t, 3> objective_;
  std::map<std::pair<std::string, std::string>, int> groups_;
  std::vector<Item> items_;
};

// The objectives pareto_rows compares, by column name.
const std::vector<std::string>& pareto_objectives();

}  // namespace neurokv::sweep
