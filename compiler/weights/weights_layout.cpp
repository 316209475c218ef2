#include "compiler/weights/weights_layout.hpp"

#include "compiler/ir/op_kind.hpp"
#include "compiler/ir/program.hpp"

namespace neurokv::weights {

bool stores_weights(const ir::Op& op) {
  for (const ir::Tile& tile : op.tiles) {
    if (tile.weight_bytes > 0) return true;
  }
  return false;
}

StoredShape stored_shape(const ir::Op& op) {
  if (ir::op_kind_traits(op.kind).weights == ir::WeightShape::Affine)
    return {ir::affine_channels(op), 1, op.bias};
  return {op.out_features, op.in_features, op.bias};
}

StoredRange stored_range(const ir::Op& op, const ir::Tile& tile) {
  if (ir::op_kind_traits(op.kind).weights == ir::WeightShape::Affine) return {0, ir::affine_channels(op)};
  return {tile.out_begin, tile.out_end};
}

}  // namespace neurokv::weights
