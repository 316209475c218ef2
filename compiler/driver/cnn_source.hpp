#pragma once
// Where a CNN comes from: a CNN model YAML (`network: cnn`; shapes only) or an ONNX file whose graph is a CNN
// (shapes, widths assumed, and its real weights, BatchNorm folded: compiler/onnx/cnn_import.hpp). The library
// decides how a `--model` argument is loaded; the CLI only passes it on.
#include <memory>
#include <string>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/support/diagnostic.hpp"

namespace neurokv {

struct CnnSource {
  CnnSpec spec;
  std::shared_ptr<const ModelWeights> weights;  // imported: the real weights (docs/models.md); null: YAML
  Diagnostics diagnostics;                      // imported: what was assumed, for the user
};

// Whether `name_or_path` names a CNN: a model YAML saying `network: cnn` (a path, or a name in `models_dir`),
// or a .onnx file whose graph has a Conv and no attention. False for what cannot be read: the transformer
// loader then reports it.
bool is_cnn_source(const std::string& name_or_path, const std::string& models_dir);

// Loads the CNN; every problem is an InputError naming the file and the place in it.
CnnSource load_cnn_source(const std::string& name_or_path, const std::string& models_dir);

}  // namespace neurokv
