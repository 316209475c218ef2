#pragma once
// Folding what follows a convolution into its weights, as Akida runs a trained network (docs/onnx.md,
// "CNNs"): an inference BatchNorm's per-channel scale into each filter and its shift into the bias, and a
// separable layer's depthwise bias into its pointwise bias (no activation lies between them, so the sum
// passes through).
#include <vector>

#include "compiler/config/model_weights.hpp"

namespace neurokv::onnx_import {

// An inference BatchNormalization: y = gain · (x − mean) / √(variance + epsilon) + shift, per channel.
struct BatchNorm {
  std::vector<float> gain, shift, mean, variance;
  double epsilon = 1e-5;
};

// `conv` (weight [filters][...], bias [filters] or empty) followed by `bn` over its filters: the convolution
// that computes the same, with a bias (created when it had none).
void fold_batchnorm(OpWeights& conv, const BatchNorm& bn);

// A depthwise bias `depthwise_bias` [channels] moved into the following pointwise convolution `pointwise`
// (weight [filters][channels][1][1]): bias[f] += Σ_c weight[f][c] · depthwise_bias[c].
void fold_depthwise_bias(OpWeights& pointwise, const FloatTensor& depthwise_bias);

}  // namespace neurokv::onnx_import
