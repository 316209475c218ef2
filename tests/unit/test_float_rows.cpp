// The float Linear of a block of rows (simulator/functional/float_rows.hpp): the sums of the token-by-token,
// input-order axpy, to the bit, whatever the row count, the output width and the ranges of outputs computed
// apart (the executor's threads).
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>

#include "simulator/functional/float_rows.hpp"

using namespace neurokv::functional;

namespace {

// What the event-driven Linear computed before the block kernel: per row, every non-zero input j in order
// adds x_j × row j of the weights to fp32 accumulators starting at 0, then the bias is added.
std::vector<float> axpy_rows(const std::vector<float>& x, int64_t rows, int64_t in,
                             const std::vector<float>& w, int64_t out, const std::vector<float>& bias) {
  std::vector<float> y(static_cast<std::size_t>(rows * out), 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < in; ++j) {
      const float xj = x[static_cast<std::size_t>(r * in + j)];
      if (xj == 0.0f) continue;
      for (int64_t o = 0; o < out; ++o) {
        volatile float product = xj * w[static_cast<std::size_t>(j * out + o)];  // rounded, never fused
        y[static_cast<std::size_t>(r * out + o)] += product;
      }
    }
    if (bias.empty()) continue;
    for (int64_t o = 0; o < out; ++o)
      y[static_cast<std::size_t>(r * out + o)] += bias[static_cast<std::size_t>(o)];
  }
  return y;
}

}  // namespace

TEST_CASE(
    "multiply_rows gives the input-order sums of the axpy per row, to the bit, in any ranges of outputs",
    "[executor]") {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::bernoulli_distribution zero(0.2);
  // Row counts around the kernel's blocks of 4, output widths that are and are not whole vectors.
  for (int64_t rows : {1, 3, 4, 9}) {
    for (int64_t out : {7, 32, 96, 100}) {
      const int64_t in = 37;
      std::vector<float> x(static_cast<std::size_t>(rows * in)), w(static_cast<std::size_t>(in * out)),
          bias(static_cast<std::size_t>(out));
      for (float& v : x) v = zero(rng) ? 0.0f : normal(rng);
      for (float& v : w) v = 0.02f * normal(rng);
      for (float& v : bias) v = normal(rng);
      for (bool with_bias : {false, true}) {
        CAPTURE(rows, out, with_bias);
        const std::vector<float> expected =
            axpy_rows(x, rows, in, w, out, with_bias ? bias : std::vector<float>{});
        std::vector<float> y(expected.size(), -1.0f);
        multiply_rows(x.data(), rows, in, w.data(), out, with_bias ? bias.data() : nullptr, y.data(), 0, out);
        CHECK(std::memcmp(y.data(), expected.data(), y.size() * sizeof(float)) == 0);
        // Two ranges split inside a vector: other vector widths compute the outputs near the split.
        std::vector<float> parts(expected.size(), -1.0f);
        const int64_t split = out / 2 + 1;
        multiply_rows(x.data(), rows, in, w.data(), out, with_bias ? bias.data() : nullptr, parts.data(), 0,
                      split);
        multiply_rows(x.data(), rows, in, w.data(), out, with_bias ? bias.data() : nullptr, parts.data(),
                      split, out);
        CHECK(std::memcmp(parts.data(), expected.data(), parts.size() * sizeof(float)) == 0);
      }
    }
  }
}
