#include "simulator/phase_totals.hpp"

#include "simulator/energy_model.hpp"

namespace neurokv {

PhaseTotals PhaseTotals::cycles_only(int layers) {
  PhaseTotals totals;
  totals.layer_cycles.assign(static_cast<size_t>(layers + 1), 0.0);
  return totals;
}

PhaseTotals& PhaseTotals::operator+=(const PhaseTotals& o) {
  for (size_t i = 0; i < layer_counts.size(); ++i) {
    layer_counts[i] += o.layer_counts.at(i);
    layer_cycles[i] += o.layer_cycles.at(i);
  }
  for (const auto& [bound, cycles] : o.cycles_by_bound) cycles_by_bound[bound] += cycles;
  uncontended_cycles += o.uncontended_cycles;
  return *this;
}

void PhaseTotals::scale(double f) {
  for (size_t i = 0; i < layer_counts.size(); ++i) {
    layer_counts[i] *= f;
    layer_cycles[i] *= f;
  }
  for (auto& [bound, cycles] : cycles_by_bound) cycles *= f;
  uncontended_cycles *= f;
}

double PhaseTotals::cycles() const {
  double total = 0;
  for (double c : layer_cycles) total += c;
  return total;
}

PhaseReport PhaseTotals::report(const Phase& phase, const HwConfig& hw, const StaticPower& power,
                                std::vector<LayerCost>* layers, const std::vector<ActionCounts>& counts,
                                const ActionCounts& total) const {
  const EnergyModel energy(hw.energy, power);
  PhaseReport report;
  if (layers) layers->reserve(layers->size() + counts.size());
  for (size_t slot = 0; slot < counts.size(); ++slot) {
    const EnergyBreakdown layer_energy = energy.price(counts[slot], layer_cycles.at(slot) / hw.clock_hz);
    report.energy += layer_energy;
    if (layers) layers->push_back({static_cast<int>(slot) - 1, layer_cycles[slot], layer_energy});
  }
  report.macs = total.dense_macs;
  report.synaptic_ops = total.synaptic_ops();
  report.events = total.events;
  report.sram_bytes = total.sram_read_bytes + total.sram_write_bytes;
  report.dram_bytes = total.dram_bytes;
  report.noc_hop_bytes = total.noc_hop_bytes;
  report.cycles = cycles();
  report.uncontended_cycles = uncontended_cycles;
  report.chunk_tokens = phase.kind == Phase::Kind::Prefill ? phase.chunk : 0;
  report.bound = "compute";
  double bound_max = 0;
  for (const auto& [bound, bound_cycles] : cycles_by_bound) {
    if (bound_cycles > bound_max) {
      bound_max = bound_cycles;
      report.bound = bound;
    }
  }
  report.latency_s = report.cycles / hw.clock_hz;
  report.tokens_per_s = report.latency_s > 0 ? static_cast<double>(phase.tokens) / report.latency_s : 0;
  report.activation_sparsity =
      total.activations_offered > 0 ? 1.0 - total.events / total.activations_offered : 0;
  return report;
}

}  // namespace neurokv
