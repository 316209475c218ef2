#include "compiler/driver/cnn_source.hpp"

#include <filesystem>

#include "compiler/onnx/cnn_import.hpp"

namespace neurokv {
namespace {

bool is_onnx_path(const std::string& name_or_path) {
  return std::filesystem::path(name_or_path).extension() == ".onnx";
}

}  // namespace

bool is_cnn_source(const std::string& name_or_path, const std::string& models_dir) {
  return is_onnx_path(name_or_path) ? is_onnx_cnn(name_or_path) : is_cnn_model(name_or_path, models_dir);
}

CnnSource load_cnn_source(const std::string& name_or_path, const std::string& models_dir) {
  if (!is_onnx_path(name_or_path)) return CnnSource{load_cnn_model(name_or_path, models_dir), nullptr, {}};
  ImportedCnn imported = import_onnx_cnn(name_or_path);
  return CnnSource{std::move(imported.spec),
                   std::make_shared<const ModelWeights>(std::move(imported.weights)),
                   std::move(imported.diagnostics)};
}

}  // namespace neurokv
