#include "compiler/ir/program.hpp"

#include <limits>

#include "compiler/ir/cnn_layer.hpp"
#include "compiler/ir/op_kind.hpp"

namespace neurokv::ir {

const char* to_string(LinearRole role) {
  switch (role) {
    case LinearRole::None:
      return "none";
    case LinearRole::Q:
      return "q";
    case LinearRole::K:
      return "k";
    case LinearRole::V:
      return "v";
    case LinearRole::O:
      return "o";
    case LinearRole::MlpUp:
      return "mlp_up";
    case LinearRole::MlpDown:
      return "mlp_down";
    case LinearRole::LmHead:
      return "lm_head";
    case LinearRole::MlpGate:
      return "mlp_gate";
  }
  return "?";
}

const char* to_string(GateActivation activation) {
  return activation == GateActivation::Silu ? "silu" : "gelu";
}

const char* to_string(Network network) { return network == Network::Cnn ? "cnn" : "transformer"; }

const char* to_string(Pooling pooling) {
  switch (pooling) {
    case Pooling::None:
      return "none";
    case Pooling::Max:
      return "max";
    case Pooling::Avg:
      return "avg";
    case Pooling::GlobalAvg:
      return "global_avg";
  }
  return "?";
}

const char* to_string(Relu relu) {
  switch (relu) {
    case Relu::No:
      return "no";
    case Relu::Yes:
      return "yes";
    case Relu::Bounded:
      return "bounded";
  }
  return "?";
}

const char* to_string(Storage storage) { return storage == Storage::Sram ? "sram" : "dram"; }

const char* to_string(BufferRole role) { return role == BufferRole::Keys ? "keys" : "values"; }

namespace {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();

int64_t saturating_multiply(int64_t a, int64_t b) {
  int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kSaturated : product;
}

int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kSaturated : sum;
}

}  // namespace

int64_t channel_weight_bits(const Op& op, bool tied_embed) {
  switch (op_kind_traits(op.kind).weights) {
    case WeightShape::Table:
      if (tied_embed) return 0;
      [[fallthrough]];
    case WeightShape::Matrix:
      return saturating_add(saturating_multiply(op.in_features, op.weight_bits),
                            op.bias ? op.weight_bits : 0);
    case WeightShape::Affine:
      return (op.bias ? 2 : 1) * int64_t{op.weight_bits};
    case WeightShape::Filter:
      return cnn_sizes_bounded(op) ? filter_weight_bits(cnn_layer_of(op)) : kSaturated;
    case WeightShape::None:
      return 0;
  }
  return 0;
}

int64_t tile_weight_bytes(const Op& op, int64_t channels, bool tied_embed) {
  // A per-head gain (QK-norm) is head_dim long whatever the width it normalises; norms are held whole.
  if (op_kind_traits(op.kind).weights == WeightShape::Affine && op.out_features > 0)
    channels = channels * affine_channels(op) / op.out_features;
  int64_t bits = saturating_multiply(channels, channel_weight_bits(op, tied_embed));
  // Every tile of a separable layer holds its depthwise kernels beside its filters.
  if (op.kind == OpKind::Separable && cnn_sizes_bounded(op))
    bits = saturating_add(bits, shared_weight_bits(cnn_layer_of(op)));
  return bits == kSaturated ? kSaturated : (bits + 7) / 8;
}

namespace {

int64_t op_parameters(const Op& op) {
  switch (op_kind_traits(op.kind).weights) {
    case WeightShape::Matrix:
      if (op.tied_to >= 0) return 0;
      return op.in_features * op.out_features + (op.bias ? op.out_features : 0);
    case WeightShape::Table:
      return op.in_features * op.out_features;
    case WeightShape::Affine:
      return (op.bias ? 2 : 1) * affine_channels(op);
    case WeightShape::Filter:
      return cnn_sizes_bounded(op) ? layer_parameters(cnn_layer_of(op)) : 0;
    case WeightShape::None:
      return 0;
  }
  return 0;
}

}  // namespace

int64_t affine_channels(const Op& op) { return op.head_dim > 0 ? op.head_dim : op.out_features; }

int64_t parameter_count(const Program& program) {
  int64_t total = 0;
  for (const Op& op : program.ops) total += op_parameters(op);
  return total;
}

int64_t weight_bytes(const Program& program) {
  int64_t total = 0;
  for (const Op& op : program.ops) total += (op_parameters(op) * op.weight_bits + 7) / 8;
  return total;
}

int count_linear(const Program& program, LinearRole role) {
  int count = 0;
  for (const Op& op : program.ops) count += op.kind == OpKind::Linear && op.role == role;
  return count;
}

}  // namespace neurokv::ir
