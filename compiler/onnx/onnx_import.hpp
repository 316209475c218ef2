#pragma once
// The ONNX frontend's entry point: an ONNX file (as torch.onnx.export writes a GPT-style decoder) becomes the
// model's shapes, the attention variant of each layer and the real weights, keyed by Graph IR op names so the
// YAML frontend's graph builder and apply_variant build the graph.
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/model_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv {

struct ImportedModel {
  ModelSpec spec;                                // shapes from the graph; kv_groups = the detected KV heads
  std::vector<AttentionVariant> layer_variants;  // one per layer
  ModelWeights weights;                          // only the projections the model has
  Diagnostics diagnostics;                       // notes and warnings for the user ("file: node ...: ...")
  std::vector<std::string> qkv_projections;      // per layer: "separate", "fused, Split" or "fused, Slice"
};

// Throws InputError ("file: node 'name' (OpType): what is wrong, what was expected") for a file that is not
// ONNX, a missing initializer, or a pattern the frontend does not recognise.
ImportedModel import_onnx(const std::string& path);
// The same from the file's bytes (external data is looked up beside `path`).
ImportedModel import_onnx_model(const std::string& bytes, const std::string& path);

}  // namespace neurokv
