#pragma once
// What a phase added up to, by decoder layer, and the PhaseReport it makes: one report builder for both
// fidelities (the analytic estimator's closed-form waves and the simulator's simulated ones fill it).
#include <map>
#include <string>
#include <vector>

#include "compiler/config/hw_config.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/report.hpp"
#include "simulator/static_power.hpp"
#include "simulator/work.hpp"

namespace neurokv {

struct PhaseTotals {
  std::vector<ActionCounts> layer_counts;  // slot 0: ops outside the blocks; slot l + 1: layer l
  std::vector<double> layer_cycles;
  std::map<std::string, double> cycles_by_bound;  // "compute", "dram", "noc"
  double uncontended_cycles = 0;                  // analytic: the waves with no resource shared

  PhaseTotals() = default;
  explicit PhaseTotals(int layers)
      : layer_counts(static_cast<size_t>(layers + 1)), layer_cycles(layer_counts.size()) {}
  // Cycles only, the action counts kept elsewhere (the report() below with `counts`).
  static PhaseTotals cycles_only(int layers);
  PhaseTotals& operator+=(const PhaseTotals& o);
  // Every count and cycle figure × f (a mean over tokens).
  void scale(double f);
  double cycles() const;
  // Energy is priced per layer (dynamic counts + static power over the layer's cycles) and summed.
  PhaseReport report(const Phase& phase, const HwConfig& hw, const StaticPower& power,
                     std::vector<LayerCost>* layers) const {
    return report(phase, hw, power, layers, layer_counts, sum_slots(layer_counts));
  }
  // The same with the action counts kept elsewhere (the analytic estimator's counted program: a sweep costs
  // them at each of its chips without a copy per point); `counts` has a slot per layer_cycles slot and
  // `total` is sum_slots(counts), summed once per counted phase.
  PhaseReport report(const Phase& phase, const HwConfig& hw, const StaticPower& power,
                     std::vector<LayerCost>* layers, const std::vector<ActionCounts>& counts,
                     const ActionCounts& total) const;
};

}  // namespace neurokv
