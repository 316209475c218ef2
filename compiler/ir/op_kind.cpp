#include "compiler/ir/op_kind.hpp"

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

const char* to_string(TileAxis axis) {
  switch (axis) {
    case TileAxis::Channels:
      return "output channels";
    case TileAxis::QueryHeads:
      return "query heads";
    case TileAxis::KvHeads:
      return "key/value heads";
    case TileAxis::FilterGroups:
      return "output channels of each input tile";
  }
  return "?";
}

int64_t tile_extent(const Op& op) {
  switch (op_kind_traits(op.kind).tile_axis) {
    case TileAxis::Channels:
    case TileAxis::FilterGroups:
      return op.out_features;
    case TileAxis::QueryHeads:
      return op.heads;
    case TileAxis::KvHeads:
      return op.kv_heads;
  }
  return op.out_features;
}

bool split_by_channels(const Op& op, bool tied_table) {
  switch (op_kind_traits(op.kind).weights) {
    case WeightShape::Matrix:
    case WeightShape::Filter:
      return true;
    case WeightShape::Table:
      return !tied_table;
    case WeightShape::Affine:
    case WeightShape::None:
      return false;
  }
  return false;
}

}  // namespace neurokv::ir
