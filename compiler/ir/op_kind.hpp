#pragma once
// What each kind of op is: its enum value and its row of traits, both here. Every place that decides per kind
// (how an op is tiled over NPs, what its tiles cover, what its weights are, whether it touches a KV buffer)
// reads this table instead of listing kinds, and switches over kinds or over these traits have no `default:`,
// so -Werror=switch names the case a new kind or trait value forgot. A new kind: its enum value, its row in
// op_kind_traits() and its place in kOpKinds (this file), its cost (simulator/work.cpp) and its lowering
// (compiler/graph/frontend.cpp) — docs/contributing.md.
#include <array>
#include <cstddef>
#include <cstdint>

namespace neurokv::ir {

struct Op;

enum class OpKind {
  Embed,
  PosEmbed,
  LayerNorm,
  Linear,
  KvAppend,
  KvRead,
  AttnScore,
  Softmax,
  AttnValue,
  Gelu,
  Add,
  RmsNorm,
  Rope,
  Glu,
  Conv2d,
  Depthwise,
  Pointwise,
  Separable,
  Dense
};

// Every kind, in enum order: what the text form's parser accepts.
constexpr std::array<OpKind, 19> kOpKinds{
    OpKind::Embed,     OpKind::PosEmbed,  OpKind::LayerNorm, OpKind::Linear,    OpKind::KvAppend,
    OpKind::KvRead,    OpKind::AttnScore, OpKind::Softmax,   OpKind::AttnValue, OpKind::Gelu,
    OpKind::Add,       OpKind::RmsNorm,   OpKind::Rope,      OpKind::Glu,       OpKind::Conv2d,
    OpKind::Depthwise, OpKind::Pointwise, OpKind::Separable, OpKind::Dense};

// What a tile's [out_begin, out_end) counts.
enum class TileAxis {
  Channels,    // output channels: the op is split by channel (weighted ops) or held whole
  QueryHeads,  // query heads: attention ops
  KvHeads,     // key/value heads: the KV read
  // CNN layers: a tile is one (input tile, filter group) pair of the mapping: rows [row_begin, row_end) of
  // the layer's input and output channels [out_begin, out_end); the pairs cover rows × channels once each.
  FilterGroups,
};

// The shape of an op's parameters per output channel.
enum class WeightShape {
  None,    // no parameters
  Matrix,  // in_features weights (+ a bias) per output channel, stored [out, in]: Linear
  Table,   // a table of in_features rows, one column per output channel, stored transposed: Embed, PosEmbed
  Affine,  // a gain (+ a bias) per channel: LayerNorm, RmsNorm (QK-norm: per element of a head, shared)
  Filter,  // a CNN layer's filter (+ a bias) per output channel, and a separable layer's depthwise kernels
           // held by every tile (compiler/ir/cnn_layer.hpp)
};

struct OpKindTraits {
  const char* name;     // in the text forms (.nkir, graph text) and reports
  TileAxis tile_axis;   // how partition splits the op over NPs; what the verifier checks its tiles cover
  WeightShape weights;  // its parameters
  bool uses_kv_buffer;  // it appends to or reads a KV-cache buffer (Op::buffer)
};

// The table: one row per kind.
constexpr OpKindTraits op_kind_traits(OpKind kind) {
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
    case OpKind::RmsNorm:  // with head_dim set: QK-norm, each head normalised on its own
      return {"rmsnorm", A::Channels, W::Affine, false};
    case OpKind::Rope:  // rotates queries or keys by position; after a kv_read: every cached key, on read
      return {"rope", A::Channels, W::None, false};
    case OpKind::Glu:  // act(gate) ⊙ up: the gated MLP's product (act: SiLU or GELU)
      return {"glu", A::Channels, W::None, false};
    // CNN layers (version 5), one op per layer of a CNN model: BatchNorm folded into the weights, the ReLU
    // and the pooling that follow it as fields. The dense input layer is a conv2d whose tile is on the HRC.
    case OpKind::Conv2d:  // k×k over every input channel
      return {"conv2d", A::FilterGroups, W::Filter, false};
    case OpKind::Depthwise:  // k×k of each channel on its own
      return {"depthwise", A::FilterGroups, W::Filter, false};
    case OpKind::Pointwise:  // 1×1 over every input channel
      return {"pointwise", A::FilterGroups, W::Filter, false};
    case OpKind::Separable:  // depthwise k×k then pointwise 1×1 on the same NPs (Akida's
                             // SeparableConvolutional)
      return {"separable", A::FilterGroups, W::Filter, false};
    case OpKind::Dense:  // fully connected over the flattened input
      return {"dense", A::FilterGroups, W::Filter, false};
  }
  return {"?", A::Channels, W::None, false};  // not a kind
}

// kOpKinds lists every kind with a row, in enum order, and no more.
constexpr bool op_kinds_listed() {
  for (std::size_t i = 0; i < kOpKinds.size(); ++i) {
    if (kOpKinds[i] != static_cast<OpKind>(i) || op_kind_traits(kOpKinds[i]).name[0] == '?') return false;
  }
  return op_kind_traits(static_cast<OpKind>(kOpKinds.size())).name[0] == '?';
}
static_assert(op_kinds_listed(), "kOpKinds must list every OpKind, in enum order");

// The kind's name in the text forms and reports.
inline const char* to_string(OpKind kind) { return op_kind_traits(kind).name; }

// Ops whose kind carries parameters: Linear, Embed, PosEmbed, LayerNorm (gain and bias).
constexpr bool has_weights(OpKind kind) { return op_kind_traits(kind).weights != WeightShape::None; }

// A CNN layer (conv2d, depthwise, pointwise, separable, dense): tiled by (input rows, filter group).
constexpr bool is_cnn_layer(OpKind kind) { return op_kind_traits(kind).tile_axis == TileAxis::FilterGroups; }

// "output channels", "query heads", "key/value heads": the unit of a tile's range, for messages.
const char* to_string(TileAxis axis);

// The range an op's tiles partition, without gap or overlap, by its tile axis: query heads [0, heads) for
// AttnScore, Softmax and AttnValue; key/value heads [0, kv_heads) for KvRead (each tile streams its heads'
// rows to the attention tiles); output channels [0, out_features) for every other op, KvAppend included (it
// writes one whole row).
int64_t tile_extent(const Op& op);

// An op whose weights are split over NPs by output channel (each tile holds its channels' weights): a weight
// matrix, or an embedding table unless it is the LM head's (`tied_table`: then it holds no weights).
bool split_by_channels(const Op& op, bool tied_table);

}  // namespace neurokv::ir
