#pragma once
// Pattern matching of GPT-style and Llama-style decoder blocks as torch.onnx.export writes them (opsets
// 13-17; 18's attribute-to-input moves too): token and position Gathers (or the token Gather alone, with
// RoPE), pre-LayerNorm (fused or decomposed) or RMSNorm (decomposed), Q/K/V projections (MatMul or Gemm, bias
// Add; separate, or one fused projection cut by Split or Slice), RoPE by rotate_half, head reshapes and
// KV-head repeats, the scaled and masked QKᵀ, Softmax, P·V, output projection, GELU or gated (SwiGLU, GeGLU)
// MLP, residual Adds, final norm and the LM head. docs/onnx.md lists the forms.
#include "compiler/onnx/matched_model.hpp"

namespace neurokv::onnx_import {

// Throws InputError naming the node (name and op_type) where the graph departs from the pattern and what was
// expected there.
MatchedModel match_blocks(const OnnxGraph& graph);

}  // namespace neurokv::onnx_import
