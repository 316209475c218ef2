#include "compiler/driver/model_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/onnx/onnx_import.hpp"
#include "compiler/support/error.hpp"

namespace neurokv {

void ModelSource::check_variant(const LayerVariants& variants) const {
  if (!imported()) return;
  const LayerVariants detected = detected_variant();
  if (!(variants == detected)) {
    // A mixed model's notation is no --variant value: only leaving the flag out compiles it.
    const std::string expected =
        detected.mixed() ? "no --variant" : fmt::format("--variant {} or no --variant", detected.name());
    throw InputError(
        fmt::format("{}: the model is {} (detected from its graph), but {} was requested; expected {}",
                    spec.file, detected.name(), variants.name(), expected));
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
