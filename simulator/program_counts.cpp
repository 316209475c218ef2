#include "simulator/program_counts.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "compiler/ir/mesh.hpp"
#include "simulator/layer_classes.hpp"
#include "simulator/prefill_queue.hpp"
#include "simulator/program_facts.hpp"

namespace neurokv {
namespace {

// What a program's routes are, once for all its phases.
struct RoutePlan {
  explicit RoutePlan(const ir::Program& program) : from(program), repeated(repeated_kv_deliveries(program)) {}
  RoutesBySource from;
  std::vector<bool> repeated;  // repeated_kv_deliveries
  // The routes' XY tree links (ir::mesh_link_index), all in one array: route i's from link_begin[i] to
  // link_end[i]. A route from the same node to the same destinations as the route before it to the same
  // op (the next tile of a tensor, on the same node) has the same tree: it shares that route's links.
  std::vector<int> links_of_routes;
  std::vector<size_t> link_begin, link_end;
  std::vector<int> route_depth;  // by route: hops to its farthest destination
  int links = 0;                 // the mesh's links
};

RoutePlan plan_routes(const ir::Program& program) {
  RoutePlan plan(program);
  ir::RouteDestinations destinations(program);
  size_t links = 0;  // a route's tree has `hops` links (at most what the routes list, as trees are shared)
  for (const ir::Route& route : program.routes) links += static_cast<size_t>(std::max(route.hops, 0));
  plan.link_begin.resize(program.routes.size());
  plan.link_end.resize(program.routes.size());
  plan.route_depth.resize(program.routes.size());
  plan.links_of_routes.reserve(links);
  struct LastRoute {             // by destination op: the last route to it
    const void* list = nullptr;  // its tile list's identity (ir::TileList::identity)
    int node = -1;
    size_t route = 0;
  };
  std::vector<LastRoute> last(program.ops.size());
  for (size_t i = 0; i < program.routes.size(); ++i) {
    const ir::Route& route = program.routes[i];
    const ir::NpCoord& src = ir::route_source(program, route);
    LastRoute& before = last.at(static_cast<size_t>(route.dst_op));
    const int node = src.y * program.chip.mesh_cols + src.x;
    if (before.list == route.dst_tiles.identity() && before.node == node) {
      plan.link_begin[i] = plan.link_begin[before.route];
      plan.link_end[i] = plan.link_end[before.route];
      plan.route_depth[i] = plan.route_depth[before.route];
    } else {
      const ir::MulticastDestinations& dsts = destinations.of(route);
      plan.link_begin[i] = plan.links_of_routes.size();
      dsts.for_each_tree_link(src, [&](const ir::MeshLink& link) {
        plan.links_of_routes.push_back(ir::mesh_link_index(link, program.chip.mesh_cols));
      });
      plan.link_end[i] = plan.links_of_routes.size();
      plan.route_depth[i] = dsts.depth(src);
    }
    before = {route.dst_tiles.identity(), node, i};
  }
  plan.links = program.chip.mesh_cols * program.chip.mesh_rows * 4;
  return plan;
}

// By op, the op it counts as: layer_classes of `program` (whose routes `plan` holds), or itself when
// every layer counts alone.
std::vector<int> program_classes(const ir::Program& program, const RoutePlan& plan, LayerSharing sharing) {
  if (sharing == LayerSharing::ByClass) return layer_classes(program, plan.from, plan.repeated);
  std::vector<int> counted_as(program.ops.size());
  std::iota(counted_as.begin(), counted_as.end(), 0);
  return counted_as;
}

// The DRAM channel moves whole bursts.
double burst_bytes(double bytes, const HwConfig& hw) {
  if (bytes <= 0) return 0;
  const double burst = static_cast<double>(std::max<int64_t>(hw.dram.burst_bytes, 1));
  return std::ceil(bytes / burst) * burst;
}

// The longest of a wave's routes in cycles (route_cycles), taken once for each run of routes that carry the
// same bytes, at the deepest of them: a route's cycles grow with its depth (its hop latency is not negative),
// and a tensor's routes mostly carry the same bytes, so this is the largest of every route's cycles.
class LongestRoute {
 public:
  void add(double bytes, int depth, const HwConfig& hw) {
    if (depth_ >= 0 && bytes == bytes_) {
      depth_ = std::max(depth_, depth);
      return;
    }
    take(hw);
    bytes_ = bytes;
    depth_ = depth;
  }
  double take(const HwConfig& hw) {
    if (depth_ >= 0) cycles_ = std::max(cycles_, route_cycles(bytes_, depth_, hw));
    depth_ = -1;
    return cycles_;
  }

