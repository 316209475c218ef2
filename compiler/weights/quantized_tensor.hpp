#pragma once
// A weight tensor quantised symmetrically per output channel, as the chip stores it: integer codes of `bits`
// bits and one float scale per channel (value = code × scale). b ≥ 2: codes in [−qmax, qmax], qmax = 2^(b−1)
// − 1, scale = max|w| / qmax, rounded to nearest. b = 1: codes ±1 (binary weights), scale = max|w|. A bias is
// quantised to the same width with one scale for the whole vector.
#include <cstdint>
#include <vector>

#include "compiler/config/model_weights.hpp"

namespace neurokv::weights {

struct QuantizedTensor {
  int64_t out = 0, in = 0;  // [out][in]
  int bits = 0;
  std::vector<float> scales;  // one per output channel
  std::vector<int8_t> codes;  // [out][in], row-major
  bool has_bias = false;
  float bias_scale = 0;
  std::vector<int8_t> bias_codes;  // [out] when has_bias

  float weight(int64_t o, int64_t i) const {
    return codes[static_cast<std::size_t>(o * in + i)] * scales[static_cast<std::size_t>(o)];
  }
  float bias(int64_t o) const { return bias_codes[static_cast<std::size_t>(o)] * bias_scale; }

  bool operator==(const QuantizedTensor& other) const;
};

constexpr int kMinBits = 1;
constexpr int kMaxBits = 8;

// The largest code of a `bits`-bit symmetric quantisation (1 for binary weights).
int max_code(int bits);
// The distance between two neighbouring levels of a channel with this scale.
float quantization_step(float scale, int bits);

// `weight` is [out][in] (a vector is one column: in = 1); `bias` is empty or [out]. Throws InputError for a
// width outside 1..8.
QuantizedTensor quantize_per_channel(const FloatTensor& weight, const FloatTensor& bias, int bits);

}  // namespace neurokv::weights
