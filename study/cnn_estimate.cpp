#include "study/cnn_estimate.hpp"

#include "compiler/driver/cnn_source.hpp"
#include "compiler/driver/compile.hpp"
#include "study/cnn_program.hpp"
#include "study/data_dir.hpp"

namespace neurokv::study {

bool names_cnn_model(const std::string& model) { return is_cnn_source(model, data_dir("models")); }

FrameReport estimate_cnn(const std::string& model, const std::string& hw_name, passes::MapMode mode,
                         Diagnostics& diagnostics) {
  const CnnSource source = load_cnn_source(model, data_dir("models"));
  const HwConfig hw = load_hw(hw_name, data_dir("hwconfigs"));
  const CompileResult compiled = compile_cnn(source.spec, hw, passes::to_string(mode));
  diagnostics.insert(diagnostics.end(), source.diagnostics.begin(), source.diagnostics.end());
  return estimate_program_frame(compiled.program, source.spec.file, hw);
}

}  // namespace neurokv::study