 private:
  double bytes_ = 0;  // the run's bytes and deepest route (-1: no run)
  int depth_ = -1;
  double cycles_ = 0;  // the longest of the runs taken
};

// What a wave's time bound reads of a tile's work, placement aside.
struct TileTime {
  double compute_cycles = 0;
  double dram_bursts = 0;  // its DRAM reads' and writes' whole bursts
  bool reads_dram = false;
};

// By op, for this phase: `classes` (program_classes), with each layer whose steps do not run in its class's
// first layer's order (or over as many tokens, or route as many) counting on its own. A chunked prefill's
// spills cross layers (spill_bytes), so there every layer counts on its own.
std::vector<int> phase_classes(const ir::Program& program, const RoutePlan& plan,
                               const std::vector<int>& classes, const Phase& phase,
                               const std::vector<const ir::Step*>& by_wave,
                               const std::vector<int64_t>& op_tokens) {
  std::vector<int> counted_as = classes;
  const auto own = [&](int layer) {
    for (const ir::Op& op : program.ops) {
      if (op.layer == layer) counted_as[op.id] = op.id;
    }
  };
  const int layers = program.model.layers;
  if (phase.spills()) {
    for (int layer = 0; layer < layers; ++layer) own(layer);
    return counted_as;
  }
  // Each layer's steps in wave order: what it counts, step by step, and the tokens its routes carry.
  std::vector<std::vector<int64_t>> sequence(static_cast<size_t>(std::max(layers, 0)));
  for (const ir::Step* step : by_wave) {
    const ir::Op& op = program.ops.at(step->op);
    if (op.layer < 0 || op.layer >= layers) continue;
    std::vector<int64_t>& seq = sequence[static_cast<size_t>(op.layer)];
    const int64_t tokens = step_tokens(*step, phase);
    seq.push_back(counted_as[op.id]);
    seq.push_back(tokens);
    for (size_t k = 0; k < plan.from.count(op.id); ++k)
      seq.push_back(std::min(tokens, op_tokens[program.routes[plan.from.at(op.id, k)].dst_op]));
  }
  std::vector<int> layer_first(sequence.size());  // each layer's class's first layer
  std::iota(layer_first.begin(), layer_first.end(), 0);
  for (const ir::Op& op : program.ops) {
    if (op.layer >= 0 && op.layer < layers) layer_first[op.layer] = program.ops[counted_as[op.id]].layer;
  }
  for (int layer = 0; layer < layers; ++layer) {
    const int first = layer_first[layer];
    if (first != layer && sequence[layer] != sequence[first]) own(layer);
  }
  return counted_as;
}

PhaseCounts count_phase(const ir::Program& program, const RoutePlan& plan, const std::vector<int>& classes,
                        const HwConfig& hw, const Phase& phase) {
  const std::vector<ir::Step>& steps = phase.kind == Phase::Kind::Decode ? program.decode : program.prefill;
  // The steps wave by wave, each wave's in schedule order.
  std::vector<const ir::Step*> by_wave;
  by_wave.reserve(steps.size());
  std::vector<int64_t> op_tokens(program.ops.size(), 0);
  for (const ir::Step& step : steps) {
    by_wave.push_back(&step);
    op_tokens.at(step.op) = step_tokens(step, phase);
  }
  std::stable_sort(by_wave.begin(), by_wave.end(),
                   [](const ir::Step* a, const ir::Step* b) { return a->wave < b->wave; });
  const SpillBytes spill = spill_bytes(program, hw, phase);
  const std::vector<int> counted_as = phase_classes(program, plan, classes, phase, by_wave, op_tokens);

  PhaseCounts counts;
  counts.phase = phase;
  counts.layer_counts.resize(static_cast<size_t>(program.model.layers + 1));

  // A tile's work and a route's bytes, added to their layer's counts (tiles, then routes, op by op in wave
  // order: the order of each layer's sums).
  const auto count_tile = [&](const ir::Op& op, size_t t, int64_t tokens, ActionCounts& layer) {
    TileWork work = tile_work(program, op, op.tiles[t], hw, phase, tokens);
    add_spill(work, spill, op, op.tiles[t]);
    layer += work.counts;
    return TileTime{work.compute_cycles,
                    burst_bytes(work.dram_read_bytes, hw) + burst_bytes(work.dram_write_bytes, hw),
                    work.dram_read_bytes > 0};
  };
  const auto count_route = [&](size_t index, int64_t tokens, ActionCounts& layer) {
    const ir::Route& route = program.routes[index];
    const double bytes = route_bytes(program, route, hw, phase, std::min(tokens, op_tokens[route.dst_op]),
                                     plan.repeated[index]);
    layer.noc_hop_bytes += bytes * route.hops;
    layer.sram_write_bytes += route_sram_write_bytes(program, route, bytes);
    return bytes;
  };
  // The ops other layers count as (a class's first layer's, where the class has more than one layer) are
  // counted first and their figures kept; every other op that counts for itself is counted in the waves
  // below, where its figures are used, so that a program with few shared layers stores (and faults in)
  // little.
  std::vector<bool> leads(program.ops.size(), false);
  for (const ir::Op& op : program.ops) {
    if (counted_as[op.id] != op.id) leads[counted_as[op.id]] = true;
  }
  struct Kept {  // where a leading op's figures start in tile_times and bytes_of_routes
    size_t tiles = 0, routes = 0;
  };
  std::vector<Kept> kept_at(program.ops.size());
  std::vector<TileTime> tile_times;
  std::vector<double> bytes_of_routes;
  for (const ir::Step* step : by_wave) {
    const ir::Op& op = program.ops.at(step->op);
    if (!leads[op.id]) continue;
    const int64_t tokens = step_tokens(*step, phase);
    ActionCounts& layer = counts.layer_counts.at(op.layer + 1);
    kept_at[op.id] = {tile_times.size(), bytes_of_routes.size()};
    for (size_t t = 0; t < op.tiles.size(); ++t) tile_times.push_back(count_tile(op, t, tokens, layer));
    for (size_t k = 0; k < plan.from.count(op.id); ++k)
      bytes_of_routes.push_back(count_route(plan.from.at(op.id, k), tokens, layer));
  }

  // The waves, from those figures at each op's own placement; a layer that shares its class's figures adds
  // up its own hop bytes.
  std::vector<double> hop_bytes(counts.layer_counts.size(), 0.0);
  std::vector<double> np_busy(program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node,
                              0.0);
  std::vector<double> link_bytes(static_cast<size_t>(plan.links), 0.0);
  std::vector<int> touched, links_touched;  // the wave's NPs and links, cleared after it
  for (auto first = by_wave.begin(); first != by_wave.end();) {
    const int wave = (*first)->wave;
    const auto last = std::find_if(first, by_wave.end(), [&](const ir::Step* s) { return s->wave != wave; });
    WaveCounts time;
    LongestRoute longest_route;
    // The DMA serves the NPs' reads first come, first served, in NP order: the highest NP reading DRAM is
    // served last and still computes its tile (and any after it) when its bytes arrive.
    int last_reader = -1;
    double last_reader_tail = 0;
    for (auto step_at = first; step_at != last; ++step_at) {
      const ir::Op& op = program.ops.at((*step_at)->op);
      const int counted = counted_as[op.id];
      const bool alone = counted == op.id && !leads[op.id];  // counted here, not above
      const int64_t tokens = step_tokens(**step_at, phase);
      ActionCounts& layer = counts.layer_counts.at(op.layer + 1);
      const Kept& kept = kept_at[counted];
      for (size_t t = 0; t < op.tiles.size(); ++t) {
        const TileTime tile = alone ? count_tile(op, t, tokens, layer) : tile_times[kept.tiles + t];
        time.dram_bytes += tile.dram_bursts;
        const int index = ir::np_index(program, op.tiles[t].np);
        if (np_busy[index] == 0) touched.push_back(index);
        np_busy[index] += tile.compute_cycles;
        time.compute = std::max(time.compute, np_busy[index]);
        if (tile.reads_dram && index >= last_reader) {
          last_reader = index;
          last_reader_tail = 0;
        }
        if (index == last_reader) last_reader_tail += tile.compute_cycles;
      }
      for (size_t k = 0; k < plan.from.count(op.id); ++k) {
        const size_t index = plan.from.at(op.id, k);
        const ir::Route& route = program.routes[index];
        const double bytes = alone ? count_route(index, tokens, layer) : bytes_of_routes[kept.routes + k];
        if (counted != op.id) hop_bytes.at(op.layer + 1) += bytes * route.hops;
        longest_route.add(bytes, plan.route_depth[index], hw);
        if (bytes <= 0) continue;
        for (size_t at = plan.link_begin[index]; at < plan.link_end[index]; ++at) {
          const int link = plan.links_of_routes[at];
          if (link_bytes[link] == 0) links_touched.push_back(link);
          link_bytes[link] += bytes;
        }
      }
    }
    time.route = longest_route.take(hw);
    // The busiest link's cycles are taken once, at the wave's end, from its bytes (a link's bytes only grow,
    // and ceil(bytes / rate) grows with them, so it is the largest of the cycles taken after every addition).
    double busiest_link_bytes = 0;
    for (int link : links_touched) {
      busiest_link_bytes = std::max(busiest_link_bytes, link_bytes[link]);
      link_bytes[link] = 0;
    }
    if (busiest_link_bytes > 0) time.link = std::ceil(busiest_link_bytes / hw.noc.link_bytes_per_cycle);
    for (int index : touched) np_busy[index] = 0;
    touched.clear();
    links_touched.clear();
    if (time.dram_bytes > 0) time.dram_tail = last_reader_tail;
    time.slot = program.ops.at((*first)->op).layer + 1;
    counts.waves.push_back(time);
    first = last;
  }
  // A layer that shares its class's figures has its first layer's counts but for the hops its own
  // placement gives (every other count is the same sum of the same figures in the same order).
  for (const ir::Op& op : program.ops) {
    if (counted_as[op.id] == op.id) continue;
    ActionCounts& layer = counts.layer_counts.at(op.layer + 1);
    layer = counts.layer_counts.at(program.ops[counted_as[op.id]].layer + 1);
    layer.noc_hop_bytes = hop_bytes.at(op.layer + 1);
  }
  counts.total = sum_slots(counts.layer_counts);
  return counts;
}

}  // namespace

PhaseCounts count_phase(const ir::Program& program, const HwConfig& hw, const Phase& phase,
                        LayerSharing sharing) {
  const RoutePlan plan = plan_routes(program);
  return count_phase(program, plan, program_classes(program, plan, sharing), hw, phase);
}

ProgramCounts count_program(const ir::Program& program, const HwConfig& hw, const EstimateOptions& options) {
  return count_program(program, program, hw, options);
}

ProgramCounts count_program(const ir::Program& program, const ir::Program& prefill, const HwConfig& hw,
                            const EstimateOptions& options) {
  ProgramCounts counts;
  counts.options = options;
  counts.layers = program.model.layers;
  counts.facts = program_facts(program);
  const RoutePlan plan = plan_routes(program);
  const std::vector<int> classes = program_classes(program, plan, LayerSharing::ByClass);
  counts.powered = powered_blocks(program, plan.links_of_routes);
  if (options.tokens > 1) {
    // The mean decode token over contexts P + 1 ... P + T, as the transaction simulator reports it.
    counts.decode_phase = Phase::decode(options.prompt + options.tokens);
    for (int64_t t = 1; t <= options.tokens; ++t)
      counts.decode.push_back(count_phase(program, plan, classes, hw, Phase::decode(options.prompt + t)));
  } else {
    counts.decode_phase = Phase::decode(program.context);
    counts.decode.push_back(count_phase(program, plan, classes, hw, counts.decode_phase));
  }
  if (options.prompt > 0 && !options.decode_only) {
    // Layers alike at the decode tokens' densities may differ at the prompt's: the prefill program's classes.
    const std::vector<int> prefill_classes =
        &prefill == &program ? classes : program_classes(prefill, plan, LayerSharing::ByClass);
    counts.prefill =
        count_phase(prefill, plan, prefill_classes, hw, prefill_phase(prefill, hw, options.prompt));
  }
  return counts;
}

bool pricing_key(const std::string& key) {
  static const std::vector<std::string> keys{"clock_hz",        "dram.bandwidth_bytes_per_s",
                                             "dram.latency_ns", "dram.background_w",
                                             "dram.refresh_w",  "dram.self_refresh_w"};
  return key.rfind("energy.", 0) == 0 || std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace neurokv
