#pragma once
// What the block matcher found in an ONNX graph: the decoder's parts (GPT-style or Llama-style), each with
// the node that holds it and its weights, in the orientation neurokv uses (Linear weights [out][in], tables
// [rows][d_model]).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/config/model_spec.hpp"
#include "compiler/onnx/onnx_graph.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv::onnx_import {

struct Projection {
  const Node* matmul = nullptr;  // the MatMul or Gemm; two roles with the same node are one projection
  std::string weight_name;       // the tensor the node reads as its weight
  TensorValues weight;           // [out][in]
  std::optional<TensorValues> bias;
  int64_t in = 0, out = 0;
  // A part of a fused projection (one MatMul for Q, K and V, then Split or Slice): the node cutting it out
  // and its first row in the fused output. Two roles are one projection when node and rows agree.
  const Node* cut = nullptr;
  int64_t offset = 0;
  // A Tile between the projection and the attention products repeating its heads as whole blocks
  // (k.repeat(1, n, 1, 1)): head i reads KV head i mod kv_heads, which grouped KV heads cannot be.
  const Node* block_repeat = nullptr;
};

struct Norm {
  const Node* node =
      nullptr;  // LayerNormalization, or the ReduceMean (Pow for RMSNorm) opening the decomposed form
  NormKind kind = NormKind::LayerNorm;
  TensorValues gain, bias;  // bias empty for RMSNorm
  double epsilon = 1e-5;    // added to the variance
};

// Rotary position embedding of queries or keys as x·cos + rotate_half(x)·sin, the tables read by Slice or
// Gather from constants.
struct Rope {
  const Node* node = nullptr;      // the Add
  std::string cos_name, sin_name;  // the constant tables
  TensorValues cos, sin;           // [positions][rotary dims]
};

struct MatchedLayer {
  Norm ln1, ln2;
  Projection q, k, v, o;         // q (or v) is k itself when the model reuses the key projection
  const Node* scores = nullptr;  // the QKᵀ MatMul
  double scale = 0;              // the factor on the scores: 1/√head_dim
  std::optional<Rope> q_rope, k_rope;
  MlpKind mlp = MlpKind::Gelu;
  Projection gate, up, down;      // gate: gated MLPs only
  GeluForm gelu = GeluForm::Erf;  // the MLP's GELU (GELU or GeGLU)
};

struct MatchedModel {
  TensorValues token_embedding;                    // [vocab][d]
  std::optional<TensorValues> position_embedding;  // [positions][d]; none with RoPE
  std::vector<MatchedLayer> layers;
  Norm ln_f;
  Projection lm_head;
  bool tied_lm_head = false;
  Diagnostics diagnostics;  // notes: how ambiguous forms were read (e.g. a folded tied head)
};

}  // namespace neurokv::onnx_import
