#include "compiler/ir/op_kind.hpp"

#include <stdexcept>

namespace neurokv::ir {
namespace {

constexpr OpKindTraits row(OpKind kind) {
  using A = TileAxis;
  using W = WeightShape;
  switch (kind) {
    case OpKind::Embed:
      return {"embed", A::Channels, W::Table, false};
    case OpKind::PosEmbed:
      return {"pos_embed", A::Channels, W::Table, false};
    case OpKind::LayerNorm:
      return {"layernorm", A::Channels, W::Affine, false};
    case OpKind::Linear:
      return {"linear", A::Channels, W::Matrix, false};
    case OpKind::KvAppend:  // its tiles write whole rows: channels of the row's full width
      return {"kv_append", A::Channels, W::None, true};
    case OpKind::KvRead:
      return {"kv_read", A::KvHeads, W::None, true};
    case OpKind::AttnScore:
      return {"attn_score", A::QueryHeads, W::None, false};
    case OpKind::Softmax:
      return {"softmax", A::QueryHeads, W::None, false};
    case OpKind::AttnValue:
      return {"attn_value", A::QueryHeads, W::None, false};
    case OpKind::Gelu:
      return {"gelu", A::Channels, W::None, false};
    case OpKind::Add:
      return {"add", A::Channels, W::None, false};
  }
  return {"?", A::Channels, W::None, false};
}

}  // namespace

const std::vector<OpKind>& all_op_kinds() {
  static const std::vector<OpKind> kinds{OpKind::Embed,     OpKind::PosEmbed, OpKind::LayerNorm,
                                         OpKind::Linear,    OpKind::KvAppend, OpKind::KvRead,
                                         OpKind::AttnScore, OpKind::Softmax,  OpKind::AttnValue,
                                         OpKind::Gelu,      OpKind::Add};
  return kinds;
}

const OpKindTraits& op_kind_traits(OpKind kind) {
  static const std::vector<OpKindTraits> table = [] {
    std::vector<OpKindTraits> rows;
    for (OpKind k : all_op_kinds()) {
      if (static_cast<std::size_t>(k) != rows.size())
        throw std::logic_error("all_op_kinds() is out of enum order");
      rows.push_back(row(k));
    }
    return rows;
  }();
  return table.at(static_cast<std::size_t>(kind));
}

const char* to_string(TileAxis axis) {
  switch (axis) {
    case TileAxis::Channels:
      return "output channels";
    case TileAxis::QueryHeads:
      return "query heads";
    case TileAxis::KvHeads:
      return "key/value heads";
  }
  return "?";
}

int64_t tile_extent(const Op& op) {
  switch (op_kind_traits(op.kind).tile_axis) {
    case TileAxis::Channels:
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
