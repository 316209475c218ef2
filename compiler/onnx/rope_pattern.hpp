#pragma once
// Rotary position embedding as Hugging Face's Llama (and every model copying its apply_rotary_pos_emb)
// exports it: x·cos + rotate_half(x)·sin, rotate_half(x) = Concat(Neg(x[..., d/2:]), x[..., :d/2]), cos and
// sin rows of constant [positions, head_dim] tables read by Slice (cos[:T]) or Gather (cos[position_ids]) and
// unsqueezed over batch and heads.
#include <optional>
#include <string>

#include "compiler/onnx/matched_model.hpp"

namespace neurokv::onnx_import {

struct RopeMatch {
  std::string input;  // x, the tensor rotated
  Rope rope;
};

// The rotation at `add`; nullopt when `add` is not x·cos + rotate_half(x)·sin. Throws InputError naming the
// node when the rotate_half form is there but its tables are not constants read by position.
std::optional<RopeMatch> match_rope(const OnnxGraph& graph, const Node& add);

}  // namespace neurokv::onnx_import
