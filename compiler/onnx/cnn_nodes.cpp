#include "compiler/onnx/cnn_nodes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "compiler/onnx/node_attributes.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// The largest stride and pooling window a CNN model takes (cnn_spec.cpp's bounds).
constexpr int64_t kMaxStride = 8;
constexpr int64_t kMaxPool = 16;

// Input `index` of `node`, which must be a constant (an initializer or Constant node).
FloatTensor constant_input(const OnnxGraph& graph, const Node& node, int index, const char* what) {
  std::optional<TensorValues> values;
  if (index < node.input_size() && !node.input(index).empty()) values = graph.constant(node.input(index));
  if (!values) {
    throw InputError(
        fmt::format("{}: its {} (input {}) is not a constant, expected an initializer or a "
                    "Constant node (a trained network's fixed {})",
                    graph.where(node), what, index, what));
  }
  return *values;
}

// A per-channel vector of `channels` values.
std::vector<float> channel_values(const OnnxGraph& graph, const Node& node, int index, const char* what,
                                  int64_t channels) {
  FloatTensor t = constant_input(graph, node, index, what);
  if (t.numel() != channels) {
    throw InputError(fmt::format("{}: its {} has {} values, expected one per channel ({})", graph.where(node),
                                 what, t.numel(), channels));
  }
  return std::move(t.values);
}

// A 2-d window's attribute (kernel_shape, strides): both sides alike, within [1, `most`].
int square(const OnnxGraph& graph, const Node& node, const char* attribute, int64_t fallback, int64_t most) {
  const std::vector<int64_t> sides =
      attribute_ints(node, attribute).value_or(std::vector<int64_t>{fallback, fallback});
  if (sides.size() != 2 || sides[0] != sides[1] || sides[0] < 1 || sides[0] > most) {
    throw InputError(
        fmt::format("{}: {} [{}], expected two equal values in [1, {}] (a square window over "
                    "height and width)",
                    graph.where(node), attribute, fmt::join(sides, ", "), most));
  }
  return static_cast<int>(sides[0]);
}

void check_no_dilation(const OnnxGraph& graph, const Node& node) {
  const std::vector<int64_t> dilations =
      attribute_ints(node, "dilations").value_or(std::vector<int64_t>{1, 1});
  if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; })) {
    throw InputError(fmt::format("{}: dilations [{}], expected 1 (Akida convolutions are not dilated)",
                                 graph.where(node), fmt::join(dilations, ", ")));
  }
}

// 'valid' (no padding) or 'same' (⌈in / stride⌉ out: (k − 1) / 2 on every side of an odd kernel, or auto_pad
// SAME_*); a 1×1 kernel's no padding is both, and reads as 'same', the CNN model's default.
CnnPadding read_padding(const OnnxGraph& graph, const Node& node, int kernel) {
  const std::string auto_pad = attribute_string(node, "auto_pad");
  if (auto_pad == "VALID") return kernel == 1 ? CnnPadding::Same : CnnPadding::Valid;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return CnnPadding::Same;
  if (!auto_pad.empty() && auto_pad != "NOTSET") {
    throw InputError(fmt::format("{}: auto_pad '{}', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER",
                                 graph.where(node), auto_pad));
  }
  const std::vector<int64_t> pads = attribute_ints(node, "pads").value_or(std::vector<int64_t>(4, 0));
  const auto all = [&pads](int64_t p) {
    return pads.size() == 4 && std::all_of(pads.begin(), pads.end(), [p](int64_t v) { return v == p; });
  };
  if (all(0)) return kernel == 1 ? CnnPadding::Same : CnnPadding::Valid;
  if (kernel % 2 == 1 && all((kernel - 1) / 2)) return CnnPadding::Same;
  throw InputError(
      fmt::format("{}: pads [{}] around a {}x{} kernel, expected all 0 ('valid') or all {} "
                  "('same': (k - 1) / 2 on every side of an odd kernel)",
                  graph.where(node), fmt::join(pads, ", "), kernel, kernel, (kernel - 1) / 2));
}

// A constant number, or a Cast of one (torch.clamp's bounds come through a Cast of a Constant).
std::optional<double> constant_number(const OnnxGraph& graph, const std::string& tensor) {
  const Node* cast = graph.producer(tensor);
  const bool through_cast = cast != nullptr && cast->op_type() == "Cast" && cast->input_size() == 1;
  return graph.scalar(through_cast ? cast->input(0) : tensor);
}

// The constant number a Min or Max compares the activations `tensor` with.
double compared_with(const OnnxGraph& graph, const Node& node, const std::string& tensor) {
  const std::string other = node.input_size() != 2    ? std::string()
                            : node.input(0) == tensor ? node.input(1)
                                                      : node.input(0);
  const std::optional<double> value = other.empty() ? std::nullopt : constant_number(graph, other);
  if (!value) {
    throw InputError(
        fmt::format("{}: compares the activations with '{}', expected one constant number (a "
                    "ReLU's 0 or its bound)",
                    graph.where(node), other));
  }
  return *value;
}

