#include "simulator/static_power.hpp"

#include <set>

#include "compiler/ir/mesh.hpp"

namespace neurokv {
namespace {

bool touches_dram(const ir::Program& program) {
  for (const ir::Op& op : program.ops) {
    if (op.weights == ir::Storage::Dram) return true;
  }
  for (const ir::Buffer& buffer : program.buffers) {
    if (buffer.location == ir::Storage::Dram) return true;
  }
  return false;
}

}  // namespace

PoweredBlocks powered_blocks(const ir::Program& program) {
  PoweredBlocks blocks;
  blocks.dram = touches_dram(program);
  std::set<ir::NpCoord> nps;
  for (const ir::Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles) nps.insert(tile.np);
  }
  for (const ir::Buffer& buffer : program.buffers) nps.insert(buffer.nps.begin(), buffer.nps.end());
  // A router is powered when its node has a powered NP, a route crosses it, or DRAM traffic enters there.
  std::set<std::pair<int, int>> nodes;
  for (const ir::NpCoord& np : nps) nodes.insert({np.x, np.y});
  for (const ir::Route& route : program.routes) {
    const ir::Op& dst = program.ops.at(route.dst_op);
    std::vector<ir::NpCoord> dsts;
    for (int tile : route.dst_tiles) dsts.push_back(dst.tiles.at(tile).np);
    for (const ir::MeshLink& link :
         ir::xy_multicast_tree(program.ops.at(route.src_op).tiles.at(route.src_tile).np, dsts)) {
      nodes.insert({link.x0, link.y0});
      nodes.insert({link.x1, link.y1});
    }
  }
  if (blocks.dram) nodes.insert({0, 0});  // the DMA point (compiler/passes/place.hpp)
  blocks.nps = static_cast<int>(nps.size());
  blocks.routers = static_cast<int>(nodes.size());
  return blocks;
}

StaticPower static_power(const PoweredBlocks& blocks, const HwConfig& hw) {
  StaticPower p;
  p.powered_nps = hw.energy.gate_idle_nps ? blocks.nps : hw.nps_total();
  p.powered_routers = hw.energy.gate_idle_nps ? blocks.routers : hw.nodes();
  p.np_w = p.powered_nps * hw.energy.np_static_w;
  p.router_w = p.powered_routers * hw.energy.router_static_w;
  p.uncore_w = hw.energy.uncore_static_w;
  if (hw.dram.present)
    p.dram_w = blocks.dram ? hw.dram.background_w + hw.dram.refresh_w : hw.dram.self_refresh_w;
  return p;
}

StaticPower static_power(const ir::Program& program, const HwConfig& hw) {
  return static_power(powered_blocks(program), hw);
}

}  // namespace neurokv
