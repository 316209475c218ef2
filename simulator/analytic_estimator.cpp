#include "simulator/analytic_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "compiler/ir/mesh.hpp"
#include "simulator/phase_totals.hpp"
#include "simulator/prefill_queue.hpp"
#include "simulator/program_facts.hpp"
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
  const char* bound() const { return wave_bound(compute, noc(), dram_serial()); }
};

int np_index(const ir::Program& program, const ir::NpCoord& np) {
  return ir::np_index(np, program.chip.mesh_cols, program.chip.nps_per_node);
}

// What a program's routes and steps are, once: estimate_totals runs per decode token.
struct ProgramPlan {
  std::vector<std::vector<size_t>> routes_from;  // by source op
  std::vector<bool> repeated;                    // repeated_kv_deliveries
  std::vector<std::vector<int>> route_links;     // by route: link ids of its XY tree
  int links = 0;
};

ProgramPlan plan_program(const ir::Program& program) {
  ProgramPlan plan;
  plan.routes_from.resize(program.ops.size());
  plan.repeated = repeated_kv_deliveries(program);
  std::map<ir::MeshLink, int> ids;
  for (size_t i = 0; i < program.routes.size(); ++i) {
    const ir::Route& route = program.routes[i];
    plan.routes_from.at(route.src_op).push_back(i);
    const ir::Op& dst = program.ops.at(route.dst_op);
    std::vector<ir::NpCoord> dsts;
    for (int tile : route.dst_tiles) dsts.push_back(dst.tiles.at(tile).np);
    std::vector<int> links;
    for (const ir::MeshLink& link :
         ir::xy_multicast_tree(program.ops.at(route.src_op).tiles.at(route.src_tile).np, dsts)) {
      links.push_back(ids.emplace(link, static_cast<int>(ids.size())).first->second);
    }
    plan.route_links.push_back(std::move(links));
  }
  plan.links = static_cast<int>(ids.size());
  return plan;
}

// The DRAM channel moves whole bursts.
double burst_bytes(double bytes, const HwConfig& hw) {
  if (bytes <= 0) return 0;
  const double burst = static_cast<double>(std::max<int64_t>(hw.dram.burst_bytes, 1));
  return std::ceil(bytes / burst) * burst;
}

PhaseTotals estimate_totals(const ir::Program& program, const ProgramPlan& plan, const HwConfig& hw,
                            const Phase& phase) {
  const std::vector<ir::Step>& steps = phase.kind == Phase::Kind::Decode ? program.decode : program.prefill;
  std::map<int, std::vector<const ir::Step*>> waves;
  std::vector<int64_t> op_tokens(program.ops.size(), 0);
  for (const ir::Step& step : steps) {
    waves[step.wave].push_back(&step);
    op_tokens.at(step.op) = step_tokens(step, phase);
  }

  const SpillBytes spill = spill_bytes(program, hw, phase);
  PhaseTotals totals(program.model.layers);
  std::vector<double> np_busy(program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node,
                              0.0);
  std::vector<double> link_bytes(static_cast<size_t>(plan.links), 0.0);

  for (const auto& [wave, wave_steps] : waves) {
    WaveTime time;
    double dram_bytes = 0;
    std::vector<int> touched, links_touched;
    // The DMA serves the NPs' reads first come, first served, in NP order: the highest NP reading DRAM is
    // served last and still computes its tile (and any after it) when its bytes arrive.
    int last_reader = -1;
    double last_reader_tail = 0;
    for (const ir::Step* step : wave_steps) {
      const ir::Op& op = program.ops.at(step->op);
      const int64_t tokens = step_tokens(*step, phase);
      ActionCounts& counts = totals.layer_counts.at(op.layer + 1);
      for (const ir::Tile& tile : op.tiles) {
        TileWork work = tile_work(program, op, tile, hw, phase, tokens);
        add_spill(work, spill, op, tile);
        counts += work.counts;
        dram_bytes += burst_bytes(work.dram_read_bytes, hw) + burst_bytes(work.dram_write_bytes, hw);
        const int index = np_index(program, tile.np);
        if (np_busy[index] == 0) touched.push_back(index);
        np_busy[index] += work.compute_cycles;
        time.compute = std::max(time.compute, np_busy[index]);
        if (work.dram_read_bytes > 0 && index >= last_reader) {
          last_reader = index;
          last_reader_tail = 0;
        }
        if (index == last_reader) last_reader_tail += work.compute_cycles;
      }
      for (size_t index : plan.routes_from[step->op]) {
        const ir::Route& route = program.routes[index];
        const double bytes = route_bytes(program, route, hw, phase, std::min(tokens, op_tokens[route.dst_op]),
                                         plan.repeated[index]);
        counts.noc_hop_bytes += bytes * route.hops;
        counts.sram_write_bytes += route_sram_write_bytes(program, route, bytes);
        time.route = std::max(time.route, route_cycles(bytes, route_depth(program, route), hw));
        if (bytes <= 0) continue;
        for (int link : plan.route_links[index]) {
          if (link_bytes[link] == 0) links_touched.push_back(link);
          link_bytes[link] += bytes;
          time.link = std::max(time.link, std::ceil(link_bytes[link] / hw.noc.link_bytes_per_cycle));
        }
      }
    }
    for (int index : touched) np_busy[index] = 0;
    for (int link : links_touched) link_bytes[link] = 0;
    if (dram_bytes > 0) {
      time.dram = dram_bytes / hw.dram_bytes_per_cycle() + hw.dram_latency_cycles();
      time.dram_tail = last_reader_tail;
    }
    totals.cycles_by_bound[time.bound()] += time.cycles();
    totals.uncontended_cycles += time.uncontended();
    totals.layer_cycles.at(program.ops.at(wave_steps.front()->op).layer + 1) += time.cycles();
  }
  return totals;
}

}  // namespace

PhaseReport estimate_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                           std::vector<LayerCost>* layers) {
  return estimate_totals(program, plan_program(program), hw, phase)
      .report(phase, hw, static_power(program, hw), layers);
}

VariantReport estimate(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options) {
  VariantReport report = program_facts(program);
  report.power = static_power(program, hw);
  const ProgramPlan plan = plan_program(program);
  if (options.tokens > 1) {
    // The mean decode token over contexts P + 1 ... P + T, as the cycle simulator reports it.
    PhaseTotals sum(program.model.layers);
    for (int64_t t = 1; t <= options.tokens; ++t)
      sum += estimate_totals(program, plan, hw, Phase::decode(options.prompt + t));
    sum.scale(1.0 / static_cast<double>(options.tokens));
    report.decode =
        sum.report(Phase::decode(options.prompt + options.tokens), hw, report.power, &report.decode_layers);
  } else {
    report.decode = estimate_totals(program, plan, hw, Phase::decode(program.context))
                        .report(Phase::decode(program.context), hw, report.power, &report.decode_layers);
  }
  if (options.prompt > 0) {
    const Phase prefill = prefill_phase(program, hw, options.prompt);
    report.prefill = estimate_totals(program, plan, hw, prefill).report(prefill, hw, report.power, nullptr);
  }
  return report;
}

}  // namespace neurokv
