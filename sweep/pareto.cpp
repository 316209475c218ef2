#include "sweep/pareto.hpp"

#include <algorithm>
#include <numeric>

#include "compiler/support/error.hpp"

namespace neurokv::sweep {
namespace {

using Point3 = std::array<double, 3>;

// Sorted lexicographically, every point's dominators come before it; a point is dominated exactly when an
// earlier, different point is no worse in the last two objectives. A staircase (second objective up, third
// strictly down) answers that in O(log n).
std::vector<bool> front_of(const std::vector<Point3>& points) {
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return points[a] < points[b]; });
  std::map<double, double> stairs;
  std::vector<bool> front(points.size(), false);
  for (std::size_t run = 0; run < order.size();) {
    const Point3& p = points[order[run]];
    std::size_t end = run;  // identical points do not dominate each other
    while (end < order.size() && points[order[end]] == p) ++end;
    auto below = stairs.upper_bound(p[1]);
    const bool dominated = below != stairs.begin() && std::prev(below)->second <= p[2];
    for (std::size_t i = run; i < end; ++i) front[order[i]] = !dominated;
    if (!dominated) {
      auto at = stairs.insert_or_assign(p[1], p[2]).first;
      for (auto next = std::next(at); next != stairs.end() && next->second >= p[2];)
        next = stairs.erase(next);
    }
    run = end;
  }
  return front;
}

}  // namespace

const std::vector<std::string>& pareto_objectives() {
  static const std::vector<std::string> names{"decode_energy_j", "decode_latency_s", "kv_cache_bytes"};
  return names;
}

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives) {
  std::vector<Point3> points;
  for (const std::vector<double>& o : objectives) {
    if (o.size() > 3) throw RunError("pareto_front: more than 3 objectives");
    Point3 p{0, 0, 0};
    std::copy(o.begin(), o.end(), p.begin());
    points.push_back(p);
  }
  return front_of(points);
}

ParetoTable::ParetoTable(const std::vector<std::string>& columns, std::size_t rows)
    : flags_(columns),
      // Row values start after "point".
      model_(column_index(columns, "model") - 1),
      context_(column_index(columns, "context") - 1) {
  for (std::size_t k = 0; k < objective_.size(); ++k)
    objective_[k] = column_index(columns, pareto_objectives()[k]) - 1;
  items_.resize(rows, Item{-1, {0, 0, 0}});
}

void ParetoTable::set(std::size_t index, const SweepRow& row) {
  Item item{-1, {0, 0, 0}};
  // Infeasible rows have no figures and are on no front.
  if (flags_.feasible(row)) {
    auto key = std::make_pair(row.values[model_], row.values[context_]);
    auto group = groups_.find(key);  // before emplace, which would make a node for every row
    if (group == groups_.end())
      group = groups_.emplace(std::move(key), static_cast<int>(groups_.size())).first;
    item.group = group->second;
    // A sweep sets its rows under its runner's lock: stod (strtod's slow path) only where from_chars cannot
    // read a figure.
    for (std::size_t k = 0; k < objective_.size(); ++k) {
      const std::string& figure = row.values[objective_[k]];
      if (!read_plain_number(figure, item.objectives[k])) item.objectives[k] = std::stod(figure);
    }
  }
  if (index >= items_.size()) items_.resize(index + 1, Item{-1, {0, 0, 0}});
  items_[index] = item;
}

std::vector<bool> ParetoTable::front() const {
  std::vector<bool> out(items_.size(), false);
  // Each group's members are counted first: its vectors are allocated once, not grown (fresh pages fault at
  // 13-20 µs each on the KVM guest of docs/performance.md, and a sweep's groups hold 10^5 rows).
  std::vector<std::size_t> sizes(groups_.size(), 0);
  for (const Item& item : items_) {
    if (item.group >= 0) ++sizes[static_cast<std::size_t>(item.group)];
  }
  for (int group = 0; group < static_cast<int>(groups_.size()); ++group) {
    std::vector<std::size_t> members;
    std::vector<Point3> points;
    members.reserve(sizes[static_cast<std::size_t>(group)]);
    points.reserve(sizes[static_cast<std::size_t>(group)]);
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].group != group) continue;
      members.push_back(i);
      points.push_back(items_[i].objectives);
    }
    const std::vector<bool> front = front_of(points);
    for (std::size_t n = 0; n < members.size(); ++n) out[members[n]] = front[n];
  }
  return out;
}

std::vector<bool> pareto_rows(const std::vector<std::string>& columns, const std::vector<SweepRow>& rows) {
  ParetoTable table(columns);
  for (const SweepRow& row : rows) table.add(row);
  return table.front();
}

}  // namespace neurokv::sweep
