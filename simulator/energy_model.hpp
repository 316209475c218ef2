#pragma once
// Turns counted actions into joules with the chip's energy table; static power × time (the chip's powered
// blocks, the DRAM's background) is its own lines.
#include <array>
#include <utility>

#include "compiler/config/hw_config.hpp"
#include "simulator/action_counts.hpp"
#include "simulator/static_power.hpp"

namespace neurokv {

struct EnergyBreakdown {
  double mac = 0, sram = 0, noc = 0, dram = 0, event = 0, softmax = 0;  // dynamic, joules
  double static_ = 0;      // the chip's powered NPs, routers and uncore over the time
  double dram_static = 0;  // the DRAM's background and refresh (or self-refresh) over the time

  // The lines, listed once, with their report names: total, +=, the simulator's wire format, JSON and CSV.
  static constexpr std::array<std::pair<const char*, double EnergyBreakdown::*>, 8> fields() {
    return {{{"mac", &EnergyBreakdown::mac},
             {"sram", &EnergyBreakdown::sram},
             {"noc", &EnergyBreakdown::noc},
             {"dram", &EnergyBreakdown::dram},
             {"event", &EnergyBreakdown::event},
             {"softmax", &EnergyBreakdown::softmax},
             {"static", &EnergyBreakdown::static_},
             {"dram_static", &EnergyBreakdown::dram_static}}};
  }
  double static_total() const { return static_ + dram_static; }
  double dynamic() const { return total() - static_total(); }
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
  // Holds `table` by reference (a sweep prices every point with it): it must outlive the model.
  EnergyModel(const EnergyTable& table, const StaticPower& power) : table_(table), power_(power) {}
  // Dynamic energy of `counts` plus the static power of what is powered over `seconds`.
  EnergyBreakdown price(const ActionCounts& counts, double seconds) const;

 private:
  const EnergyTable& table_;
  StaticPower power_;
};

}  // namespace neurokv
