#include "compiler/onnx/batchnorm_fold.hpp"

#include <cmath>
#include <cstddef>

namespace neurokv::onnx_import {
namespace {

// A zero bias of one entry per filter, for a convolution that had none.
void ensure_bias(OpWeights& conv) {
  if (!conv.bias.values.empty()) return;
  const int64_t filters = conv.weight.dims.at(0);
  conv.bias = FloatTensor{{filters}, std::vector<float>(static_cast<std::size_t>(filters), 0.0F)};
}

}  // namespace

void fold_batchnorm(OpWeights& conv, const BatchNorm& bn) {
  ensure_bias(conv);
  const std::size_t filters = bn.gain.size();
  const std::size_t per_filter = conv.weight.values.size() / filters;
  for (std::size_t f = 0; f < filters; ++f) {
    // In double, then rounded once: the folded weights are as close to the float graph as float allows.
    const double scale = bn.gain[f] / std::sqrt(static_cast<double>(bn.variance[f]) + bn.epsilon);
    for (std::size_t i = f * per_filter; i < (f + 1) * per_filter; ++i)
      conv.weight.values[i] = static_cast<float>(conv.weight.values[i] * scale);
    conv.bias.values[f] = static_cast<float>((conv.bias.values[f] - bn.mean[f]) * scale + bn.shift[f]);
  }
}

void fold_depthwise_bias(OpWeights& pointwise, const FloatTensor& depthwise_bias) {
  if (depthwise_bias.values.empty()) return;
  ensure_bias(pointwise);
  const std::size_t channels = depthwise_bias.values.size();
  for (std::size_t f = 0; f < pointwise.bias.values.size(); ++f) {
    double sum = pointwise.bias.values[f];
    for (std::size_t c = 0; c < channels; ++c)
      sum += static_cast<double>(pointwise.weight.values[f * channels + c]) * depthwise_bias.values[c];
    pointwise.bias.values[f] = static_cast<float>(sum);
  }
}

}  // namespace neurokv::onnx_import
