#include "simulator/transaction/chip.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "compiler/ir/mesh.hpp"
#include "compiler/support/error.hpp"
#include "simulator/transaction/chrome_trace.hpp"

namespace neurokv::transaction {

namespace {

// At most every tile's read or write is outstanding at once.
int tile_count(const ir::Program& program) {
  size_t tiles = 0;
  for (const ir::Op& op : program.ops) tiles += op.tiles.size();
  return static_cast<int>(tiles) + 1;
}

}  // namespace

Chip::Chip(sc_core::sc_module_name name, SimContext& ctx, Fabric fabric) : sc_module(name), ctx_(ctx) {
  if ((fabric.network == nullptr) != (fabric.memory == nullptr))
    throw std::logic_error("a chip's fabric brings both its network and its memory port, or neither");
  if (fabric.memory) {
    memory_ = fabric.memory;
  } else {
    dram_ = std::make_unique<Dram>("dram", ctx);
    dma_ = std::make_unique<Dma>("dma", ctx, *dram_, tile_count(ctx.program));
    memory_ = dma_.get();
  }
  const HwConfig& hw = ctx.hw;
  const ir::Program& program = ctx.program;
  if (program.chip.mesh_cols != hw.mesh_cols || program.chip.mesh_rows != hw.mesh_rows ||
      program.chip.nps_per_node != hw.nps_per_node) {
    throw InputError(
        fmt::format("the program was compiled for a {}x{} mesh of {}-NP nodes, the chip {} is {}x{} of {}",
                    program.chip.mesh_cols, program.chip.mesh_rows, program.chip.nps_per_node, hw.name,
                    hw.mesh_cols, hw.mesh_rows, hw.nps_per_node));
  }
  for (const ir::Op& op : program.ops) {
    for (const ir::Tile& tile : op.tiles)
      np_index(tile.np);  // a tile off the chip is an input error, found here
  }
  plans_.reserve(program.routes.size());
  routes_from_.resize(program.ops.size());
  for (const ir::Op& op : program.ops) routes_from_[static_cast<size_t>(op.id)].resize(op.tiles.size());
  const std::vector<bool> repeated = repeated_kv_deliveries(program);
  for (size_t i = 0; i < program.routes.size(); ++i) {
    const ir::Route& route = program.routes[i];
    plans_.push_back(plan_route(program, route));
    plans_.back().repeated_delivery = repeated[i];
    routes_from_.at(static_cast<size_t>(route.src_op))
        .at(static_cast<size_t>(route.src_tile))
        .push_back(&plans_.back());
  }
  for (int y = 0; y < hw.mesh_rows; ++y) {
    for (int x = 0; x < hw.mesh_cols; ++x) {
      const int first_np = ir::np_index({x, y, 0}, hw.mesh_cols, hw.nps_per_node);
      nodes_.push_back(std::make_unique<Node>(fmt::format("node_{}_{}", x, y).c_str(), ctx, *memory_,
                                              fabric.network, routes_from_, x, y, first_np));
      mesh_.push_back(nodes_.back()->router());
    }
  }
  if (!fabric.network) {
    for (auto& node : nodes_) node->router()->connect(&mesh_, node->nps());
  }
  if (ctx.trace) {
    for (int i = 0; i < hw.nps_total(); ++i) {
      const ir::NpCoord np = ir::np_coord(i, hw.mesh_cols, hw.nps_per_node);
      ctx.trace->name_track(i, fmt::format("np ({},{},{})", np.x, np.y, np.np));
    }
    for (int node = 0; node < hw.nodes(); ++node) {
      ctx.trace->name_track(kFirstRouterTrack + node,
                            fmt::format("router ({},{})", node % hw.mesh_cols, node / hw.mesh_cols));
    }
    ctx.trace->name_track(kDmaTrack, "dma");
  }
}

int Chip::np_index(const ir::NpCoord& c) const {
  if (c.x < 0 || c.x >= ctx_.hw.mesh_cols || c.y < 0 || c.y >= ctx_.hw.mesh_rows || c.np < 0 ||
      c.np >= ctx_.hw.nps_per_node) {
    throw InputError(fmt::format("NP ({},{},{}) is not on chip {}", c.x, c.y, c.np, ctx_.hw.name));
  }
  return ir::np_index(c, ctx_.hw.mesh_cols, ctx_.hw.nps_per_node);
}

Np& Chip::np(const ir::NpCoord& c) {
  const int index = np_index(c);
  return nodes_[static_cast<size_t>(index / ctx_.hw.nps_per_node)]->np(c.np);
}

std::vector<Np*> Chip::nps() {
  std::vector<Np*> out;
  for (auto& node : nodes_) {
    for (Np* np : node->nps()) out.push_back(np);
  }
  return out;
}

void Chip::trace_signals(sc_core::sc_trace_file* vcd) {
  for (auto& node : nodes_) {
    for (Np* np : node->nps()) {
      sc_core::sc_trace(vcd, np->queue_events(), std::string(np->name()) + ".queue_events");
      sc_core::sc_trace(vcd, np->busy(), std::string(np->name()) + ".busy");
    }
    if (Router* router = node->router())
      sc_core::sc_trace(vcd, router->bytes_sent(), std::string(router->name()) + ".link_bytes");
  }
  if (dma_) sc_core::sc_trace(vcd, dma_->queue_depth(), std::string(dma_->name()) + ".queue_depth");
}

}  // namespace neurokv::transaction
