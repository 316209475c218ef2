#include "compiler/ir/cnn_layer.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"

namespace neurokv::ir {
namespace {

OpKind op_kind_of(CnnLayerKind kind) {
  switch (kind) {
    case CnnLayerKind::InputConv:
    case CnnLayerKind::Conv2d:
      return OpKind::Conv2d;
    case CnnLayerKind::Depthwise:
      return OpKind::Depthwise;
    case CnnLayerKind::Pointwise:
      return OpKind::Pointwise;
    case CnnLayerKind::Separable:
      return OpKind::Separable;
    case CnnLayerKind::Dense:
      return OpKind::Dense;
  }
  return OpKind::Conv2d;
}

CnnLayerKind layer_kind_of(const Op& op) {
  switch (op.kind) {
    case OpKind::Conv2d:
      return !op.tiles.empty() && op.tiles.front().on_hrc ? CnnLayerKind::InputConv : CnnLayerKind::Conv2d;
    case OpKind::Depthwise:
      return CnnLayerKind::Depthwise;
    case OpKind::Pointwise:
      return CnnLayerKind::Pointwise;
    case OpKind::Separable:
      return CnnLayerKind::Separable;
    case OpKind::Dense:
      return CnnLayerKind::Dense;
    case OpKind::Embed:
    case OpKind::PosEmbed:
    case OpKind::LayerNorm:
    case OpKind::Linear:
    case OpKind::KvAppend:
    case OpKind::KvRead:
    case OpKind::AttnScore:
    case OpKind::Softmax:
    case OpKind::AttnValue:
    case OpKind::Gelu:
    case OpKind::Add:
    case OpKind::RmsNorm:
    case OpKind::Rope:
    case OpKind::Glu:
      break;
  }
  throw RunError(fmt::format("op %{} {} is a {}, not a CNN layer", op.id, op.name, to_string(op.kind)));
}

Pooling pooling_of(CnnPooling pool) {
  switch (pool) {
    case CnnPooling::None:
      return Pooling::None;
    case CnnPooling::Max:
      return Pooling::Max;
    case CnnPooling::Avg:
      return Pooling::Avg;
    case CnnPooling::GlobalAvg:
      return Pooling::GlobalAvg;
  }
  return Pooling::None;
}

CnnPooling layer_pooling_of(Pooling pool) {
  switch (pool) {
    case Pooling::None:
      return CnnPooling::None;
    case Pooling::Max:
      return CnnPooling::Max;
    case Pooling::Avg:
      return CnnPooling::Avg;
    case Pooling::GlobalAvg:
      return CnnPooling::GlobalAvg;
  }
  return CnnPooling::None;
}

Relu relu_of(CnnActivation activation) {
  switch (activation) {
    case CnnActivation::None:
      return Relu::No;
    case CnnActivation::Relu:
      return Relu::Yes;
    case CnnActivation::BoundedRelu:
      return Relu::Bounded;
  }
  return Relu::No;
}

CnnActivation activation_of(Relu relu) {
  switch (relu) {
    case Relu::No:
      return CnnActivation::None;
    case Relu::Yes:
      return CnnActivation::Relu;
    case Relu::Bounded:
      return CnnActivation::BoundedRelu;
  }
  return CnnActivation::None;
}

}  // namespace

Op cnn_layer_op(const CnnLayer& layer, int index) {
  Op op;
  op.name = layer.name;
  op.kind = op_kind_of(layer.kind);
  op.layer = index;
  op.in_height = layer.in.height;
  op.in_width = layer.in.width;
  op.in_features = layer.in.channels;
  op.out_height = layer.out.height;
  op.out_width = layer.out.width;
  op.out_features = layer.out.channels;
  if (layer.kind != CnnLayerKind::Dense) {
    op.kernel = layer.kernel;
    op.stride = layer.stride;
    if (layer.padding == CnnPadding::Same) {
      if (layer.kernel % 2 == 0) {
        throw InputError(fmt::format(
            "layer {}: kernel {} with padding 'same' pads unevenly, which the Event IR's pad (the same "
            "on both sides) cannot state; expected an odd kernel or padding 'valid'",
            layer.name, layer.kernel));
      }
      op.pad = (layer.kernel - 1) / 2;  // gives 'same''s ⌈in / stride⌉ for an odd kernel
    }
  }
  op.pool = pooling_of(layer.pool);
  op.pool_size = layer.pool_size;
  op.pool_stride = layer.pool_stride;
  op.relu = relu_of(layer.activation);
  op.relu_bound = layer.relu_bound;
  op.bias = layer.bias;
  op.batchnorm = layer.batchnorm;
  op.weight_bits = layer.weight_bits;
  op.act_bits = layer.act_bits;
  op.in_bits = layer.in_bits;
  op.input_density = layer.input_density;
  return op;
}

CnnLayer cnn_layer_of(const Op& op) {
  CnnLayer l;
  l.name = op.name;
  l.kind = layer_kind_of(op);
  l.in = Shape3{op.in_height, op.in_width, op.in_features};
  l.out = Shape3{op.out_height, op.out_width, op.out_features};
  l.filters = op.out_features;
  if (l.kind == CnnLayerKind::Dense) {
    l.conv_out = l.out;
  } else {
    l.kernel = op.kernel;
    l.stride = op.stride;
    // A 1×1 kernel pads nothing either way; YAML's default for it is 'same'.
    l.padding = op.pad > 0 || op.kernel == 1 ? CnnPadding::Same : CnnPadding::Valid;
    l.conv_out = Shape3{conv_output_side(op.in_height, op.kernel, op.stride, op.pad),
                        conv_output_side(op.in_width, op.kernel, op.stride, op.pad), op.out_features};
  }
  l.pool = layer_pooling_of(op.pool);
  l.pool_size = op.pool_size;
  l.pool_stride = op.pool_stride;
  l.activation = activation_of(op.relu);
  l.relu_bound = op.relu_bound;
  l.bias = op.bias;
  l.batchnorm = op.batchnorm;
  l.weight_bits = op.weight_bits;
  l.act_bits = op.act_bits;
  l.in_bits = op.in_bits;
  l.input_density = op.input_density;
  return l;
}

int64_t conv_output_side(int64_t in, int kernel, int stride, int pad) {
  const int64_t span = in + 2 * int64_t{pad} - kernel;
  if (span < 0 || stride < 1) return 0;
  return span / stride + 1;
}

int64_t pooled_side(int64_t conv, Pooling pool, int size, int stride) {
  switch (pool) {
    case Pooling::None:
      return conv;
    case Pooling::GlobalAvg:
      return 1;
    case Pooling::Max:
    case Pooling::Avg:
      return conv_output_side(conv, size, stride, 0);
  }
  return conv;
}

void refuse_cnn_layer(const Op& op, const char* what) {
  throw RunError(
      fmt::format("op %{} {} is a CNN layer ({}): {} runs transformer ops only; a CNN is costed "
                  "per frame (neurokv estimate --model)",
                  op.id, op.name, to_string(op.kind), what));
}

bool cnn_sizes_bounded(const Op& op) {
  return op.in_height <= kCnnMaxSide && op.in_width <= kCnnMaxSide && op.in_features <= kCnnMaxChannels &&
         op.out_features <= kCnnMaxChannels && op.kernel <= kCnnMaxKernel && op.weight_bits <= 8;
}

}  // namespace neurokv::ir
