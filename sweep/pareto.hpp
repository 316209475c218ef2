#pragma once
// Pareto optimality: a point is on the front when no other point is at least as good in every objective and
// better in one. All objectives are minimised.
#include <vector>

#include "sweep/table.hpp"

namespace neurokv::sweep {

// objectives[i]: point i's values, the same count for every point.
std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives);

// The sweep's front: energy per token, latency per token and KV-cache bytes, compared among rows of the same
// model and context (a shorter context is cheaper, not better designed).
std::vector<bool> pareto_rows(const std::vector<std::string>& columns, const std::vector<SweepRow>& rows);

// The objectives pareto_rows compares, by column name.
const std::vector<std::string>& pareto_objectives();

}  // namespace neurokv::sweep
