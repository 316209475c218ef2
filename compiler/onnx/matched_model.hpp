#pragma once
// What the block matcher found in an ONNX graph: the GPT-style decoder's parts, each with the node that holds
// it and its weights, in the orientation neurokv uses (Linear weights [out][in], tables [rows][d_model]).
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
};

struct Norm {
  const Node* node = nullptr;  // LayerNormalization, or the ReduceMean opening the decomposed form
  TensorValues gain, bias;
  double epsilon = 1e-5;  // added to the variance
};

struct MatchedLayer {
  Norm ln1, ln2;
  Projection q, k, v, o;         // q (or v) is k itself when the model reuses the key projection
  const Node* scores = nullptr;  // the QKᵀ MatMul
  double scale = 0;              // the factor on the scores: 1/√head_dim
  Projection up, down;
  GeluForm gelu = GeluForm::Erf;  // the MLP's activation
};

struct MatchedModel {
  TensorValues token_embedding, position_embedding;  // [vocab][d], [positions][d]
  std::vector<MatchedLayer> layers;
  Norm ln_f;
  Projection lm_head;
  bool tied_lm_head = false;
  Diagnostics diagnostics;  // notes: how ambiguous forms were read (e.g. a folded tied head)
};

}  // namespace neurokv::onnx_import
