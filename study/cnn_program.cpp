#include "study/cnn_program.hpp"

#include <fmt/format.h>

#include <set>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::study {
namespace {

using passes::LayerEngine;

LayerEngine engine_of(const ir::Op& op) {
  if (op.tiles.front().on_hrc) return LayerEngine::Hrc;
  if (op.kind != ir::OpKind::Dense) return LayerEngine::Cnp;
  return op.weights == ir::Storage::Dram ? LayerEngine::Fnp2 : LayerEngine::Fnp3;
}

// The layer's mapping from its tiles: tile s × filter_tiles + f is input tile s, filter group f.
passes::LayerMapping layer_mapping(const ir::Op& op, const CnnLayer& layer, int index) {
  passes::LayerMapping m;
  m.layer = index;
  m.engine = engine_of(op);
  m.input_bytes = (layer.in.elements() * layer.in_bits + 7) / 8;
  m.weight_bytes = layer_weight_bytes(layer);
  m.pass = op.tiles.front().pass;
  if (m.engine == LayerEngine::Hrc) {
    m.spatial_tiles = m.filter_tiles = 0;
    return m;
  }
  std::set<std::pair<int64_t, int64_t>> rows, channels;
  for (const ir::Tile& tile : op.tiles) {
    rows.insert({tile.row_begin, tile.row_end});
    channels.insert({tile.out_begin, tile.out_end});
    m.nps.push_back(tile.np);
  }
  m.spatial_tiles = static_cast<int>(rows.size());
  m.filter_tiles = static_cast<int>(channels.size());
  return m;
}

}  // namespace

CnnProgram cnn_of_program(const ir::Program& program, const std::string& file) {
  if (program.model.network != ir::Network::Cnn || program.ops.empty()) {
    throw InputError(fmt::format("{}: a {} program, expected a CNN program (network=cnn on its model line)",
                                 file, ir::to_string(program.model.network)));
  }
  CnnProgram cnn;
  cnn.spec.name = program.model.name;
  cnn.spec.file = file;
  const ir::Op& first = program.ops.front();
  cnn.spec.input = Shape3{first.in_height, first.in_width, first.in_features};
  cnn.spec.input_bits = first.in_bits;
  passes::CnnMapping& mapping = cnn.mapping;
  mapping.mode = passes::parse_map_mode(program.model.map_mode, file + ": map_mode");
  mapping.spread = program.model.spread;
  mapping.nps_total = program.chip.mesh_cols * program.chip.mesh_rows * program.chip.nps_per_node;
  std::set<ir::NpCoord> used;
  for (const ir::Op& op : program.ops) {
    if (op.tiles.empty() || !ir::is_cnn_layer(op.kind)) {
      throw InputError(fmt::format("{}: op %{} {} is a {} with {} tiles, expected a CNN layer with tiles",
                                   file, op.id, op.name, ir::to_string(op.kind), op.tiles.size()));
    }
    cnn.spec.layers.push_back(ir::cnn_layer_of(op));
    mapping.layers.push_back(layer_mapping(op, cnn.spec.layers.back(), op.id));
    const passes::LayerMapping& m = mapping.layers.back();
    mapping.passes = std::max(mapping.passes, m.pass + 1);
    mapping.nps_needed += m.np_count();
    used.insert(m.nps.begin(), m.nps.end());
  }
  mapping.nps_used = static_cast<int>(used.size());
  return cnn;
}

FrameReport estimate_program_frame(const ir::Program& program, const std::string& file, const HwConfig& hw) {
  const CnnProgram cnn = cnn_of_program(program, file);
  return estimate_frame(cnn.spec, cnn.mapping, hw);
}

}  // namespace neurokv::study
