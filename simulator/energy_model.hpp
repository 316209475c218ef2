#pragma once
// Turns counted actions into joules with the chip's energy table; static power × time is its own line.
#include <array>
#include <utility>

#include "compiler/config/hw_config.hpp"
#include "simulator/action_counts.hpp"

namespace neurokv {

struct EnergyBreakdown {
  double mac = 0, sram = 0, noc = 0, dram = 0, event = 0, softmax = 0, static_ = 0;  // joules

  // The lines, listed once, with their report names: total, +=, the simulator's wire format, JSON and CSV.
  static constexpr std::array<std::pair<const char*, double EnergyBreakdown::*>, 7> fields() {
    return {{{"mac", &EnergyBreakdown::mac},
             {"sram", &EnergyBreakdown::sram},
             {"noc", &EnergyBreakdown::noc},
             {"dram", &EnergyBreakdown::dram},
             {"event", &EnergyBreakdown::event},
             {"softmax", &EnergyBreakdown::softmax},
             {"static", &EnergyBreakdown::static_}}};
  }
  double total() const {
    double sum = 0;
    for (const auto& [name, field] : fields()) sum += this->*field;
    return sum;
  }
  EnergyBreakdown& operator+=(const EnergyBreakdown& o) {
    for (const auto& [name, field] : fields()) this->*field += o.*field;
    return *this;
  }
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
