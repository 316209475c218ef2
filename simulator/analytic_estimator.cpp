#include "simulator/analytic_estimator.hpp"

#include <algorithm>
#include <map>

#include "compiler/ir/mesh.hpp"
#include "simulator/phase_totals.hpp"
#include "simulator/program_facts.hpp"
#include "simulator/wave_bound.hpp"

namespace neurokv {
namespace {

struct WaveTime {
  double compute = 0;  // the busiest NP's compute
  double route = 0;    // the longest route
  double dram = 0;     // streaming the wave's DRAM bytes
  double cycles() const { return std::max(compute + route, dram); }
  const char* bound() const { return wave_bound(compute, route, dram); }
};

int np_index(const ir::Program& program, const ir::NpCoord& np) {
  return ir::np_index(np, program.chip.mesh_cols, program.chip.nps_per_node);
}

}  // namespace

namespace {

PhaseTotals estimate_totals(const ir::Program& program, const HwConfig& hw, const Phase& phase) {
  std::vector<std::vector<size_t>> routes_from(program.ops.size());
  for (size_t i = 0; i < program.routes.size(); ++i) routes_from.at(program.routes[i].src_op).push_back(i);
  const std::vector<bool> repeated = repeated_kv_deliveries(program);

  const std::vector<ir::Step>& steps = phase.kind == Phase::Kind::Decode ? program.decode : program.prefill;
  std::map<int, std::vector<const ir::Step*>> waves;
  for (const ir::Step& step : steps) waves[step.wave].push_back(&step);

  PhaseTotals totals(program.model.layers);
  std::vector<double> np_busy(program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node,
                              0.0);

  for (const auto& [wave, wave_steps] : waves) {
    WaveTime time;
    double dram_bytes = 0;
    std::vector<int> touched;
    for (const ir::Step* step : wave_steps) {
      const ir::Op& op = program.ops.at(step->op);
      const int64_t tokens = step_tokens(*step, phase);
      ActionCounts& counts = totals.layer_counts.at(op.layer + 1);
      for (const ir::Tile& tile : op.tiles) {
        const TileWork work = tile_work(program, op, tile, hw, phase, tokens);
        counts += work.counts;
        dram_bytes += work.dram_read_bytes + work.dram_write_bytes;
        const int index = np_index(program, tile.np);
        if (np_busy[index] == 0) touched.push_back(index);
        np_busy[index] += work.compute_cycles;
        time.compute = std::max(time.compute, np_busy[index]);
      }
      for (size_t index : routes_from[step->op]) {
        const ir::Route& route = program.routes[index];
        const double bytes = route_bytes(program, route, hw, phase, tokens, repeated[index]);
        counts.noc_hop_bytes += bytes * route.hops;
        counts.sram_write_bytes += route_sram_write_bytes(program, route, bytes);
        time.route = std::max(time.route, route_cycles(bytes, route_depth(program, route), hw));
      }
    }
    for (int index : touched) np_busy[index] = 0;
    if (dram_bytes > 0) time.dram = dram_bytes / hw.dram_bytes_per_cycle() + hw.dram_latency_cycles();
    totals.cycles_by_bound[time.bound()] += time.cycles();
    totals.layer_cycles.at(program.ops.at(wave_steps.front()->op).layer + 1) += time.cycles();
  }
  return totals;
}

}  // namespace

PhaseReport estimate_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                           std::vector<LayerCost>* layers) {
  return estimate_totals(program, hw, phase).report(phase, hw, layers);
}

VariantReport estimate(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options) {
  VariantReport report = program_facts(program);
  if (options.tokens > 1) {
    // The mean decode token over contexts P + 1 ... P + T, as the cycle simulator reports it.
    PhaseTotals sum(program.model.layers);
    for (int64_t t = 1; t <= options.tokens; ++t)
      sum += estimate_totals(program, hw, Phase::decode(options.prompt + t));
    sum.scale(1.0 / static_cast<double>(options.tokens));
    report.decode = sum.report(Phase::decode(options.prompt + options.tokens), hw, &report.decode_layers);
  } else {
    report.decode = estimate_phase(program, hw, Phase::decode(program.context), &report.decode_layers);
  }
  if (options.prompt > 0)
    report.prefill = estimate_phase(program, hw, Phase::prefill(options.prompt), nullptr);
  return report;
}

}  // namespace neurokv
