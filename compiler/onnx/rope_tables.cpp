#include "compiler/onnx/rope_tables.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// An fp32 table entry within this of the exact cos/sin is the same table (fp32 angles up to a few thousand
// radians are off by ~1e-4 at most; a wrong θ or layout is off by far more).
constexpr double kTolerance = 1e-4;

void check_shape(const TensorValues& table, const std::string& name, const char* which, int head_dim,
                 const std::string& where) {
  if (table.dims.size() != 2 || table.dims[0] < 2 || table.dims[1] != head_dim || head_dim % 2 != 0) {
    throw InputError(
        fmt::format("{}: RoPE's {} table '{}' is [{}], expected [positions ≥ 2, head_dim {}] with an even "
                    "head_dim (rotary embeddings over part of a head are not recognised)",
                    where, which, name, fmt::join(table.dims, ", "), head_dim));
  }
}

// The angle of pair j at position 1 is θ^(−2j/d); j = d/2 − 1 gives θ most precisely.
double theta_from_row_1(const Rope& rope, int head_dim) {
  const int half = head_dim / 2;
  if (half < 2) return 10000;  // one pair: its angle is the position whatever θ is
  const int j = half - 1;
  const double angle = std::atan2(rope.sin.values[static_cast<std::size_t>(head_dim + j)],
                                  rope.cos.values[static_cast<std::size_t>(head_dim + j)]);
  const double theta = std::exp(-std::log(angle) * head_dim / (2.0 * j));
  const double rounded = std::round(theta);
  return std::abs(theta - rounded) <= 1e-5 * theta ? rounded : theta;
}

}  // namespace

double rope_theta(const Rope& rope, int head_dim, const std::string& where) {
  check_shape(rope.cos, rope.cos_name, "cos", head_dim, where);
  check_shape(rope.sin, rope.sin_name, "sin", head_dim, where);
  if (rope.cos.dims != rope.sin.dims) {
    throw InputError(fmt::format(
        "{}: RoPE's cos table '{}' is [{}] and its sin table '{}' [{}], expected "
        "the same shape",
        where, rope.cos_name, fmt::join(rope.cos.dims, ", "), rope.sin_name, fmt::join(rope.sin.dims, ", ")));
  }
  const double theta = theta_from_row_1(rope, head_dim);
  if (!std::isfinite(theta) || theta <= 1) {
    throw InputError(
        fmt::format("{}: RoPE's tables '{}', '{}' give θ = {} at position 1, expected a base "
                    "above 1 (cos and sin of p·θ^(−2j/head_dim))",
                    where, rope.cos_name, rope.sin_name, theta));
  }
  const int half = head_dim / 2;
  for (int64_t p = 0; p < rope.cos.dims[0]; ++p) {
    for (int j = 0; j < head_dim; ++j) {
      const int pair = j % half;
      const float angle =
          static_cast<float>(p) * static_cast<float>(1.0 / std::pow(theta, 2.0 * pair / head_dim));
      const std::size_t at = static_cast<std::size_t>(p * head_dim + j);
      for (const auto& [table, name, want] : {std::tuple{&rope.cos, &rope.cos_name, std::cos(angle)},
                                              {&rope.sin, &rope.sin_name, std::sin(angle)}}) {
        if (std::abs(table->values[at] - want) > kTolerance) {
          throw InputError(
              fmt::format("{}: RoPE table '{}' row {} column {} is {}, expected {} (θ = {} from row 1; "
                          "rotate_half layout: "
                          "columns j and j + {} share the angle p·θ^(−2j/{}))",
                          where, *name, p, j, table->values[at], want, theta, half, head_dim));
        }
      }
    }
  }
  return theta;
}

}  // namespace neurokv::onnx_import
