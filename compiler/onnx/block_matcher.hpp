#pragma once
// Pattern matching of GPT-style decoder blocks as torch.onnx.export writes them (opsets 13-17): token and
// position Gathers, pre-LayerNorm (fused or decomposed), Q/K/V projections (MatMul or Gemm, bias Add), head
// reshapes and KV-head repeats, the scaled and masked QKᵀ, Softmax, P·V, output projection, GELU MLP (erf,
// tanh or Gelu), residual Adds, final LayerNorm and the LM head. docs/onnx.md lists the forms.
#include "compiler/onnx/matched_model.hpp"

namespace neurokv::onnx_import {

// Throws InputError naming the node (name and op_type) where the graph departs from the pattern and what was
// expected there.
MatchedModel match_blocks(const OnnxGraph& graph);

}  // namespace neurokv::onnx_import
