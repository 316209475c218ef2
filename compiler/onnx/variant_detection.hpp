#pragma once
// Which of the paper's attention variants each matched layer is: which projections are tied, and how many
// K/V heads it keeps. docs/onnx.md states the rules.
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/onnx/matched_model.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv::onnx_import {

struct DetectedAttention {
  int heads = 0;
  int head_dim = 0;
  std::vector<AttentionVariant> layers;  // one per layer
  Diagnostics diagnostics;               // warnings, e.g. separate K and V weights that hold the same numbers
};

// Throws InputError naming the node for a score scale that is not 1/√head_dim of a whole head_dim, or head
// counts that do not fit a variant.
DetectedAttention detect_variants(const MatchedModel& model, const OnnxGraph& graph);

}  // namespace neurokv::onnx_import
