#include "simulator/functional/float_kernels.hpp"

#include <algorithm>
#include <cmath>

#include "simulator/functional/float_activations.hpp"

namespace neurokv::functional {

namespace {

// LayerNorm (`center`) or RMSNorm. Statistics in double: the result is the float the exact statistics give,
// which PyTorch's fp32 kernels (pairwise / Welford sums) approach more closely than a naive fp32 sum.
std::vector<float> normalise(const std::vector<float>& x, const std::vector<float>& gain,
                             const std::vector<float>& bias, double epsilon, bool center) {
  double mean = 0;
  if (center) {
    for (float v : x) mean += v;
    mean /= static_cast<double>(x.size());
  }
  double var = 0;
  for (float v : x) var += (v - mean) * (v - mean);
  var /= static_cast<double>(x.size());
  const double inv = 1.0 / std::sqrt(var + epsilon);
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = static_cast<float>((x[i] - mean) * inv * gain[i] + (bias.empty() ? 0.0 : bias[i]));
  }
  return y;
}

}  // namespace

std::vector<float> layer_norm(const std::vector<float>& x, const std::vector<float>& gain,
                              const std::vector<float>& bias, double epsilon) {
  return normalise(x, gain, bias, epsilon, true);
}

std::vector<float> rms_norm(const std::vector<float>& x, const std::vector<float>& gain,
                            const std::vector<float>& bias, double epsilon) {
  return normalise(x, gain, bias, epsilon, false);
}

float silu(float x) {
  return static_cast<float>(static_cast<double>(x) / (1.0 + std::exp(-static_cast<double>(x))));
}

double rope_angle(int j, int rotary, double theta, int position) {
  return position * std::pow(theta, -2.0 * j / rotary);
}

void rope_rotate(const float* x, float* y, int head_dim, int rotary, double theta, int position) {
  const int half = rotary / 2;
  for (int j = 0; j < half; ++j) {
    // PyTorch's rotary tables are fp32 cos and sin of an fp32 angle.
    const float angle =
        static_cast<float>(position) * static_cast<float>(1.0 / std::pow(theta, 2.0 * j / rotary));
    const float c = std::cos(angle), s = std::sin(angle);
    y[j] = x[j] * c - x[j + half] * s;
    y[j + half] = x[j + half] * c + x[j] * s;
  }
  for (int j = rotary; j < head_dim; ++j) y[j] = x[j];
}

float gelu(float x, GeluForm form) {
  float y = 0;
  gelu_rows(&x, &y, 1, form);
  return y;
}

void softmax(float* scores, int count) {
  const float top = *std::max_element(scores, scores + count);
  exp_shifted(scores, top, scores, count);
  double sum = 0;  // in order, in double: the same on every SIMD target
  for (int i = 0; i < count; ++i) sum += scores[i];
  const auto inverse = static_cast<float>(1.0 / sum);  // one division, then products (as PyTorch's kernel)
  for (int i = 0; i < count; ++i) scores[i] *= inverse;
}

}  // namespace neurokv::functional
