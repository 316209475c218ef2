#pragma once
// How an Event IR op's weights are laid out in the weights file: every tensor is stored [out][in] over the
// op's output channels, the axis partition splits into tiles. Linear: its weight [out][in] (a tied LM head:
// the token table [vocab][d_model], which it holds for the embedding). Untied embedding tables:
// [d_model][rows], the table transposed. LayerNorm: the gain as [d][1] and its bias. The writer and the check
// share this.
#include <cstdint>

#include "compiler/ir/program.hpp"

namespace neurokv::weights {

struct StoredShape {
  int64_t out = 0, in = 0;
  bool has_bias = false;
};

// Whether the op's tiles hold weight bytes (a tied embedding reads the LM head's and holds none).
bool stores_weights(const ir::Op& op);
StoredShape stored_shape(const ir::Op& op);
// The stored channels a tile holds: its output channels, or for a norm (held whole) its whole gain, which
// for QK-norm is one head's width, not the op's.
struct StoredRange {
  int64_t begin = 0, end = 0;
};
StoredRange stored_range(const ir::Op& op, const ir::Tile& tile);

}  // namespace neurokv::weights
