#include "simulator/energy_model.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv {

constexpr double kPico = 1e-12;

EnergyBreakdown EnergyModel::price(const ActionCounts& counts, double seconds) const {
  EnergyBreakdown e;
  for (const auto& [bits, macs] : counts.macs_by_bits) {
    const auto it = table_.mac_pj.find(bits);
    if (it == table_.mac_pj.end()) {
      throw InputError(fmt::format("the energy table has no MAC energy for {}-bit weights", bits));
    }
    e.mac += macs * it->second * kPico;
  }
  e.sram = (counts.sram_read_bytes * table_.sram_read_pj_per_byte +
            counts.sram_write_bytes * table_.sram_write_pj_per_byte) *
           kPico;
  e.noc = counts.noc_hop_bytes * table_.noc_pj_per_hop_byte * kPico;
  e.dram = counts.dram_bytes * table_.dram_pj_per_byte * kPico;
  e.event = (counts.events * table_.event_pj + counts.event_filter_updates * table_.event_filter_pj) * kPico;
  e.softmax = counts.softmax_elements * table_.softmax_pj_per_element * kPico;
  e.static_ = power_.chip_w() * seconds;
  e.dram_static = power_.dram_w * seconds;
  return e;
}

}  // namespace neurokv
