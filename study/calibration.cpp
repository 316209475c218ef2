#include "study/calibration.hpp"

#include <fmt/format.h>

#include "compiler/weights/program_weights.hpp"
#include "simulator/functional/executor.hpp"
#include "simulator/functional/stored_scales.hpp"
#include "simulator/functional/token_ids.hpp"
#include "study/token_input.hpp"

namespace neurokv::study {

CalibrationInput calibration_input(const std::string& calibration, const ir::Program& program) {
  CalibrationInput input;
  std::vector<int> ids;
  if (program.model.vocab == 256) {
    input.where = calibration;
    ids = functional::text_token_ids(calibration);
  } else {
    ids = id_list(calibration, "--calibration", input.where);
  }
  functional::check_not_empty(ids, input.where);
  functional::check_vocabulary(ids, program, input.where);
  input.tokens = ids.size();
  input.sequences = functional::windows(ids, functional::sequence_limit(program));
  return input;
}

weights::WeightsFile calibrated_weights_file(const ir::Program& program, const ModelWeights& model_weights,
                                             const ModelSpec& spec, const std::string& calibration) {
  weights::WeightsFile file = weights::quantize_program_weights(program, model_weights);
  const CalibrationInput input = calibration_input(calibration, program);
  const functional::Executor reference(program, functional::float_op_tensors(program, model_weights),
                                       functional::NumericsFacts::of(spec));
  file.activations = functional::to_stored(program, functional::calibrate(reference, input.sequences),
                                           fmt::format("{} ({} tokens)", input.where, input.tokens));
  return file;
}

Diagnostic unstored_scales_note(const weights::WeightsFile& file, const std::string& path,
                                const std::string& instead) {
  return Diagnostic::note(fmt::format(
      "{}: no activation scales stored ({}), so the integer run calibrates them on {}; `neurokv compile "
      "--calibration FILE` stores them",
      path,
      file.version < 2 ? fmt::format("a version-{} weights file", file.version)
                       : "compiled without --calibration",
      instead));
}

}  // namespace neurokv::study
