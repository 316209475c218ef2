#include "sweep/pareto.hpp"

#include <map>
#include <utility>

namespace neurokv::sweep {
namespace {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    better = better || a[k] < b[k];
  }
  return better;
}

}  // namespace

const std::vector<std::string>& pareto_objectives() {
  static const std::vector<std::string> names{"decode_energy_j", "decode_latency_s", "kv_cache_bytes"};
  return names;
}

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives) {
  std::vector<bool> front(objectives.size(), true);
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    for (std::size_t j = 0; j < objectives.size() && front[i]; ++j) {
      if (j != i && dominates(objectives[j], objectives[i])) front[i] = false;
    }
  }
  return front;
}

std::vector<bool> pareto_rows(const std::vector<std::string>& columns, const std::vector<SweepRow>& rows) {
  // Row values start after "point".
  const std::size_t model = column_index(columns, "model") - 1;
  const std::size_t context = column_index(columns, "context") - 1;
  std::vector<std::size_t> objective;
  for (const std::string& name : pareto_objectives()) objective.push_back(column_index(columns, name) - 1);

  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
  // Infeasible rows have no figures and are on no front.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (feasible(columns, rows[i])) groups[{rows[i].values[model], rows[i].values[context]}].push_back(i);
  }
  std::vector<bool> out(rows.size(), false);
  for (const auto& group : groups) {
    std::vector<std::vector<double>> values;
    for (std::size_t i : group.second) {
      std::vector<double> v;
      for (std::size_t k : objective) v.push_back(std::stod(rows[i].values[k]));
      values.push_back(v);
    }
    const std::vector<bool> front = pareto_front(values);
    for (std::size_t n = 0; n < group.second.size(); ++n) out[group.second[n]] = front[n];
  }
  return out;
}

}  // namespace neurokv::sweep
