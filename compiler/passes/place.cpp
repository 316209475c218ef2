#include "compiler/passes/place.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <cstdlib>
#include <map>
#include <tuple>

#include "compiler/passes/np_packing.hpp"
#include "compiler/passes/plan_kv_cache.hpp"
#include "compiler/support/error.hpp"

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

int hops_between(const ir::NpCoord& a, const ir::NpCoord& b) {
  return std::abs(a.x - b.x) + std::abs(a.y - b.y);
}

// Activations one token brings a tile as input events (all its operands, every element an event): what
// the tile queues per prompt token in a prefill.
int64_t input_per_token(const ir::Op& op, const ir::Tile& tile) {
  const int64_t width = tile.out_end - tile.out_begin;
  switch (op.kind) {
    case ir::OpKind::Linear:
      return op.in_features;
    case ir::OpKind::Add:
      return 2 * width;
    case ir::OpKind::AttnScore:
    case ir::OpKind::AttnValue:
      return width * op.head_dim;
    default:
      return width;
  }
}

// A whole-width element-wise op: one weightless tile that takes a full activation vector per token.
bool spreads(const ir::Op& op) {
  return op.tiles.size() == 1 &&
         (op.kind == ir::OpKind::Add || op.kind == ir::OpKind::Gelu || op.kind == ir::OpKind::KvAppend);
}

class Placer {
 public:
  Placer(Graph& graph, const HwConfig& hw, Diagnostics& diagnostics)
      : graph_(graph),
        hw_(hw),
        diagnostics_(diagnostics),
        order_(snake_order(hw)),
        pool_(graph[boost::graph_bundle].stream_pool_nps),
        resident_(hw.nps_total() - pool_, hw.np.weight_sram_bytes),
        kv_slots_(order_.size(), -1),
        load_(order_.size(), 0) {}

