#include "simulator/static_power.hpp"

#include <algorithm>
#include <vector>

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

// From the links any route's tree crosses (flags by ir::mesh_link_index).
PoweredBlocks powered_blocks_crossing(const ir::Program& program, const std::vector<char>& crossed) {
  PoweredBlocks blocks;
  blocks.dram = touches_dram(program);
  const ir::ChipInfo& chip = program.chip;
  // Flags by NP and by node (row-major): a verified program's tiles, buffers and routes lie on the mesh.
  std::vector<char> nps(static_cast<size_t>(chip.mesh_cols * chip.mesh_rows * chip.nps_per_node), 0);
  std::vector<char> nodes(static_cast<size_t>(chip.mesh_cols * chip.mesh_rows), 0);
  const auto power_np = [&](const ir::NpCoord& np) {
    nps.at(static_cast<size_t>(ir::np_index(np, chip.mesh_cols, chip.nps_per_node))) = 1;
  };
  const auto power_node = [&](int x, int y) { nodes.at(static_cast<size_t>(y * chip.mesh_cols + x)) = 1; };
  for (const ir::Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles) power_np(tile.np);
  }
  for (const ir::Buffer& buffer : program.buffers) {
    for (const ir::NpCoord& np : buffer.nps) power_np(np);
  }
  // A router is powered when its node has a powered NP, a route crosses it, or DRAM traffic enters there.
  for (size_t i = 0; i < nps.size(); ++i) {
    if (nps[i]) nodes[i / static_cast<size_t>(chip.nps_per_node)] = 1;
  }
  for (size_t link = 0; link < crossed.size(); ++link) {
    if (!crossed[link]) continue;
    const ir::MeshLink at = ir::mesh_link_at(static_cast<int>(link), chip.mesh_cols);
    power_node(at.x0, at.y0);
    power_node(at.x1, at.y1);
  }
  if (blocks.dram) power_node(0, 0);  // the DMA point (compiler/passes/place.hpp)
  blocks.nps = static_cast<int>(std::count(nps.begin(), nps.end(), 1));
  blocks.routers = static_cast<int>(std::count(nodes.begin(), nodes.end(), 1));
  return blocks;
}

std::vector<char> no_link_crossed(const ir::ChipInfo& chip) {
  return std::vector<char>(static_cast<size_t>(chip.mesh_cols * chip.mesh_rows * 4), 0);
}

}  // namespace

PoweredBlocks powered_blocks(const ir::Program& program) {
  // Each link flagged where the tree is walked: a program's trees cross the same links many times, and
  // listing every crossing first was a third of this function's time in the main job.
  ir::RouteDestinations destinations(program);
  std::vector<char> crossed = no_link_crossed(program.chip);
  for (const ir::Route& route : program.routes) {
    destinations.of(route).for_each_tree_link(
        ir::route_source(program, route), [&](const ir::MeshLink& link) {
          crossed[static_cast<size_t>(ir::mesh_link_index(link, program.chip.mesh_cols))] = 1;
        });
  }
  return powered_blocks_crossing(program, crossed);
}

PoweredBlocks powered_blocks(const ir::Program& program, const std::vector<int>& tree_links) {
  std::vector<char> crossed = no_link_crossed(program.chip);
  for (int link : tree_links) crossed.at(static_cast<size_t>(link)) = 1;
  return powered_blocks_crossing(program, crossed);
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
