#include "compiler/model_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/error.hpp"
#include "compiler/onnx/onnx_import.hpp"

namespace neurokv {

AttentionVariant ModelSource::detected_variant() const {
  for (std::size_t l = 1; l < layer_variants.size(); ++l) {
    if (!(layer_variants[l] == layer_variants.front())) {
      throw InputError(fmt::format("{}: layer 0 is {} but layer {} is {}; expected one variant in every layer "
                                   "(mixed-variant models are inspected, not compiled)", spec.file,
                                   layer_variants.front().name(), l, layer_variants[l].name()));
    }
  }
  return layer_variants.front();
}

void ModelSource::check_variant(const AttentionVariant& variant) const {
  if (!imported()) return;
  const AttentionVariant detected = detected_variant();
  if (!(variant == detected)) {
    throw InputError(fmt::format("{}: the model is {} (detected from its graph), but {} was requested; expected "
                                 "--variant {} or no --variant", spec.file, detected.name(), variant.name(),
                                 detected.name()));
  }
}

ModelSource load_model_source(const std::string& name_or_path, const std::string& models_dir) {
  if (std::filesystem::path(name_or_path).extension() != ".onnx") return load_model(name_or_path, models_dir);
  ImportedModel imported = import_onnx(name_or_path);
  ModelSource source(std::move(imported.spec));
  source.layer_variants = std::move(imported.layer_variants);
  source.weights = std::make_shared<const ModelWeights>(std::move(imported.weights));
  source.diagnostics = std::move(imported.diagnostics);
  return source;
}

}  // namespace neurokv