// Clip's bound `index` (1: min, 2: max): an input from opset 11, an attribute before; nullopt when absent.
std::optional<double> clip_bound(const OnnxGraph& graph, const Node& node, int index) {
  if (index < node.input_size() && !node.input(index).empty()) {
    const std::optional<double> value = constant_number(graph, node.input(index));
    if (!value) {
      throw InputError(fmt::format("{}: its {} (input {}) is not a constant number, expected a fixed bound",
                                   graph.where(node), index == 1 ? "min" : "max", index));
    }
    return value;
  }
  return attribute_float(node, index == 1 ? "min" : "max");
}

}  // namespace

ConvNode read_conv(const OnnxGraph& graph, const Node& node, int64_t in_channels) {
  ConvNode conv;
  conv.weights.weight = constant_input(graph, node, 1, "weight");
  if (node.input_size() > 2 && !node.input(2).empty())
    conv.weights.bias = constant_input(graph, node, 2, "bias");
  const std::vector<int64_t>& dims = conv.weights.weight.dims;
  conv.group = attribute_int(node, "group", 1);
  if (dims.size() != 4 || dims[0] < 1 || dims[0] > kCnnMaxChannels || dims[2] != dims[3] || dims[2] < 1 ||
      dims[2] > kCnnMaxKernel) {
    throw InputError(
        fmt::format("{}: weight [{}], expected [filters, channels / group, k, k] with 1 to {} filters and a "
                    "square kernel of at most {}",
                    graph.where(node), fmt::join(dims, ", "), kCnnMaxChannels, kCnnMaxKernel));
  }
  // The group is bounded first, so that the product below cannot overflow.
  if (conv.group < 1 || conv.group > in_channels || dims[1] * conv.group != in_channels ||
      dims[0] % conv.group != 0) {
    throw InputError(
        fmt::format("{}: weight [{}] in {} group(s), expected {} input channels in all (the "
                    "input's)",
                    graph.where(node), fmt::join(dims, ", "), conv.group, in_channels));
  }
  conv.kernel = static_cast<int>(dims[2]);
  if (attribute_ints(node, "kernel_shape")) square(graph, node, "kernel_shape", 1, conv.kernel);
  conv.stride = square(graph, node, "strides", 1, kMaxStride);
  check_no_dilation(graph, node);
  conv.padding = read_padding(graph, node, conv.kernel);
  if (!conv.weights.bias.values.empty() && conv.weights.bias.numel() != dims[0]) {
    throw InputError(fmt::format("{}: bias of {} values, expected one per filter ({})", graph.where(node),
                                 conv.weights.bias.numel(), dims[0]));
  }
  return conv;
}

BatchNorm read_batchnorm(const OnnxGraph& graph, const Node& node, int64_t channels) {
  if (attribute_int(node, "training_mode", 0) != 0 || node.output_size() > 1) {
    throw InputError(
        fmt::format("{}: a BatchNormalization in training mode, expected inference (export the "
                    "model in eval mode)",
                    graph.where(node)));
  }
  BatchNorm bn;
  bn.gain = channel_values(graph, node, 1, "scale", channels);
  bn.shift = channel_values(graph, node, 2, "bias", channels);
  bn.mean = channel_values(graph, node, 3, "mean", channels);
  bn.variance = channel_values(graph, node, 4, "variance", channels);
  bn.epsilon = attribute_float(node, "epsilon").value_or(1e-5);
  if (std::any_of(bn.variance.begin(), bn.variance.end(), [&bn](float v) { return !(v + bn.epsilon > 0); })) {
    throw InputError(
        fmt::format("{}: a variance plus epsilon is not positive, expected running variances "
                    "≥ 0",
                    graph.where(node)));
  }
  return bn;
}

ActivationNode read_activation(const OnnxGraph& graph, const Node& node, const std::string& tensor) {
  if (node.op_type() == "Relu") return {};
  if (node.op_type() == "Max") {
    const double floor = compared_with(graph, node, tensor);
    if (floor == 0) return {};
    throw InputError(fmt::format("{}: the largest of the activations and {}, expected 0 (a ReLU)",
                                 graph.where(node), floor));
  }
  const std::optional<double> low = clip_bound(graph, node, 1);
  const std::optional<double> high = clip_bound(graph, node, 2);
  if (!low || *low != 0 || (high && !(*high > 0))) {
    throw InputError(fmt::format(
        "{}: clips to [{}, {}], expected [0, b] with b > 0 (a bounded ReLU) or "
        "[0, none] (a ReLU)",
        graph.where(node), low ? fmt::format("{}", *low) : "none", high ? fmt::format("{}", *high) : "none"));
  }
  if (!high) return {};
  return {CnnActivation::BoundedRelu, *high};
}

double read_upper_bound(const OnnxGraph& graph, const Node& node, const std::string& tensor) {
  const double bound = compared_with(graph, node, tensor);
  if (bound > 0) return bound;
  throw InputError(
      fmt::format("{}: the smallest of the activations and {}, expected a bound above 0 (a "
                  "bounded ReLU)",
                  graph.where(node), bound));
}

