#pragma once
// What a wave of the schedule mostly waited for, from its busiest NP's compute cycles, its longest route's
// cycles and the cycles streaming its DRAM bytes took: the analytic estimator and the transaction model's
// sequencer name every wave's bound by this one rule.
#include <array>
#include <cstddef>

namespace neurokv {

// The bounds' names, in the order a std::map of them iterates.
inline constexpr std::array<const char*, 3> kWaveBounds{"compute", "dram", "noc"};

// The bound as an index into kWaveBounds.
inline std::size_t wave_bound_index(double compute, double route, double dram) {
  if (dram > compute + route) return 1;
  return route > compute ? 2 : 0;
}

inline const char* wave_bound(double compute, double route, double dram) {
  return kWaveBounds[wave_bound_index(compute, route, dram)];
}

}  // namespace neurokv
