#include "study/cnn_estimate.hpp"

#include <filesystem>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/driver/compile.hpp"
#include "study/cnn_program.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

bool names_cnn_model(const std::string& model) {
  if (std::filesystem::path(model).extension() == ".onnx") return false;
  return is_cnn_model(model, data_dir("models"));
}

FrameReport estimate_cnn(const std::string& model, const std::string& hw_name, passes::MapMode mode) {
  const CnnSpec spec = load_cnn_model(model, data_dir("models"));
  const HwConfig hw = load_hw(hw_name, data_dir("hwconfigs"));
  const CompileResult compiled = compile_cnn(spec, hw, passes::to_string(mode));
  return estimate_program_frame(compiled.program, spec.file, hw);
}

}  // namespace neurokv::study
