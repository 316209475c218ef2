#pragma once
// One ONNX node of a CNN read into the terms of a CNN model (compiler/config/cnn_spec.hpp): each reader
// checks the attributes and constant inputs and refuses, with an InputError naming the file and node, what a
// CNN model cannot say (dilation, asymmetric padding, a non-square kernel, ...).
#include <cstdint>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/onnx/batchnorm_fold.hpp"
#include "compiler/onnx/onnx_graph.hpp"

namespace neurokv::onnx_import {

struct ConvNode {
  OpWeights weights;  // weight [filters][in_channels / group][k][k], bias [filters] or empty
  int kernel = 1, stride = 1;
  CnnPadding padding = CnnPadding::Same;
  int64_t group = 1;
};
// A Conv over `in_channels` channels.
ConvNode read_conv(const OnnxGraph& graph, const Node& node, int64_t in_channels);

// A BatchNormalization in inference mode over `channels` channels.
BatchNorm read_batchnorm(const OnnxGraph& graph, const Node& node, int64_t channels);

struct ActivationNode {
  CnnActivation activation = CnnActivation::Relu;
  double bound = 0;  // bounded ReLU: the largest output
};
// Relu; Clip from 0 (to a bound: a bounded ReLU; unbounded: a ReLU); Max of the activations `tensor` and 0.
ActivationNode read_activation(const OnnxGraph& graph, const Node& node, const std::string& tensor);
// The bound b > 0 of a Min of the activations `tensor` and b, after a ReLU (torch.minimum(relu(x), b)).
double read_upper_bound(const OnnxGraph& graph, const Node& node, const std::string& tensor);

struct PoolNode {
  CnnPooling pool = CnnPooling::None;
  int size = 0, stride = 0;  // max and average pooling
};
// MaxPool, AveragePool (square, unpadded) or GlobalAveragePool.
PoolNode read_pool(const OnnxGraph& graph, const Node& node);

// A Pad that adds nothing (torch.onnx.export writes one before an AveragePool).
void check_zero_pad(const OnnxGraph& graph, const Node& node);

// Flatten (axis 1) or Reshape to [batch, `elements`] of an activation map of `elements` values per frame.
void check_flatten(const OnnxGraph& graph, const Node& node, int64_t elements);

// A Gemm, or a MatMul, reading `in_elements` values: weight [units][in_elements] (transposed from a MatMul's
// or an untransposed Gemm's [in][units]), bias [units] (a Gemm's C; empty for a MatMul, whose Add the caller
// reads with read_dense_bias).
OpWeights read_dense(const OnnxGraph& graph, const Node& node, int64_t in_elements);
// The constant addend of an Add after a MatMul of `units` outputs; nullopt when the Add adds no constant.
std::optional<FloatTensor> read_dense_bias(const OnnxGraph& graph, const Node& add,
                                           const std::string& matmul_out, int64_t units);

}  // namespace neurokv::onnx_import