PoolNode read_pool(const OnnxGraph& graph, const Node& node) {
  if (node.op_type() == "GlobalAveragePool") return {CnnPooling::GlobalAvg, 0, 0};
  PoolNode pool{node.op_type() == "MaxPool" ? CnnPooling::Max : CnnPooling::Avg, 0, 0};
  pool.size = square(graph, node, "kernel_shape", 0, kMaxPool);
  pool.stride = square(graph, node, "strides", 1, kMaxPool);
  check_no_dilation(graph, node);
  if (pool.size < 2 || read_padding(graph, node, pool.size) != CnnPadding::Valid ||
      attribute_int(node, "ceil_mode", 0) != 0) {
    throw InputError(
        fmt::format("{}: a {}x{} window with padding or ceil_mode, expected a window of at least "
                    "2x2, no padding and ceil_mode 0 (an Akida pooling)",
                    graph.where(node), pool.size, pool.size));
  }
  return pool;
}

void check_zero_pad(const OnnxGraph& graph, const Node& node) {
  const std::vector<float> pads =
      node.input_size() > 1 ? constant_input(graph, node, 1, "pads").values : std::vector<float>();
  const std::vector<int64_t> old_pads = attribute_ints(node, "pads").value_or(std::vector<int64_t>{});
  const auto zero = [](auto v) { return v == 0; };
  if (!std::all_of(pads.begin(), pads.end(), zero) || !std::all_of(old_pads.begin(), old_pads.end(), zero)) {
    throw InputError(fmt::format(
        "{}: pads [{}], expected all 0 (a layer's padding is its Conv's pads)", graph.where(node),
        fmt::join(pads.empty() ? std::vector<float>(old_pads.begin(), old_pads.end()) : pads, ", ")));
  }
}

void check_flatten(const OnnxGraph& graph, const Node& node, int64_t elements) {
  if (node.op_type() == "Flatten") {
    if (attribute_int(node, "axis", 1) == 1) return;
    throw InputError(fmt::format("{}: axis {}, expected 1 (each frame flattened in C, H, W order)",
                                 graph.where(node), attribute_int(node, "axis", 1)));
  }
  const FloatTensor shape = constant_input(graph, node, 1, "shape");
  if (shape.numel() != 2 || (shape.values[1] != -1 && shape.values[1] != static_cast<float>(elements))) {
    throw InputError(
        fmt::format("{}: reshapes to [{}], expected [batch, {}] or [batch, -1] (each frame's "
                    "{} values flattened)",
                    graph.where(node), fmt::join(shape.values, ", "), elements, elements));
  }
}

OpWeights read_dense(const OnnxGraph& graph, const Node& node, int64_t in_elements) {
  const bool gemm = node.op_type() == "Gemm";
  if (gemm && (attribute_int(node, "transA", 0) != 0 || attribute_float(node, "alpha").value_or(1) != 1 ||
               attribute_float(node, "beta").value_or(1) != 1)) {
    throw InputError(
        fmt::format("{}: transA, alpha or beta set, expected a plain x · Wᵀ + b (transA 0, "
                    "alpha 1, beta 1)",
                    graph.where(node)));
  }
  const FloatTensor matrix = constant_input(graph, node, 1, "weight");
  const bool transposed = gemm && attribute_int(node, "transB", 0) == 1;  // stored [units][in]
  if (matrix.dims.size() != 2 || matrix.dims[transposed ? 1 : 0] != in_elements) {
    throw InputError(
        fmt::format("{}: weight [{}]{} reads {} values, expected {} (the flattened C x H x W "
                    "input)",
                    graph.where(node), fmt::join(matrix.dims, ", "), transposed ? " (transB)" : "",
                    matrix.dims.size() == 2 ? matrix.dims[transposed ? 1 : 0] : 0, in_elements));
  }
  const int64_t units = matrix.dims[transposed ? 0 : 1];
  if (units < 1 || units > kCnnMaxChannels) {
    throw InputError(fmt::format("{}: weight [{}] gives {} units, expected 1 to {}", graph.where(node),
                                 fmt::join(matrix.dims, ", "), units, kCnnMaxChannels));
  }
  OpWeights dense;
  dense.weight.dims = {units, in_elements};
  dense.weight.values = matrix.values;
  if (!transposed) {
    for (int64_t u = 0; u < units; ++u)
      for (int64_t i = 0; i < in_elements; ++i)
        dense.weight.values[static_cast<std::size_t>(u * in_elements + i)] =
            matrix.values[static_cast<std::size_t>(i * units + u)];
  }
  if (gemm && node.input_size() > 2 && !node.input(2).empty()) {
    dense.bias = FloatTensor{{units}, channel_values(graph, node, 2, "bias", units)};
  }
  return dense;
}

std::optional<FloatTensor> read_dense_bias(const OnnxGraph& graph, const Node& add,
                                           const std::string& matmul_out, int64_t units) {
  const std::string& other = add.input(0) == matmul_out ? add.input(1) : add.input(0);
  if (!graph.is_constant(other)) return std::nullopt;
  return FloatTensor{{units}, channel_values(graph, add, add.input(0) == matmul_out ? 1 : 0, "bias", units)};
}

}  // namespace neurokv::onnx_import
