#pragma once
// What a wave of the schedule mostly waited for, from its busiest NP's compute cycles, its longest route's
// cycles and the cycles streaming its DRAM bytes took: the analytic estimator and the transaction model's
// sequencer name every wave's bound by this one rule.
namespace neurokv {

inline const char* wave_bound(double compute, double route, double dram) {
  if (dram > compute + route) return "dram";
  return route > compute ? "noc" : "compute";
}

}  // namespace neurokv
