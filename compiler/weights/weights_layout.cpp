#include "compiler/weights/weights_layout.hpp"

#include "compiler/ir/op_kind.hpp"

namespace neurokv::weights {

bool stores_weights(const ir::Op& op) {
  for (const ir::Tile& tile : op.tiles) {
    if (tile.weight_bytes > 0) return true;
  }
  return false;
}

StoredShape stored_shape(const ir::Op& op) {
  if (ir::op_kind_traits(op.kind).weights == ir::WeightShape::Affine) return {op.out_features, 1, true};
  return {op.out_features, op.in_features, op.bias};
}

}  // namespace neurokv::weights
