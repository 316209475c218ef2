#include "simulator/functional/int_kernels.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "simulator/functional/float_kernels.hpp"

namespace neurokv::functional {
namespace {

// ⌊√v⌋ exactly: the floating-point root, then corrected by whole steps (a double is off by at most a few
// units for 64-bit v).
uint64_t integer_sqrt(uint64_t v) {
  auto r = static_cast<uint64_t>(std::sqrt(static_cast<long double>(v)));
  while (r > 0 && static_cast<unsigned __int128>(r) * r > v) --r;
  while (static_cast<unsigned __int128>(r + 1) * (r + 1) <= v) ++r;
  return r;
}

constexpr int kTableBits = 15;  // 2^−f entries: 16-bit unsigned, 1.0 = 2^15

// 2^(−f / 2^kShiftmaxFraction) for every fraction f, in units of 2^−kTableBits.
const std::array<uint32_t, 1u << kShiftmaxFraction>& exp2_fractions() {
  static const auto table = [] {
    std::array<uint32_t, 1u << kShiftmaxFraction> t{};
    for (std::size_t f = 0; f < t.size(); ++f)
      t[f] = static_cast<uint32_t>(
          std::lround(std::ldexp(std::exp2(-static_cast<double>(f) / t.size()), kTableBits)));
    return t;
  }();
  return table;
}

}  // namespace

namespace {

// LayerNorm (`center`) or RMSNorm (the sum taken as 0: n·x_i itself is normalised).
std::vector<float> int_normalise(const std::vector<int32_t>& codes, float step,
                                 const std::vector<float>& gain, const std::vector<float>& bias,
                                 double epsilon, bool center) {
  const auto n = static_cast<int64_t>(codes.size());
  int64_t sum = 0;
  if (center) {
    for (int32_t c : codes) sum += c;
  }
  // n·(x_i − mean) = n·x_i − Σx is an integer; so is its sum of squares (128 bits: 16-bit codes over a wide
  // model exceed 64).
  unsigned __int128 squares = 0;
  for (int32_t c : codes) {
    const int64_t d = n * c - sum;
    squares += static_cast<unsigned __int128>(static_cast<__int128>(d) * d);
  }
  // Var(n·x) in code units, plus ε carried into the same units: n² ε / step².
  const double epsilon_units = static_cast<double>(n) * static_cast<double>(n) * epsilon /
                               (static_cast<double>(step) * static_cast<double>(step));
  const auto variance = static_cast<unsigned __int128>(squares / static_cast<unsigned __int128>(n)) +
                        static_cast<unsigned __int128>(std::llround(std::min(epsilon_units, 9.0e18)));
  const uint64_t deviation = integer_sqrt(
      static_cast<uint64_t>(std::min<unsigned __int128>(variance, std::numeric_limits<uint64_t>::max())));
  std::vector<float> y(codes.size(), 0.0f);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    int64_t normalised = 0;  // (x_i − mean) / σ in fixed point
    if (deviation > 0) {
      const __int128 scaled = static_cast<__int128>(n * codes[i] - sum) * (int64_t{1} << kLayerNormFraction);
      const __int128 half = static_cast<__int128>(deviation / 2);
      normalised = static_cast<int64_t>((scaled >= 0 ? scaled + half : scaled - half) /
                                        static_cast<__int128>(deviation));
    }
    y[i] = std::ldexp(static_cast<float>(normalised), -kLayerNormFraction) * gain[i] +
           (bias.empty() ? 0.0f : bias[i]);
  }
  return y;
}

}  // namespace

std::vector<float> int_layer_norm(const std::vector<int32_t>& codes, float step,
                                  const std::vector<float>& gain, const std::vector<float>& bias,
                                  double epsilon) {
  return int_normalise(codes, step, gain, bias, epsilon, true);
}

std::vector<float> int_rms_norm(const std::vector<int32_t>& codes, float step, const std::vector<float>& gain,
                                const std::vector<float>& bias, double epsilon) {
  return int_normalise(codes, step, gain, bias, epsilon, false);
}

std::vector<float> activation_table(float step, int bits, float (*act)(float, GeluForm), GeluForm form) {
  const int qmax = (1 << (bits - 1)) - 1;
  std::vector<float> table(static_cast<std::size_t>(2 * qmax + 1));
  for (int code = -qmax; code <= qmax; ++code)
    table[static_cast<std::size_t>(code + qmax)] = act(static_cast<float>(code) * step, form);
  return table;
}

std::vector<float> gelu_table(float step, int bits, GeluForm form) {
  return activation_table(step, bits, gelu, form);
}

void int_rope(const int16_t* codes, float step, float* y, int head_dim, int rotary, double theta,
              int position) {
  const int half = rotary / 2;
  const double one = std::ldexp(1.0, kRopeFraction);
  for (int j = 0; j < half; ++j) {
    const double angle = rope_angle(j, rotary, theta, position);
    const auto c = static_cast<int64_t>(std::llround(std::cos(angle) * one));
    const auto s = static_cast<int64_t>(std::llround(std::sin(angle) * one));
    const int64_t a = codes[j], b = codes[j + half];
    y[j] = static_cast<float>(std::ldexp(static_cast<double>(a * c - b * s), -kRopeFraction) * step);
    y[j + half] = static_cast<float>(std::ldexp(static_cast<double>(b * c + a * s), -kRopeFraction) * step);
  }
  for (int j = rotary; j < head_dim; ++j) y[j] = static_cast<float>(codes[j]) * step;
}

void shiftmax(const float* scores, int count, int bits, float* probs) {
  const auto& table = exp2_fractions();
  constexpr double kLog2e = 1.4426950408889634;
  constexpr int64_t kOne = int64_t{1} << kShiftmaxFraction;
  std::vector<int64_t> exponents(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    exponents[static_cast<std::size_t>(i)] = std::llround(static_cast<double>(scores[i]) * kLog2e * kOne);
  const int64_t top = *std::max_element(exponents.begin(), exponents.end());
  int64_t total = 0;
  for (int64_t& e : exponents) {
    const int64_t below = top - e;  // ≥ 0: 2^(−below / 2^F)
    const int64_t shift = below >> kShiftmaxFraction;
    e = shift > kTableBits ? 0 : table[static_cast<std::size_t>(below & (kOne - 1))] >> shift;
    total += e;
  }
  const int64_t levels = (int64_t{1} << bits) - 1;
  for (int i = 0; i < count; ++i) {
    const int64_t code = (exponents[static_cast<std::size_t>(i)] * levels + total / 2) / total;
    probs[i] = static_cast<float>(code) / static_cast<float>(levels);
  }
}

}  // namespace neurokv::functional
