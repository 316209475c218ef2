#pragma once
// What each kind of op is: one row per kind in op_kind.cpp. Every place that decides per kind (how an op is
// tiled over NPs, what its tiles cover, what its weights are, whether it touches a KV buffer) reads this
// table instead of listing kinds, and switches over kinds or over these traits have no `default:`, so
// -Werror=switch names the case a new kind or trait value forgot. A new kind: its enum value (program.hpp),
// its row and its place in kAllOpKinds (op_kind.cpp), its cost (simulator/work.cpp) and its lowering
// (compiler/graph/ frontend.cpp) — docs/contributing.md.
#include <vector>

#include "compiler/ir/program.hpp"

namespace neurokv::ir {

// What a tile's [out_begin, out_end) counts.
enum class TileAxis {
  Channels,    // output channels: the op is split by channel (weighted ops) or held whole
  QueryHeads,  // query heads: attention ops
  KvHeads,     // key/value heads: the KV read
};

// The shape of an op's parameters per output channel.
enum class WeightShape {
  None,    // no parameters
  Matrix,  // in_features weights (+ a bias) per output channel, stored [out, in]: Linear
  Table,   // a table of in_features rows, one column per output channel, stored transposed: Embed, PosEmbed
  Affine,  // a gain (+ a bias) per channel: LayerNorm
};

struct OpKindTraits {
  const char* name;     // in the text forms (.nkir, graph text) and reports
  TileAxis tile_axis;   // how partition splits the op over NPs; what the verifier checks its tiles cover
  WeightShape weights;  // its parameters
  bool uses_kv_buffer;  // it appends to or reads a KV-cache buffer (Op::buffer)
};

const OpKindTraits& op_kind_traits(OpKind kind);

// Every kind, in enum order: what the text form's parser accepts.
const std::vector<OpKind>& all_op_kinds();

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
