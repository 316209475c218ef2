#include "simulator/analytic_estimator.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "simulator/phase_totals.hpp"
#include "simulator/wave_bound.hpp"

namespace neurokv {
namespace {

struct WaveTime {
  double compute = 0;    // the busiest NP's compute
  double route = 0;      // the longest route, alone on its links
  double link = 0;       // the busiest link: every byte the wave's routes put on it, one after another
  double dram = 0;       // streaming the wave's DRAM bytes (whole bursts) + latency
  double dram_tail = 0;  // compute left on the NP whose DRAM read the channel serves last
  double noc() const { return std::max(route, link); }
  double dram_serial() const { return dram > 0 ? dram + dram_tail : 0; }
  double cycles() const { return std::max(compute + noc(), dram_serial()); }
  // The closed form without sharing: no two routes on a link, DRAM streaming under compute.
  double uncontended() const { return std::max(compute + route, dram); }
  std::size_t bound() const { return wave_bound_index(compute, noc(), dram_serial()); }  // in kWaveBounds
};

// The wave pass: each counted wave's time at this DRAM channel's bytes per cycle and latency in cycles (all
// it reads of the chip). The action counts stay in `counts` (report() reads them there).
PhaseTotals cost_phase(const PhaseCounts& counts, double dram_bytes_per_cycle, double dram_latency_cycles) {
  const int layers = static_cast<int>(counts.layer_counts.size()) - 1;
  PhaseTotals totals = PhaseTotals::cycles_only(layers);
  // By bound, summed in wave order as the map would be, without a string per wave.
  std::array<double, kWaveBounds.size()> by_bound{};
  std::array<bool, kWaveBounds.size()> seen{};
  for (const WaveCounts& wave : counts.waves) {
    WaveTime time{wave.compute, wave.route, wave.link, 0, 0};
    if (wave.dram_bytes > 0) {
      time.dram = wave.dram_bytes / dram_bytes_per_cycle + dram_latency_cycles;
      time.dram_tail = wave.dram_tail;
    }
    const size_t b = time.bound();
    by_bound[b] += time.cycles();
    seen[b] = true;
    totals.uncontended_cycles += time.uncontended();
    totals.layer_cycles.at(static_cast<size_t>(wave.slot)) += time.cycles();
  }
  for (size_t b = 0; b < kWaveBounds.size(); ++b) {
    if (seen[b]) totals.cycles_by_bound[kWaveBounds[b]] = by_bound[b];
  }
  return totals;
}

PhaseTotals cost_phase(const PhaseCounts& counts, const HwConfig& hw) {
  return cost_phase(counts, hw.dram_bytes_per_cycle(), hw.dram_latency_cycles());
}

// cost_phase, kept in the counts by DRAM timing: a sweep costs one counted phase at many chips.
const PhaseTotals& wave_pass(const PhaseCounts& counts, const HwConfig& hw, PhaseTotals& scratch) {
  const double bytes_per_cycle = hw.dram_bytes_per_cycle();
  const double latency_cycles = hw.dram_latency_cycles();
  return counts.wave_passes->get(
      bytes_per_cycle, latency_cycles, [&] { return cost_phase(counts, bytes_per_cycle, latency_cycles); },
      scratch);
}

}  // namespace

PhaseReport estimate_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                           std::vector<LayerCost>* layers) {
  const PhaseCounts counts = count_phase(program, hw, phase);
  return cost_phase(counts, hw)
      .report(phase, hw, static_power(program, hw), layers, counts.layer_counts, counts.total);
}

VariantReport cost(const ProgramCounts& counts, const HwConfig& hw) {
  VariantReport report = counts.facts;
  report.power = static_power(counts.powered, hw);
  if (counts.decode.size() > 1) {
    // The mean decode token over the counted contexts, as the transaction simulator reports it.
    PhaseTotals sum(counts.layers);
    for (const PhaseCounts& token : counts.decode) {
      PhaseTotals scratch;
      PhaseTotals totals = wave_pass(token, hw, scratch);
      totals.layer_counts = token.layer_counts;
      sum += totals;
    }
    sum.scale(1.0 / static_cast<double>(counts.decode.size()));
    report.decode = sum.report(counts.decode_phase, hw, report.power, &report.decode_layers);
  } else {
    PhaseTotals scratch;
    report.decode = wave_pass(counts.decode.front(), hw, scratch)
                        .report(counts.decode_phase, hw, report.power, &report.decode_layers,
                                counts.decode.front().layer_counts, counts.decode.front().total);
  }
  if (counts.prefill) {
    PhaseTotals scratch;
    report.prefill = wave_pass(*counts.prefill, hw, scratch)
                         .report(counts.prefill->phase, hw, report.power, nullptr,
                                 counts.prefill->layer_counts, counts.prefill->total);
  }
  return report;
}

VariantReport estimate(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options) {
  return cost(count_program(program, hw, options), hw);
}

}  // namespace neurokv
