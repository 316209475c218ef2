#include "compiler/weights/quantized_tensor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "compiler/support/error.hpp"

namespace neurokv::weights {
namespace {

float symmetric_scale(const float* values, int64_t count, int bits) {
  float largest = 0;
  for (int64_t i = 0; i < count; ++i) largest = std::max(largest, std::fabs(values[i]));
  return largest / static_cast<float>(max_code(bits));
}

int8_t code_of(float value, float scale, int bits) {
  if (bits == 1) return value < 0 ? int8_t{-1} : int8_t{1};
  if (scale == 0) return 0;
  const float q = std::nearbyint(value / scale);
  const float limit = static_cast<float>(max_code(bits));
  return static_cast<int8_t>(std::clamp(q, -limit, limit));
}

}  // namespace

bool QuantizedTensor::operator==(const QuantizedTensor& o) const {
  return out == o.out && in == o.in && bits == o.bits && scales == o.scales && codes == o.codes &&
         has_bias == o.has_bias && bias_scale == o.bias_scale && bias_codes == o.bias_codes;
}

int max_code(int bits) { return bits == 1 ? 1 : (1 << (bits - 1)) - 1; }

float quantization_step(float scale, int bits) { return bits == 1 ? 2 * scale : scale; }

QuantizedTensor quantize_per_channel(const FloatTensor& weight, const FloatTensor& bias, int bits) {
  if (bits < kMinBits || bits > kMaxBits) {
    throw InputError(fmt::format("{}-bit weights cannot be written to a weights file, expected {} to {} bits",
                                 bits, kMinBits, kMaxBits));
  }
  QuantizedTensor q;
  q.out = weight.dims.empty() ? 0 : weight.dims.front();
  q.in = q.out == 0 ? 0 : weight.numel() / q.out;
  q.bits = bits;
  q.codes.resize(weight.values.size());
  for (int64_t o = 0; o < q.out; ++o) {
    const float* row = weight.values.data() + o * q.in;
    const float scale = symmetric_scale(row, q.in, bits);
    q.scales.push_back(scale);
    for (int64_t i = 0; i < q.in; ++i)
      q.codes[static_cast<std::size_t>(o * q.in + i)] = code_of(row[i], scale, bits);
  }
  q.has_bias = bias.numel() > 0;
  if (q.has_bias) {
    q.bias_scale = symmetric_scale(bias.values.data(), bias.numel(), bits);
    for (float b : bias.values) q.bias_codes.push_back(code_of(b, q.bias_scale, bits));
  }
  return q;
}

}  // namespace neurokv::weights
