#pragma once
// What the hardware did, counted; the EnergyModel prices it. Doubles, because analytic counts are
// expectations.
#include <array>
#include <map>
#include <vector>

namespace neurokv {

struct ActionCounts {
  std::map<int, double> macs_by_bits;  // synaptic operations actually performed, by weight bit width
  double dense_macs = 0;               // MACs a dense (non-event) engine would do
  double events = 0;                   // non-zero activations delivered to NPs
  double activations_offered = 0;      // activations at op inputs, zero or not (for activation sparsity)
  double sram_read_bytes = 0;
  double sram_write_bytes = 0;
  double noc_hop_bytes = 0;  // bytes × links crossed
  double dram_bytes = 0;
  double softmax_elements = 0;
  double event_filter_updates = 0;  // CNN frames: input events (every input value on the HRC) × filters

  // Every count but macs_by_bits, listed once: adding, scaling (phase_totals.cpp) and the tests go through
  // it.
  static constexpr std::array<double ActionCounts::*, 9> scalar_fields() {
    return {
        &ActionCounts::dense_macs,      &ActionCounts::events,           &ActionCounts::activations_offered,
        &ActionCounts::sram_read_bytes, &ActionCounts::sram_write_bytes, &ActionCounts::noc_hop_bytes,
        &ActionCounts::dram_bytes,      &ActionCounts::softmax_elements, &ActionCounts::event_filter_updates};
  }

  double synaptic_ops() const {
    double total = 0;
    for (const auto& [bits, count] : macs_by_bits) total += count;
    return total;
  }

  ActionCounts& operator+=(const ActionCounts& o) {
    for (const auto& [bits, count] : o.macs_by_bits) macs_by_bits[bits] += count;
    for (double ActionCounts::*field : scalar_fields()) this->*field += o.*field;
    return *this;
  }

  ActionCounts& operator*=(double f) {
    for (auto& [bits, count] : macs_by_bits) count *= f;
    for (double ActionCounts::*field : scalar_fields()) this->*field *= f;
    return *this;
  }
};

// The counts of every slot added up in slot order (the order fixes the rounding of the phase's totals).
inline ActionCounts sum_slots(const std::vector<ActionCounts>& slots) {
  ActionCounts total;
  for (const ActionCounts& slot : slots) total += slot;
  return total;
}

}  // namespace neurokv