  void run() {
    // Weight tiles first, in model order: the packing partition chose.
    for (Vertex v : boost::make_iterator_range(boost::vertices(graph_))) place_weights(graph_[v]);
    weight_load_ = *std::max_element(load_.begin(), load_.end());
    // Weightless tiles in topological order, so each op's producer already has its place. KV buffer ops
    // wait until the attention tiles that read the buffer have theirs.
    std::vector<Vertex> topo;
    boost::topological_sort(graph_, std::back_inserter(topo));
    std::vector<Vertex> buffer_ops;
    for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
      if (graph_[*it].tiles[0].weight_bytes != 0) continue;
      if (graph_[*it].buffer >= 0) {
        buffer_ops.push_back(*it);
      } else if (spreads(graph_[*it])) {
        place_least_loaded(graph_[*it], position_after_producer(*it));
      } else {
        place_at(graph_[*it], position_after_producer(*it));
      }
    }
    for (Vertex v : buffer_ops) {
      if (graph_[v].kind == ir::OpKind::KvRead) place_buffer(v);
    }
    for (Vertex v : buffer_ops) place_buffer_op(v);
    // The tied token embedding reads its row where the LM head holds the table.
    if (const auto head = graph::tied_lm_head(graph_)) {
      graph_[static_cast<Vertex>(graph_[*head].tied_to)].tiles[0].np = graph_[*head].tiles[0].np;
    }
  }

 private:
  void place_weights(ir::Op& op) {
    if (op.tiles[0].weight_bytes == 0) return;
    if (op.weights == ir::Storage::Dram) {
      // Each op's passes start one pool NP further than the previous op's, so the pool's first NP does not
      // take the first tile of every streamed op (single-tile ops such as LayerNorms spread over the pool).
      const int start = (op.tiles[0].pass - 1) % pool_;
      for (ir::Tile& tile : op.tiles) {
        tile.np = order_[static_cast<std::size_t>((start + tile.index) % pool_)];
        add_load(op, tile);
      }
      return;
    }
    std::vector<int64_t> bytes;
    for (const ir::Tile& tile : op.tiles) bytes.push_back(tile.weight_bytes);
    // partition packed the same tiles in the same order, so they fit.
    const std::vector<int> bins = resident_.pack(bytes).value();
    for (std::size_t i = 0; i < bins.size(); ++i)
      op.tiles[i].np = order_[static_cast<std::size_t>(pool_ + bins[i])];
    for (const ir::Tile& tile : op.tiles) add_load(op, tile);
  }

  void add_load(const ir::Op& op, const ir::Tile& tile) {
    load_[snake_position(tile.np)] += input_per_token(op, tile);
  }

  // Tile i goes i NPs further along the snake from `start`.
  void place_at(ir::Op& op, std::size_t start) {
    for (ir::Tile& tile : op.tiles) {
      tile.np = order_[(start + static_cast<std::size_t>(tile.index)) % order_.size()];
      add_load(op, tile);
    }
  }

  // A whole-width element-wise tile goes to the NP nearest its producer (fewest hops, then along the snake)
  // outside the streaming pool whose input per token stays within the most any NP takes from its weight
  // tiles alone, or to the least
  // loaded NP if none can: the chain of residual adds beside one another would make one NP queue every
  // block's residual stream, and an empty NP would be powered for one tile (docs/passes.md).
  void place_least_loaded(ir::Op& op, std::size_t producer) {
    const int64_t input = input_per_token(op, op.tiles[0]);
    const auto distance = [&](std::size_t j) {
      return std::make_pair(hops_between(order_[j], order_[producer]),
                            j > producer ? j - producer : producer - j);
    };
    std::size_t best = order_.size();
    std::pair<int, std::size_t> best_distance;
    for (std::size_t i = 0; i < order_.size(); ++i) {
      // The pool's NPs already take a whole input vector for every streamed op they hold a tile of.
      if (static_cast<int>(i) < pool_ || load_[i] + input > weight_load_) continue;
      const std::pair<int, std::size_t> to_i = distance(i);
      if (best == order_.size() || to_i < best_distance) {
        best = i;
        best_distance = to_i;
      }
    }
    if (best == order_.size()) {
      best = producer;
      for (std::size_t i = 0; i < order_.size(); ++i) {
        if (std::make_pair(load_[i], distance(i)) < std::make_pair(load_[best], distance(best))) best = i;
      }
    }
    op.tiles[0].np = order_[best];
    add_load(op, op.tiles[0]);
  }

  // The snake position of the op feeding this one (its first operand's first tile); the DMA point for none.
  std::size_t position_after_producer(Vertex v) const {
    const std::vector<graph::Edge> inputs = graph::inputs_by_slot(graph_, v);
    if (inputs.empty()) return 0;
    return snake_position(graph_[boost::source(inputs.front(), graph_)].tiles[0].np);
  }

  std::size_t snake_position(const ir::NpCoord& np) const {
    const int along_row = np.y % 2 == 0 ? np.x : hw_.mesh_cols - 1 - np.x;
    return static_cast<std::size_t>((np.y * hw_.mesh_cols + along_row) * hw_.nps_per_node + np.np);
  }

  // The NP of each KV head's first reader: the attention tile of the head group's first query head (a KvRead
  // feeds AttnScore, or AttnValue alone in the unfused K=V form; a head's score and value tiles share an NP).
  std::vector<ir::NpCoord> reader_nps(Vertex kv_read) const {
    const ir::Op& read = graph_[kv_read];
    const ir::Op* reader = nullptr;
    for (const graph::Edge& e : boost::make_iterator_range(boost::out_edges(kv_read, graph_))) {
      Vertex target = boost::target(e, graph_);
      // Keys rotated on read reach the scores through their rope.
      if (graph_[target].kind == ir::OpKind::Rope && boost::out_degree(target, graph_) > 0)
        target = boost::target(*boost::out_edges(target, graph_).first, graph_);
      const ir::Op& dst = graph_[target];
      if (dst.kind == ir::OpKind::AttnScore || (!reader && dst.kind == ir::OpKind::AttnValue)) reader = &dst;
    }
    if (!reader) throw RunError(fmt::format("kv_read {} feeds no attention op", read.name));
    const int group = reader->heads / read.kv_heads;
    std::vector<ir::NpCoord> nps;
    for (int h = 0; h < read.kv_heads; ++h)
      nps.push_back(reader->tiles.at(static_cast<std::size_t>(h * group)).np);
    return nps;
  }

  // The snake position of the NP with KV room nearest `reader` (fewest hops, then nearest along the snake,
  // then first along it), or order_.size() when none has room. Nodes are looked at ring by ring around the
  // reader's, so the search ends at the nearest ring with room (the reader's own NP is that near when it
  // has).
  std::size_t nearest_with_room(const ir::NpCoord& reader) const {
    const std::size_t at = snake_position(reader);
    std::size_t best = order_.size();
    std::size_t best_walk = 0;
    const auto consider = [&](int x, int y) {
      if (x < 0 || x >= hw_.mesh_cols || y < 0 || y >= hw_.mesh_rows) return;
      for (int np = 0; np < hw_.nps_per_node; ++np) {
        const std::size_t i = snake_position({x, y, np});
        if (kv_slots_[i] == 0) continue;
        const std::size_t walk = i > at ? i - at : at - i;
        if (best == order_.size() || walk < best_walk || (walk == best_walk && i < best)) {
          best = i;
          best_walk = walk;
        }
      }
    };
    const int farthest = hw_.mesh_cols + hw_.mesh_rows - 2;
    for (int hops = 0; hops <= farthest && best == order_.size(); ++hops) {
      for (int dx = -hops; dx <= hops; ++dx) {
        const int dy = hops - std::abs(dx);
        consider(reader.x + dx, reader.y - dy);
        if (dy > 0) consider(reader.x + dx, reader.y + dy);
      }
    }
    return best;
  }

  // A buffer's rows, head by head: on its first reader's NP when that NP has room in its KV share, else on
  // the nearest NP that has (fewest hops, then nearest along the snake). DRAM buffers hold no NP.
  void place_buffer(Vertex kv_read) {
    ir::Buffer& buffer =
        graph_[boost::graph_bundle].buffers.at(static_cast<std::size_t>(graph_[kv_read].buffer));
    readers_[graph_[kv_read].buffer] = reader_nps(kv_read);
    if (buffer.location != ir::Storage::Sram || !buffer.nps.empty()) return;
    const int64_t per_np = kv_slots_per_np(graph_[boost::graph_bundle].buffers, hw_);
    int moved = 0, max_hops = 0;
    for (const ir::NpCoord& reader : readers_[graph_[kv_read].buffer]) {
      const std::size_t best = nearest_with_room(reader);
      // plan_kv_cache counted the chip's head slots, so one is always left.
      if (best == order_.size())
        throw RunError(fmt::format("KV buffer {}: no NP has room left", buffer.name));
      if (kv_slots_[best] < 0) kv_slots_[best] = per_np;
      --kv_slots_[best];
      buffer.nps.push_back(order_[best]);
      if (!(order_[best] == reader)) ++moved;
      max_hops = std::max(max_hops, hops_between(order_[best], reader));
    }
    if (moved > 0) {
      diagnostics_.push_back(Diagnostic::note(fmt::format(
          "KV buffer {}: {} of {} heads' rows sit on the nearest NP with room, not their reader's (its KV "
          "share is full); {} hop{} to their attention tiles at most",
          buffer.name, moved, buffer.nps.size(), max_hops, max_hops == 1 ? "" : "s")));
    }
  }

  // KvRead tile h sits with KV head h's rows (an SRAM buffer) or on its first reader's NP (a DRAM buffer,
  // whose rows the DMA brings); KvAppend writes the rows where they live, or next to its producer for DRAM.
  void place_buffer_op(Vertex v) {
    ir::Op& op = graph_[v];
    const ir::Buffer& buffer = graph_[boost::graph_bundle].buffers.at(static_cast<std::size_t>(op.buffer));
    const std::vector<ir::NpCoord>& homes =
        buffer.location == ir::Storage::Sram ? buffer.nps : readers_.at(op.buffer);
    if (op.kind == ir::OpKind::KvAppend && buffer.location == ir::Storage::Dram) {
      if (spreads(op)) {
        place_least_loaded(op, position_after_producer(v));
      } else {
        place_at(op, position_after_producer(v));
      }
      return;
    }
    for (ir::Tile& tile : op.tiles) {
      tile.np = homes[static_cast<std::size_t>(tile.index) % homes.size()];
      add_load(op, tile);
    }
  }

  Graph& graph_;
  const HwConfig& hw_;
  Diagnostics& diagnostics_;
  std::vector<ir::NpCoord> order_;
  int pool_;
  NextFitPacker resident_;
  std::vector<int64_t> kv_slots_;                    // KV heads each NP may still take (-1: untouched)
  std::vector<int64_t> load_;                        // by snake position: input per token of its tiles
  int64_t weight_load_ = 0;                          // the most any NP takes from its weight tiles
  std::map<int, std::vector<ir::NpCoord>> readers_;  // by buffer: each KV head's first reader NP
};

}  // namespace

void place(Graph& graph, const HwConfig& hw, Diagnostics& diagnostics) {
  Placer(graph, hw, diagnostics).run();
  const int pool = graph[boost::graph_bundle].stream_pool_nps;
  if (pool > 0) {
    diagnostics.push_back(Diagnostic::note(
        fmt::format("streamed weights enter at node ({},{}) and load into NPs {}..{} of the snake order",
                    kDmaPoint.x, kDmaPoint.y, 0, pool - 1)));
  }
}

}  // namespace neurokv::passes
