#pragma once
// What the hardware did, counted; the EnergyModel prices it. Doubles, because analytic counts are expectations.
#include <map>

namespace neurokv {

struct ActionCounts {
  std::map<int, double> macs_by_bits;  // synaptic operations actually performed, by weight bit width
  double dense_macs = 0;               // MACs a dense (non-event) engine would do
  double events = 0;                   // non-zero activations delivered to NPs
  double activations_offered = 0;      // activations at op inputs, zero or not (for activation sparsity)
  double sram_read_bytes = 0;
  double sram_write_bytes = 0;
  double noc_hop_bytes = 0;            // bytes × links crossed
  double dram_bytes = 0;
  double softmax_elements = 0;

  double synaptic_ops() const {
    double total = 0;
    for (const auto& [bits, count] : macs_by_bits) total += count;
    return total;
  }

  ActionCounts& operator+=(const ActionCounts& o) {
    for (const auto& [bits, count] : o.macs_by_bits) macs_by_bits[bits] += count;
    dense_macs += o.dense_macs;
    events += o.events;
    activations_offered += o.activations_offered;
    sram_read_bytes += o.sram_read_bytes;
    sram_write_bytes += o.sram_write_bytes;
    noc_hop_bytes += o.noc_hop_bytes;
    dram_bytes += o.dram_bytes;
    softmax_elements += o.softmax_elements;
    return *this;
  }
};

}  // namespace neurokv
