#pragma once
// Turns counted actions into joules with the chip's energy table; static power × time is its own line.
#include "compiler/hw_config.hpp"
#include "simulator/action_counts.hpp"

namespace neurokv {

struct EnergyBreakdown {
  double mac = 0, sram = 0, noc = 0, dram = 0, event = 0, softmax = 0, static_ = 0;  // joules
  double total() const { return mac + sram + noc + dram + event + softmax + static_; }
  EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

class EnergyModel {
 public:
  explicit EnergyModel(const EnergyTable& table) : table_(table) {}
  // Dynamic energy of `counts` plus static power over `seconds`.
  EnergyBreakdown price(const ActionCounts& counts, double seconds) const;

 private:
  EnergyTable table_;
};

}  // namespace neurokv
