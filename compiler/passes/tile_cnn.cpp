#include "compiler/passes/tile_cnn.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::passes {
namespace {

// Part `i` of `parts` as even as integers allow: [i·n/parts, (i+1)·n/parts).
std::pair<int64_t, int64_t> even_part(int64_t n, int parts, int i) {
  return {n * i / parts, n * (i + 1) / parts};
}

ir::Tile tile_of(const ir::Op& op, int index, int64_t rows, int row_parts, int row_part, int channel_parts,
                 int channel_part, int pass) {
  ir::Tile tile;
  tile.index = index;
  std::tie(tile.row_begin, tile.row_end) = even_part(rows, row_parts, row_part);
  std::tie(tile.out_begin, tile.out_end) = even_part(op.out_features, channel_parts, channel_part);
  tile.weight_bytes = ir::tile_weight_bytes(op, tile.out_end - tile.out_begin, false);
  tile.pass = pass;
  return tile;
}

}  // namespace

void tile_cnn(Graph& graph, const CnnMapping& mapping, Diagnostics& diagnostics) {
  graph::ProgramInfo& info = graph[boost::graph_bundle];
  info.model.map_mode = to_string(mapping.mode);
  info.model.spread = mapping.spread;
  for (const LayerMapping& m : mapping.layers) {
    ir::Op& op = graph[static_cast<graph::Vertex>(m.layer)];  // the frontend adds one op per layer, in order
    op.tiles.clear();
    op.weights = m.engine == LayerEngine::Fnp2 ? ir::Storage::Dram : ir::Storage::Sram;
    if (m.engine == LayerEngine::Hrc) {
      op.tiles.push_back(tile_of(op, 0, op.in_height, 1, 0, 1, 0, m.pass));
      op.tiles.back().on_hrc = true;
      continue;
    }
    if (m.spatial_tiles > op.in_height) {
      // A cut by columns (np.max_input_width) of a layer with fewer rows than tiles: a row band each would
      // leave some empty, and a tile has no column range (docs/ir.md, "CNN layers").
      throw MappingError(fmt::format(
          "layer {} ({}x{} input) is cut into {} input tiles, more than its {} rows: the Event IR writes an "
          "input tile as a band of rows and cannot state this cut; expected a layer with at least as many "
          "rows as input tiles",
          op.name, op.in_height, op.in_width, m.spatial_tiles, op.in_height));
    }
    for (int s = 0; s < m.spatial_tiles; ++s) {
      for (int f = 0; f < m.filter_tiles; ++f) {
        const int index = s * m.filter_tiles + f;
        op.tiles.push_back(tile_of(op, index, op.in_height, m.spatial_tiles, s, m.filter_tiles, f, m.pass));
        op.tiles.back().np = m.nps.at(static_cast<std::size_t>(index));
      }
    }
  }
  diagnostics.push_back(Diagnostic::note(
      fmt::format("{}: {} layers mapped {} on {} of {} NPs ({} NPs summed over {} pass{})", info.model.name,
                  mapping.layers.size(), to_string(mapping.mode), mapping.nps_used, mapping.nps_total,
                  mapping.nps_needed, mapping.passes, mapping.passes == 1 ? "" : "es")));
}

}  // namespace neurokv::passes
