#include "simulator/frame_cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "compiler/ir/mesh.hpp"
#include "simulator/work.hpp"

namespace neurokv {
namespace {

using passes::LayerEngine;
using passes::LayerMapping;

// MACs done on non-zero inputs. A separable layer's depthwise outputs feed its pointwise part inside the NP
// unquantised, so the pointwise part is dense (assumed).
double synaptic_ops(const CnnLayer& l, LayerEngine engine, double density) {
  if (engine == LayerEngine::Hrc) return layer_dense_macs(l);
  if (l.kind != CnnLayerKind::Separable) return density * layer_dense_macs(l);
  const double positions = static_cast<double>(l.conv_out.height) * static_cast<double>(l.conv_out.width);
  const double depthwise = positions * l.kernel * l.kernel * static_cast<double>(l.in.channels);
  return density * depthwise + (layer_dense_macs(l) - depthwise);
}

// The output filters one input event reaches: a depthwise layer's event reaches its own channel's filter,
// every other kind's all of them (Akida 1's fused separable layer too: it costs per event as a convolution
// with as many filters; BrainChip devhub knowledge base, docs/sources.md).
double filters_per_event(const CnnLayer& l) {
  return l.kind == CnnLayerKind::Depthwise ? 1.0 : static_cast<double>(l.filters);
}

// The XY multicast from each of the producer's NPs (the DMA point for the HRC) to every NP of the consumer:
// link count summed over the sources, and the longest source-to-destination distance.
struct Multicast {
  double links = 0;
  int depth = 0;
  int sources = 1;
};
Multicast multicast(const LayerMapping& producer, const LayerMapping& consumer) {
  const std::vector<ir::NpCoord> dma{ir::NpCoord{0, 0, 0}};
  const std::vector<ir::NpCoord>& sources = producer.nps.empty() ? dma : producer.nps;
  const ir::MulticastDestinations dsts(consumer.nps);
  Multicast m;
  m.sources = static_cast<int>(sources.size());
  for (const ir::NpCoord& src : sources) {
    m.links += dsts.tree_links(src);
    for (const ir::NpCoord& dst : consumer.nps)
      m.depth = std::max(m.depth, std::abs(dst.x - src.x) + std::abs(dst.y - src.y));
  }
  return m;
}

double mac_cycles_per_np(double events, double synops, int nps, int spatial_tiles, int lanes) {
  if (nps == 0 || events <= 0) return 0;
  const double events_np = events / std::max(spatial_tiles, 1);
  const double fanout = synops / nps / events_np;
  return events_np * std::ceil(fanout / lanes);
}

}  // namespace

FrameReport estimate_frame(const CnnSpec& spec, const passes::CnnMapping& mapping, const HwConfig& hw) {
  FrameReport r;
  r.model = spec.name;
  r.chip = hw.name;
  r.mode = mapping.mode;
  r.clock_hz = hw.clock_hz;
  r.parameters = parameter_count(spec);
  r.nps_used = mapping.nps_used;
  r.nps_needed = mapping.nps_needed;
  r.nps_total = mapping.nps_total;
  r.passes = mapping.passes;
  r.spread = mapping.spread;
  const int lanes = hw.np.mac_lanes;
  const double dram_bytes_per_cycle = hw.dram_bytes_per_cycle();
  ActionCounts& c = r.counts;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const CnnLayer& l = spec.layers[i];
    const LayerMapping& m = mapping.layers.at(i);
    r.weight_bytes += m.weight_bytes;
    FrameLayerCost f;
    f.name = l.name;
    f.kind = l.kind;
    f.engine = m.engine;
    f.nps = m.np_count();
    f.spatial_tiles = m.spatial_tiles;
    f.filter_tiles = m.filter_tiles;
    f.pass = m.pass;
    const double offered = static_cast<double>(l.in.elements());
    const double density = l.input_density;
    f.input_density = density;
    f.dense_macs = layer_dense_macs(l);
    f.synops = synaptic_ops(l, m.engine, density);
    int mac_bits = l.weight_bits;
    if (!hw.energy.mac_pj.count(mac_bits)) {
      mac_bits = hw.energy.mac_pj.rbegin()->first;
      r.notes.push_back(
          fmt::format("{} runs on the HRC with {}-bit weights; chip {} lists no {}-bit MAC energy, "
                      "so its MACs are priced at the {}-bit one (an underestimate)",
                      l.name, l.weight_bits, hw.name, l.weight_bits, mac_bits));
    }
    c.macs_by_bits[mac_bits] += f.synops;
    c.dense_macs += f.dense_macs;
    c.sram_read_bytes += f.synops * l.weight_bits / 8.0;  // each MAC reads its weight
    // Every input value the layer reads is applied to each filter it reaches: the HRC takes every value, an
    // NP only its events. Filter groups share the updates out; input tiles do not, as measured on Akida 1
    // (VWW's conv_2 split over two NPs ran 1.2 times faster, not 2; docs/energy-model.md).
    double updates = 0;
    if (m.engine == LayerEngine::Hrc) {
      // No event loop: the HRC reads every input value once from its input buffer.
      c.sram_read_bytes += offered * l.in_bits / 8.0;
      updates = offered * filters_per_event(l);
      f.cycles = std::ceil(f.dense_macs / lanes) + updates * hw.np.event_filter_cycles;
    } else {
      f.events = offered * density;
      c.activations_offered += offered;
      c.events += f.events;
      c.sram_write_bytes += f.events * l.in_bits / 8.0;  // into the input buffer, then read once
      c.sram_read_bytes += f.events * l.in_bits / 8.0;
      updates = f.events * filters_per_event(l);
      f.cycles = mac_cycles_per_np(f.events, f.synops, f.nps, m.spatial_tiles, lanes) +
                 updates / std::max(m.filter_tiles, 1) * hw.np.event_filter_cycles;
    }
    c.event_filter_updates += updates;
    if (m.engine == LayerEngine::Fnp2) {  // the weights stream in every frame
      c.dram_bytes += static_cast<double>(m.weight_bytes);
      f.cycles = std::max(f.cycles, m.weight_bytes / dram_bytes_per_cycle + hw.dram_latency_cycles());
    }
    if (i + 1 < spec.layers.size()) {  // its output events to the next layer's NPs
      const LayerMapping& next = mapping.layers.at(i + 1);
      const double bytes =
          static_cast<double>(l.out.elements()) * spec.layers[i + 1].input_density * hw.noc.event_bytes;
      const Multicast cast = multicast(m, next);
      c.noc_hop_bytes += bytes / cast.sources * cast.links;
      f.cycles += route_cycles(bytes / cast.sources, cast.depth, hw);
    }
    r.cycles += f.cycles;
    r.layers.push_back(f);
  }
  if (mapping.passes >
      1) {  // HwPr: every pass's weights are loaded again for every frame (FNP2 streams anyway)
    double reloaded = 0;
    for (const LayerMapping& m : mapping.layers) {
      if (m.engine != LayerEngine::Fnp2) reloaded += static_cast<double>(m.weight_bytes);
    }
    c.dram_bytes += reloaded;
    r.reload_cycles = reloaded / dram_bytes_per_cycle + mapping.passes * hw.dram_latency_cycles();
    r.cycles += r.reload_cycles;
  }
  r.cycles += hw.frame_overhead_cycles;
  r.latency_s = r.cycles / hw.clock_hz;
  r.frames_per_s = r.latency_s > 0 ? 1.0 / r.latency_s : 0;
  // Powered: the NPs the mapping uses and their nodes' routers (gated chips), the DMA point's router when
  // weights come from DRAM.
  PoweredBlocks blocks;
  blocks.nps = mapping.nps_used;
  blocks.dram = c.dram_bytes > 0;
  std::set<std::pair<int, int>> nodes;
  for (const LayerMapping& m : mapping.layers) {
    for (const ir::NpCoord& np : m.nps) nodes.insert({np.x, np.y});
  }
  if (blocks.dram) nodes.insert({0, 0});
  blocks.routers = static_cast<int>(nodes.size());
  r.power = static_power(blocks, hw);
  r.energy = EnergyModel(hw.energy, r.power).price(c, r.latency_s);
  return r;
}

}  // namespace neurokv
