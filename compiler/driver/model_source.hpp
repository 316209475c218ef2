#pragma once
// Where a model comes from: a model YAML (shapes only; any attention variant can be compiled from it) or an
// ONNX file (shapes, the variant each layer was built with, and its real weights). The library decides how a
// `--model` argument is loaded; the CLI only passes it on.
#include <memory>
#include <string>
#include <vector>

#include "compiler/config/attention_variant.hpp"
#include "compiler/config/layer_variants.hpp"
#include "compiler/config/model_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv {

struct ModelSource {
  ModelSpec spec;
  std::vector<AttentionVariant> layer_variants;  // imported: one per layer; empty: every variant applies
  std::shared_ptr<const ModelWeights> weights;   // imported: the real weights; null: shapes only
  Diagnostics diagnostics;                       // imported: notes and warnings for the user

  ModelSource(ModelSpec model) : spec(std::move(model)) {}  // NOLINT: a YAML model is a source as it is

  bool imported() const { return !layer_variants.empty(); }
  // The imported model's variants, one per layer (uniform or mixed).
  LayerVariants detected_variant() const { return LayerVariants(layer_variants); }
  // Checks that `variants` can be compiled from this source: any for a YAML model; for an imported one, only
  // the variants its layers were built with (the weights of other projections do not exist). Throws
  // InputError naming both.
  void check_variant(const LayerVariants& variants) const;
};

// A path ending in .onnx is imported (compiler/onnx/); anything else is a model YAML path or a name in
// `models_dir`.
ModelSource load_model_source(const std::string& name_or_path, const std::string& models_dir);

}  // namespace neurokv
