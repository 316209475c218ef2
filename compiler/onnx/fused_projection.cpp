#include "compiler/onnx/fused_projection.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

#include "compiler/onnx/node_attributes.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

// A projection's output is [batch, tokens, width]: its last axis is -1 or 2.
bool last_axis(int64_t axis) { return axis == -1 || axis == 2; }

std::vector<int64_t> constant_ints(const OnnxGraph& g, const Node& n, int input, const char* what) {
  const std::optional<TensorValues> values = g.constant(n.input(input));
  if (!values) {
    throw InputError(
        fmt::format("{}: its {} '{}' is computed, expected a constant (a fused QKV projection "
                    "cut at fixed offsets)",
                    g.where(n), what, n.input(input)));
  }
  // Read as floats (tensor_values): INT64_MAX ("to the end") saturates rather than overflowing.
  std::vector<int64_t> ints;
  for (const float v : values->values) {
    constexpr float kLimit = 9.0e18f;
    ints.push_back(v >= kLimit    ? std::numeric_limits<int64_t>::max()
                   : v <= -kLimit ? std::numeric_limits<int64_t>::min() / 2
                                  : static_cast<int64_t>(v));
  }
  return ints;
}

// [begin, end) of `part` along the fused width `width`.
std::pair<int64_t, int64_t> split_rows(const OnnxGraph& g, const Node& split, const std::string& part,
                                       int64_t width, const char* role, int l) {
  const int64_t axis = attribute_int(split, "axis", 0);
  if (!last_axis(axis)) {
    throw InputError(
        fmt::format("{}: splits layer {}'s fused projection on axis {}, expected the last "
                    "axis (-1)",
                    g.where(split), l, axis));
  }
  std::vector<int64_t> sizes;
  if (split.input_size() > 1 && !split.input(1).empty()) {
    sizes = constant_ints(g, split, 1, "split sizes");
  } else if (const std::optional<std::vector<int64_t>> attribute = attribute_ints(split, "split")) {
    sizes = *attribute;
  } else {  // equal parts (opset 18's num_outputs, or no sizes at all)
    const int64_t parts = split.output_size();
    sizes.assign(static_cast<std::size_t>(parts), parts > 0 && width % parts == 0 ? width / parts : -1);
  }
  // Each size in (0, width] before summing, so the sum cannot overflow.
  const bool positive =
      std::all_of(sizes.begin(), sizes.end(), [width](int64_t s) { return s > 0 && s <= width; });
  const int64_t sum = positive ? std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) : -1;
  if (sum != width || !positive || static_cast<int>(sizes.size()) != split.output_size()) {
    throw InputError(fmt::format(
        "{}: splits layer {}'s fused projection ({} outputs) into sizes [{}] for {} "
        "outputs, expected {} positive sizes summing to {}",
        g.where(split), l, width, fmt::join(sizes, ", "), split.output_size(), split.output_size(), width));
  }
  int64_t begin = 0;
  for (int i = 0; i < split.output_size(); ++i) {
    if (split.output(i) == part) return {begin, begin + sizes[static_cast<std::size_t>(i)]};
    begin += sizes[static_cast<std::size_t>(i)];
  }
  throw InputError(
      fmt::format("{}: layer {}'s {} operand '{}' is not one of its outputs", g.where(split), l, role, part));
}

std::pair<int64_t, int64_t> slice_rows(const OnnxGraph& g, const Node& slice, int64_t width, int l) {
  const auto one = [&](int input, const char* what) -> int64_t {
    const std::vector<int64_t> v = constant_ints(g, slice, input, what);
    if (v.size() != 1) {
      throw InputError(
          fmt::format("{}: its {} has {} values, expected one (a cut of the last axis of layer "
                      "{}'s fused projection)",
                      g.where(slice), what, v.size(), l));
    }
    return v.front();
  };
  const int64_t axis = slice.input_size() > 3 && !slice.input(3).empty() ? one(3, "axes") : 0;
  const int64_t step = slice.input_size() > 4 && !slice.input(4).empty() ? one(4, "steps") : 1;
  if (!last_axis(axis) || step != 1) {
    throw InputError(
        fmt::format("{}: slices layer {}'s fused projection on axis {} with step {}, expected "
                    "the last axis (-1) with step 1",
                    g.where(slice), l, axis, step));
  }
  const auto clamp = [width](int64_t v) { return std::clamp(v < 0 ? v + width : v, int64_t{0}, width); };
  const int64_t begin = clamp(one(1, "starts")), end = clamp(one(2, "ends"));
  if (begin >= end) {
    throw InputError(
        fmt::format("{}: slices rows [{}, {}) of layer {}'s fused projection ({} outputs), "
                    "expected a non-empty range",
                    g.where(slice), begin, end, l, width));
  }
  return {begin, end};
}

}  // namespace

Projection fused_part(const OnnxGraph& graph, const Node& cut, const std::string& part,
                      const Projection& whole, const char* role, int layer) {
  const auto [begin, end] = cut.op_type() == "Split" ? split_rows(graph, cut, part, whole.out, role, layer)
                                                     : slice_rows(graph, cut, whole.out, layer);
  if (whole.bias && whole.bias->numel() != whole.out) {
    throw InputError(fmt::format("{}: the fused projection's bias has {} values, expected its {} outputs",
                                 graph.where(cut), whole.bias->numel(), whole.out));
  }
  Projection p = whole;
  p.cut = &cut;
  p.offset = begin;
  p.out = end - begin;
  p.weight.dims = {p.out, whole.in};
  p.weight.values.assign(whole.weight.values.begin() + begin * whole.in,
                         whole.weight.values.begin() + end * whole.in);
  if (whole.bias) {
    p.bias->dims = {p.out};
    p.bias->values.assign(whole.bias->values.begin() + begin, whole.bias->values.begin() + end);
  }
  return p;
}

}  // namespace neurokv::onnx_import
