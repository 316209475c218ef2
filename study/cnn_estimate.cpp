#include "study/cnn_estimate.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/support/error.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

bool names_cnn_model(const std::string& model) {
  if (std::filesystem::path(model).extension() == ".onnx") return false;
  return is_cnn_model(model, data_dir("models"));
}

FrameReport estimate_cnn(const std::string& model, const std::string& hw_name, passes::MapMode mode) {
  const CnnSpec spec = load_cnn_model(model, data_dir("models"));
  const HwConfig hw = load_hw(hw_name, data_dir("hwconfigs"));
  try {
    return estimate_frame(spec, passes::map_cnn(spec, hw, mode), hw);
  } catch (const MappingError& e) {
    throw MappingError(
        fmt::format("{}: does not fit chip {} ({}): {}", spec.file, hw.name, hw.file, e.what()));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: on chip {} ({}): {}", spec.file, hw.name, hw.file, e.what()));
  }
}

}  // namespace neurokv::study
