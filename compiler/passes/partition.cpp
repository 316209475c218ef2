#include "compiler/passes/partition.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/ir/op_kind.hpp"
#include "compiler/passes/np_packing.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::passes {
namespace {

using graph::Vertex;
using ir::OpKind;

// Tiles the whole program may still take. Counted before any is allocated, so a valid but absurd model
// (d_model 131072 x 1024 layers, 4096 heads) is refused in milliseconds instead of exhausting memory.
class TileBudget {
 public:
  void take(const ir::Op& op, int64_t parts) {
    left_ -= parts;
    if (left_ < 0) {
      throw MappingError(
          fmt::format("the program needs more than {} tiles (op {} alone takes {}), expected a model "
                      "and chip that compile to at most {} tiles",
                      kMaxProgramTiles, op.name, parts, kMaxProgramTiles));
    }
  }

 private:
  int64_t left_ = kMaxProgramTiles;
};

// Splits [0, count) into `parts` ranges whose sizes differ by at most one.
std::vector<ir::Tile> even_tiles(const ir::Op& op, int64_t count, int64_t parts, TileBudget& budget) {
  budget.take(op, parts);
  // Each tile written once, whole (a vector of `parts` tiles would zero them all first: a program's tiles
  // are hundreds of kilobytes).
  std::vector<ir::Tile> tiles;
  tiles.reserve(static_cast<std::size_t>(parts));
  int64_t begin = 0;
  for (int64_t i = 0; i < parts; ++i) {
    const int64_t size = count / parts + (i < count % parts ? 1 : 0);
    ir::Tile tile;
    tile.index = static_cast<int>(i);
    tile.out_begin = begin;
    tile.out_end = begin + size;
    tiles.push_back(tile);
    begin += size;
  }
  return tiles;
}

std::vector<ir::Tile> channel_tiles(const ir::Op& op, const HwConfig& hw, TileBudget& budget) {
  const int64_t channel_bits = ir::channel_weight_bits(op, /*tied_embed=*/false);
  const int64_t per_tile = hw.np.weight_sram_bytes * 8 / channel_bits;
  if (per_tile < 1) {
    throw MappingError(
        fmt::format("op {} needs {} bytes of weight SRAM for one output channel, the chip has {} per NP",
                    op.name, (channel_bits + 7) / 8, hw.np.weight_sram_bytes));
  }
  std::vector<ir::Tile> tiles =
      even_tiles(op, op.out_features, (op.out_features + per_tile - 1) / per_tile, budget);
  // The tiles have two widths at most (even_tiles), the wider first: each width's bytes worked out once.
  int64_t width = -1, bytes = 0;
  for (ir::Tile& tile : tiles) {
    if (tile.out_end - tile.out_begin != width) {
      width = tile.out_end - tile.out_begin;
      bytes = ir::tile_weight_bytes(op, width, false);
    }
    tile.weight_bytes = bytes;
  }
  return tiles;
}

// `tied_table`: the op is the table the LM head is tied to; it holds no weights of its own.
std::vector<ir::Tile> make_tiles(const ir::Op& op, bool tied_table, const HwConfig& hw, TileBudget& budget) {
  if (ir::split_by_channels(op, tied_table)) return channel_tiles(op, hw, budget);
  switch (ir::op_kind_traits(op.kind).tile_axis) {
    case ir::TileAxis::QueryHeads:
      return even_tiles(op, op.heads, op.heads, budget);
    case ir::TileAxis::KvHeads:
      return even_tiles(op, op.kv_heads, op.kv_heads, budget);
    case ir::TileAxis::Channels:
    case ir::TileAxis::FilterGroups:  // CNN layers are tiled by tile_cnn, from map_cnn's mapping
      break;
  }
  std::vector<ir::Tile> tiles = even_tiles(op, op.out_features, 1, budget);
  if (ir::op_kind_traits(op.kind).weights == ir::WeightShape::Affine) {
    tiles[0].weight_bytes = ir::tile_weight_bytes(op, op.out_features, false);
    if (tiles[0].weight_bytes > hw.np.weight_sram_bytes) {
      throw MappingError(
          fmt::format("op {} needs {} bytes of weight SRAM for its gain and bias, the chip has {} per NP",
                      op.name, tiles[0].weight_bytes, hw.np.weight_sram_bytes));
    }
  }
  return tiles;
}

std::vector<int64_t> tile_bytes(const ir::Op& op) {
  std::vector<int64_t> bytes;
  for (const ir::Tile& tile : op.tiles) bytes.push_back(tile.weight_bytes);
  return bytes;
}

int64_t total_bytes(const ir::Op& op) {
  int64_t total = 0;
  for (const ir::Tile& tile : op.tiles) total += tile.weight_bytes;
  return total;
}

// Ops holding weights, in model order (vertex order: the frontend adds them as the model runs).
std::vector<Vertex> weighted_ops(const Graph& graph) {
  std::vector<Vertex> ops;
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    if (total_bytes(graph[v]) > 0) ops.push_back(v);
  }
  return ops;
}

