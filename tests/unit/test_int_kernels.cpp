// The integer kernels (LayerNorm from integer statistics, GELU table, base-2 shiftmax) against their fp32
// forms, and the synthetic weights a model without weights executes with.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/float_kernels.hpp"
#include "simulator/functional/int_kernels.hpp"
#include "simulator/functional/int_rows.hpp"
#include "simulator/functional/op_tensors.hpp"
#include "simulator/functional/synthetic_weights.hpp"
#include "tests/unit/compile_fixtures.hpp"

using namespace neurokv;
using namespace neurokv::functional;

TEST_CASE("integer LayerNorm equals fp32 LayerNorm of the same codes within its fixed-point step", "[int]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> code(-127, 127);
  for (int n : {8, 96, 1024}) {
    std::vector<int32_t> codes(static_cast<std::size_t>(n));
    for (int32_t& c : codes) c = code(rng);
    const float step = 0.0371f;
    std::vector<float> values(codes.begin(), codes.end());
    for (float& v : values) v *= step;
    const std::vector<float> gain(static_cast<std::size_t>(n), 1.5f),
        bias(static_cast<std::size_t>(n), -0.25f);
    const std::vector<float> exact = layer_norm(values, gain, bias, 1e-5);
    const std::vector<float> integer = int_layer_norm(codes, step, gain, bias, 1e-5);
    for (std::size_t i = 0; i < exact.size(); ++i) {
      // Half a fixed-point step of the normalised value, plus the integer root's ⌊⌋ (a relative 1/σ_D).
      CHECK(integer[i] == Approx(exact[i]).margin(1.5 * (std::ldexp(1.0, -kLayerNormFraction) + 0.01)));
    }
  }
  // Constant input: every deviation is 0, the output is the bias.
  const std::vector<float> flat =
      int_layer_norm({5, 5, 5, 5}, 0.1f, {2, 2, 2, 2}, {0.5f, 0.5f, 0.5f, 0.5f}, 1e-5);
  for (float v : flat) CHECK(v == 0.5f);
}

TEST_CASE("shiftmax: unsigned codes summing to about one, within a table step of the exact softmax",
          "[int]") {
  const std::vector<float> scores = {2.0f, 1.0f, 0.0f, -1.0f, -3.0f, 4.5f, 4.4f, -20.0f};
  std::vector<float> exact = scores, shifted(scores.size());
  softmax(exact.data(), static_cast<int>(exact.size()));
  shiftmax(scores.data(), static_cast<int>(scores.size()), 8, shifted.data());
  double sum = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const float code = shifted[i] * 255.0f;
    CHECK(code == Approx(std::round(code)).margin(1e-4));  // an 8-bit unsigned code
    // 2^(−f/64) rounded: at most 2^(1/128) − 1 = 0.54 % relative, plus half a code of rounding.
    CHECK(shifted[i] == Approx(exact[i]).epsilon(0.011).margin(0.5 / 255 + 1e-6));
    sum += shifted[i];
  }
  CHECK(sum == Approx(1.0).margin(4.0 / 255));
  CHECK(shifted[7] == 0.0f);  // 2^−35 of the largest: below the table's reach, no event for P·V
}

TEST_CASE("the GELU table holds GELU of every input code", "[int]") {
  const std::vector<float> table = gelu_table(0.05f, 4, GeluForm::Erf);
  REQUIRE(table.size() == 15);
  for (int code = -7; code <= 7; ++code)
    CHECK(table[static_cast<std::size_t>(code + 7)] == gelu(static_cast<float>(code) * 0.05f, GeluForm::Erf));
}

