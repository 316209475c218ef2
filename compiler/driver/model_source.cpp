#include "compiler/driver/model_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/onnx/cnn_import.hpp"
#include "compiler/onnx/onnx_import.hpp"
#include "compiler/support/error.hpp"

namespace neurokv {
namespace {

// An ONNX CNN reaching the transformer importer (run, exec, simulate, the Python module) is named as what it
// is; it is only looked for once the import failed, so a transformer pays nothing for it.
ImportedModel import_transformer(const std::string& path) {
  try {
    return import_onnx(path);
  } catch (const InputError&) {
    if (!is_onnx_cnn(path)) throw;
    throw InputError(
        fmt::format("{}: a CNN (Conv layers, no attention), which only `neurokv estimate`, `neurokv "
                    "compile` and `neurokv exec` take today; expected a transformer ONNX model",
                    path));
  }
}

}  // namespace

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
  ImportedModel imported = import_transformer(name_or_path);
  ModelSource source(std::move(imported.spec));
  source.layer_variants = std::move(imported.layer_variants);
  source.weights = std::make_shared<const ModelWeights>(std::move(imported.weights));
  source.diagnostics = std::move(imported.diagnostics);
  return source;
}

}  // namespace neurokv
