#include "compiler/passes/place.hpp"

#include <fmt/format.h>

#include <boost/graph/topological_sort.hpp>

#include "compiler/passes/np_packing.hpp"
#include "compiler/passes/plan_kv_cache.hpp"

namespace neurokv::passes {

std::vector<ir::NpCoord> snake_order(const HwConfig& hw) {
  std::vector<ir::NpCoord> order;
  order.reserve(static_cast<std::size_t>(hw.nps_total()));
  for (int y = 0; y < hw.mesh_rows; ++y) {
    for (int i = 0; i < hw.mesh_cols; ++i) {
      const int x = y % 2 == 0 ? i : hw.mesh_cols - 1 - i;
      for (int np = 0; np < hw.nps_per_node; ++np) order.push_back({x, y, np});
    }
  }
  return order;
}

namespace {

using graph::Vertex;

class Placer {
 public:
  Placer(Graph& graph, const HwConfig& hw)
      : graph_(graph),
        hw_(hw),
        order_(snake_order(hw)),
        pool_(graph[boost::graph_bundle].stream_pool_nps),
        resident_(hw.nps_total() - pool_, hw.np.weight_sram_bytes),
        holds_kv_(order_.size(), false) {}

  void run() {
    // Weight tiles first, in model order: the packing partition chose.
    for (Vertex v : boost::make_iterator_range(boost::vertices(graph_))) place_weights(graph_[v]);
    // Weightless tiles in topological order, so each op's producer already has its place.
    std::vector<Vertex> topo;
    boost::topological_sort(graph_, std::back_inserter(topo));
    for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
      if (graph_[*it].tiles[0].weight_bytes == 0) place_weightless(*it);
    }
    // The tied token embedding reads its row where the LM head holds the table.
    if (const auto head = graph::tied_lm_head(graph_)) {
      graph_[static_cast<Vertex>(graph_[*head].tied_to)].tiles[0].np = graph_[*head].tiles[0].np;
    }
  }

 private:
  void place_weights(ir::Op& op) {
    if (op.tiles[0].weight_bytes == 0) return;
    if (op.weights == ir::Storage::Dram) {
      for (ir::Tile& tile : op.tiles) tile.np = order_[static_cast<std::size_t>(tile.index % pool_)];
      return;
    }
    std::vector<int64_t> bytes;
    for (const ir::Tile& tile : op.tiles) bytes.push_back(tile.weight_bytes);
    // partition packed the same tiles in the same order, so they fit.
    const std::vector<int> bins = resident_.pack(bytes).value();
    for (std::size_t i = 0; i < bins.size(); ++i)
      op.tiles[i].np = order_[static_cast<std::size_t>(pool_ + bins[i])];
  }

  void place_weightless(Vertex v) {
    ir::Op& op = graph_[v];
    if (op.buffer >= 0) {
      ir::Buffer& buffer = graph_[boost::graph_bundle].buffers[static_cast<std::size_t>(op.buffer)];
      if (buffer.location == ir::Storage::Sram) {
        if (buffer.nps.empty()) claim_kv_nps(buffer, position_after_producer(v));
        for (ir::Tile& tile : op.tiles)
          tile.np = buffer.nps[static_cast<std::size_t>(tile.index) % buffer.nps.size()];
        return;
      }
    }
    const std::size_t start = position_after_producer(v);
    for (ir::Tile& tile : op.tiles)
      tile.np = order_[(start + static_cast<std::size_t>(tile.index)) % order_.size()];
  }

  // The snake position of the op feeding this one (its first operand's first tile); the DMA point for none.
  std::size_t position_after_producer(Vertex v) const {
    const std::vector<graph::Edge> inputs = graph::inputs_by_slot(graph_, v);
    if (inputs.empty()) return 0;
    const ir::NpCoord& np = graph_[boost::source(inputs.front(), graph_)].tiles[0].np;
    return snake_position(np);
  }

  std::size_t snake_position(const ir::NpCoord& np) const {
    const int along_row = np.y % 2 == 0 ? np.x : hw_.mesh_cols - 1 - np.x;
    return static_cast<std::size_t>((np.y * hw_.mesh_cols + along_row) * hw_.nps_per_node + np.np);
  }

  // plan_kv_cache left enough NPs for every SRAM buffer, one buffer per NP.
  void claim_kv_nps(ir::Buffer& buffer, std::size_t start) {
    const int64_t needed = kv_nps_needed(buffer, hw_);
    for (std::size_t step = 0; step < order_.size() && static_cast<int64_t>(buffer.nps.size()) < needed;
         ++step) {
      const std::size_t position = (start + step) % order_.size();
      if (holds_kv_[position]) continue;
      holds_kv_[position] = true;
      buffer.nps.push_back(order_[position]);
    }
  }

  Graph& graph_;
  const HwConfig& hw_;
  std::vector<ir::NpCoord> order_;
  int pool_;
  NextFitPacker resident_;
  std::vector<bool> holds_kv_;
};

}  // namespace

Graph place(Graph graph, const HwConfig& hw, Notes& notes) {
  Placer(graph, hw).run();
  const int pool = graph[boost::graph_bundle].stream_pool_nps;
  if (pool > 0) {
    notes.push_back(
        fmt::format("streamed weights enter at node ({},{}) and load into NPs {}..{} of the snake order",
                    kDmaPoint.x, kDmaPoint.y, 0, pool - 1));
  }
  return graph;
}

}  // namespace neurokv::passes
