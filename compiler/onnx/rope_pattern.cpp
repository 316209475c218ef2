#include "compiler/onnx/rope_pattern.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "compiler/onnx/node_attributes.hpp"
#include "compiler/support/error.hpp"

namespace neurokv::onnx_import {
namespace {

const Node* producer_of(const OnnxGraph& g, const std::string& t, const char* op) {
  const Node* n = g.producer(t);
  return n != nullptr && n->op_type() == op ? n : nullptr;
}

// rotate_half(x): Concat(Neg(Slice(x)), Slice(x)) on the last axis; returns x.
std::optional<std::string> rotated_half_of(const OnnxGraph& g, const std::string& t) {
  const Node* concat = producer_of(g, t, "Concat");
  if (concat == nullptr || concat->input_size() != 2) return std::nullopt;
  const Node* neg = producer_of(g, concat->input(0), "Neg");
  const Node* upper = neg ? producer_of(g, neg->input(0), "Slice") : nullptr;
  const Node* lower = producer_of(g, concat->input(1), "Slice");
  if (upper == nullptr || lower == nullptr || upper->input(0) != lower->input(0)) return std::nullopt;
  return upper->input(0);
}

// From a Mul operand back to the constant table it reads: Unsqueeze/Squeeze/Cast/Identity/Expand, a Slice of
// the leading rows (cos[:T]) or a Gather of rows by position (cos[position_ids]).
std::pair<std::string, TensorValues> table_of(const OnnxGraph& g, std::string t, const Node& add,
                                              const char* which) {
  for (;;) {
    if (std::optional<TensorValues> values = g.constant(t)) {
      while (values->dims.size() > 2 && values->dims.front() == 1) values->dims.erase(values->dims.begin());
      if (values->dims.size() != 2) {
        throw InputError(fmt::format("{}: RoPE's {} table '{}' has dims [{}], expected [positions, head_dim]",
                                     g.where(add), which, t, fmt::join(values->dims, ", ")));
      }
      return {t, std::move(*values)};
    }
    const Node* n = g.producer(t);
    const std::string op = n ? n->op_type() : "";
    if (op == "Slice") {
      const std::optional<TensorValues> starts = g.constant(n->input(1));
      if (!starts || starts->values.size() != 1 || starts->values.front() != 0) {
        throw InputError(
            fmt::format("{}: reads RoPE's {} table from a row other than 0, expected the rows "
                        "of positions 0, 1, … (cos[:T])",
                        g.where(*n), which));
      }
    } else if (op == "Gather") {
      if (attribute_int(*n, "axis", 0) != 0) {
        throw InputError(
            fmt::format("{}: gathers RoPE's {} table on axis {}, expected rows by position "
                        "(axis 0)",
                        g.where(*n), which, attribute_int(*n, "axis", 0)));
      }
    } else if (op != "Unsqueeze" && op != "Squeeze" && op != "Cast" && op != "Identity" && op != "Expand") {
      throw InputError(
          fmt::format("{}: RoPE's {} operand '{}' is not read from a table, expected a constant "
                      "[positions, head_dim] table read by Slice or Gather (and Unsqueeze)",
                      g.where(add), which, t));
    }
    t = n->input(0);
  }
}

}  // namespace

std::optional<RopeMatch> match_rope(const OnnxGraph& graph, const Node& add) {
  if (add.op_type() != "Add" || add.input_size() != 2) return std::nullopt;
  for (int rotated = 0; rotated < 2; ++rotated) {
    const Node* sin_mul = producer_of(graph, add.input(rotated), "Mul");
    const Node* cos_mul = producer_of(graph, add.input(1 - rotated), "Mul");
    if (sin_mul == nullptr || cos_mul == nullptr) continue;
    for (int side = 0; side < 2; ++side) {
      const std::optional<std::string> x = rotated_half_of(graph, sin_mul->input(side));
      if (!x) continue;
      const int x_side = cos_mul->input(0) == *x ? 0 : cos_mul->input(1) == *x ? 1 : -1;
      if (x_side < 0) {
        throw InputError(
            fmt::format("{}: rotate_half of '{}' but the cos product does not read it, expected "
                        "x·cos + rotate_half(x)·sin of one x",
                        graph.where(add), *x));
      }
      RopeMatch match;
      match.input = *x;
      match.rope.node = &add;
      std::tie(match.rope.cos_name, match.rope.cos) = table_of(graph, cos_mul->input(1 - x_side), add, "cos");
      std::tie(match.rope.sin_name, match.rope.sin) = table_of(graph, sin_mul->input(1 - side), add, "sin");
      return match;
    }
  }
  return std::nullopt;
}

}  // namespace neurokv::onnx_import