// Next fit in model order on `bins` NPs; returns the first op that did not fit (or none).
std::optional<Vertex> keep_resident(Graph& graph, const std::vector<Vertex>& ops, int bins,
                                    int64_t capacity) {
  NextFitPacker packer(bins, capacity);
  std::optional<Vertex> first_misfit;
  for (Vertex v : ops) {
    const bool fits = packer.pack(tile_bytes(graph[v])).has_value();
    graph[v].weights = fits ? ir::Storage::Sram : ir::Storage::Dram;
    if (!fits && !first_misfit) first_misfit = v;
  }
  return first_misfit;
}

std::string all_resident_error(const Graph& graph, Vertex misfit, const std::vector<Vertex>& ops,
                               const HwConfig& hw) {
  int64_t total = 0;
  for (Vertex v : ops) total += total_bytes(graph[v]);
  const ir::Op& op = graph[misfit];
  return fmt::format(
      "op {} needs {} bytes of weight SRAM in {} tiles, the chip has {} ({} NPs x {} B) for {} bytes "
      "of weights and no DRAM to stream from",
      op.name, total_bytes(op), op.tiles.size(), int64_t{hw.nps_total()} * hw.np.weight_sram_bytes,
      hw.nps_total(), hw.np.weight_sram_bytes, total);
}

// Streamed ops run pass by pass over the pool, one tile per pool NP per pass, each op from a fresh pass.
int number_passes(Graph& graph, const std::vector<Vertex>& ops, int pool) {
  int next_pass = 1;
  for (Vertex v : ops) {
    ir::Op& op = graph[v];
    if (op.weights != ir::Storage::Dram) continue;
    for (ir::Tile& tile : op.tiles) tile.pass = next_pass + tile.index / pool;
    next_pass += (static_cast<int>(op.tiles.size()) + pool - 1) / pool;
  }
  return next_pass - 1;
}

}  // namespace

void partition(Graph& graph, const HwConfig& hw, Diagnostics& diagnostics) {
  const std::optional<Vertex> head = graph::tied_lm_head(graph);
  TileBudget budget;
  for (Vertex v : boost::make_iterator_range(boost::vertices(graph))) {
    const bool tied_table = head && static_cast<Vertex>(graph[*head].tied_to) == v;
    graph[v].tiles = make_tiles(graph[v], tied_table, hw, budget);
  }
  const std::vector<Vertex> ops = weighted_ops(graph);
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  const std::optional<Vertex> misfit = keep_resident(graph, ops, hw.nps_total(), hw.np.weight_sram_bytes);
  info.stream_pool_nps = 0;
  if (misfit) {
    if (!hw.dram.present) throw MappingError(all_resident_error(graph, *misfit, ops, hw));
    const int pool = std::max(1, hw.nps_total() / kStreamPoolDivisor);
    info.stream_pool_nps = pool;
    keep_resident(graph, ops, hw.nps_total() - pool, hw.np.weight_sram_bytes);
    const int passes = number_passes(graph, ops, pool);
    const auto streamed = std::count_if(ops.begin(), ops.end(),
                                        [&](Vertex v) { return graph[v].weights == ir::Storage::Dram; });
    diagnostics.push_back(Diagnostic::note(
        fmt::format("weights do not fit on chip: {} of {} weighted ops streamed from DRAM in {} passes "
                    "through a pool of {} NPs",
                    streamed, ops.size(), passes, pool)));
  }
  // The tied token embedding reads its row from the LM head's table, wherever that lives.
  if (head) graph[static_cast<Vertex>(graph[*head].tied_to)].weights = graph[*head].weights;
}

}  // namespace neurokv::passes
