#pragma once
// One role's part of a fused QKV projection (nanoGPT's c_attn, Phi/Falcon-style qkv_proj): one MatMul or Gemm
// to (heads + 2·kv_heads)·head_dim outputs, cut into q, k and v by Split (sizes as input from opset 13, as
// attribute below, equal parts without either) or by Slice on the last axis.
#include <string>

#include "compiler/onnx/matched_model.hpp"

namespace neurokv::onnx_import {

// The rows of `whole` that `part` (one output of `cut`, a Split or a Slice reading whole's output) holds, as
// a Projection of its own. Throws InputError naming `cut` for sizes that do not sum to the fused width, a cut
// on another axis than the last, or non-constant bounds.
Projection fused_part(const OnnxGraph& graph, const Node& cut, const std::string& part,
                      const Projection& whole, const char* role, int layer);

}  // namespace neurokv::onnx_import