TEST_CASE("synthetic weights: GPT-2's initialisation, one tensor per op with weights, the same for one seed",
          "[int]") {
  const ModelSource source(test::model("edge-tiny"));
  CompileOptions options;
  options.context = 64;
  const ir::Program program =
      compile(source, LayerVariants::parse("Q-K=V", source.spec.heads), test::chip("akida2-like"), options)
          .program;
  const ModelWeights a = synthetic_weights(program, 11), b = synthetic_weights(program, 11),
                     c = synthetic_weights(program, 12);
  CHECK(a.size() == b.size());
  CHECK(a.begin()->second.weight.values == b.begin()->second.weight.values);
  CHECK(a.begin()->second.weight.values != c.begin()->second.weight.values);
  for (const auto& [name, w] : a) CHECK(name.find("v_proj") == std::string::npos);  // Q-K=V has no V
  // The executor accepts them for every op, and a wide table's spread is N(0, 0.02).
  CHECK_NOTHROW(float_op_tensors(program, a));
  const std::vector<float>& table = a.at(program.ops.front().name).weight.values;
  const double mean = std::accumulate(table.begin(), table.end(), 0.0) / static_cast<double>(table.size());
  double var = 0;
  for (float v : table) var += (v - mean) * (v - mean);
  CHECK(std::sqrt(var / static_cast<double>(table.size())) == Approx(kSyntheticStd).epsilon(0.05));
}

TEST_CASE("int8 and int16 key and value rows give the exact integer sums", "[int]") {
  // A cache of 8 bits or narrower is stored as int8 (docs/executor.md "Integer numerics"): the kernels must
  // give the very sums of the same codes as int16, and of a plain loop. Widths 37 and 64: a tail past the
  // vectors and none; codes span −128..127 and the whole query range.
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> code8(-128, 127), code16(-32767, 32767), prob(0, 255);
  for (const int64_t width : {int64_t{37}, int64_t{64}}) {
    const int64_t heads = 4, group = 2, rows = 19, stride = (heads / group) * width;
    std::vector<int16_t> queries(static_cast<std::size_t>(heads * width)), wide(rows * stride);
    for (int16_t& q : queries) q = static_cast<int16_t>(code16(gen) / 8);  // |q × k| × width fits int32
    for (int16_t& k : wide) k = static_cast<int16_t>(code8(gen));
    const std::vector<int8_t> narrow(wide.begin(), wide.end());
    std::vector<int32_t> dots16(static_cast<std::size_t>(heads * rows)), dots8(dots16.size());
    dot_rows(queries.data(), heads, group, wide.data(), stride, rows, static_cast<std::size_t>(width),
             dots16.data());
    dot_rows(queries.data(), heads, group, narrow.data(), stride, rows, static_cast<std::size_t>(width),
             dots8.data());
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t m = 0; m < rows; ++m) {
        int32_t expected = 0;
        for (int64_t i = 0; i < width; ++i)
          expected += queries[static_cast<std::size_t>(h * width + i)] *
                      wide[static_cast<std::size_t>(m * stride + (h / group) * width + i)];
        CHECK(dots16[static_cast<std::size_t>(h * rows + m)] == expected);
        CHECK(dots8[static_cast<std::size_t>(h * rows + m)] == expected);
      }
    }
    std::vector<int32_t> probs(static_cast<std::size_t>(rows));
    for (int32_t& p : probs) p = prob(gen) < 64 ? 0 : prob(gen);  // zero codes are skipped
    std::vector<int32_t> acc16(static_cast<std::size_t>(width)), acc8(acc16.size()),
        expected(acc16.size(), 0);
    sum_weighted_rows(probs.data(), wide.data(), stride, rows, static_cast<std::size_t>(width), acc16.data());
    sum_weighted_rows(probs.data(), narrow.data(), stride, rows, static_cast<std::size_t>(width),
                      acc8.data());
    for (int64_t m = 0; m < rows; ++m) {
      for (int64_t i = 0; i < width; ++i)
        expected[static_cast<std::size_t>(i)] +=
            probs[static_cast<std::size_t>(m)] * wide[static_cast<std::size_t>(m * stride + i)];
    }
    CHECK(acc16 == expected);
    CHECK(acc8 == expected);
  }
}
