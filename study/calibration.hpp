#pragma once
// Integer execution's activation scales, calibrated on sample input (docs/executor.md "Numerics"): by
// `neurokv exec --calibration` for one run, or by `neurokv compile --calibration`, which stores them in the
// program's weights file (.nkw version 2) for every later run.
#include <string>
#include <vector>

#include "compiler/config/model_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"
#include "compiler/support/diagnostic.hpp"
#include "compiler/weights/weights_file.hpp"

namespace neurokv::study {

struct CalibrationInput {
  std::vector<std::vector<int>> sequences;  // runnable by the program: a long input as windows of its context
  std::string where;                        // what messages name: the file or the flag
  std::size_t tokens = 0;
};

// --calibration: a text file (its bytes) for a byte-level model (vocabulary 256), else an id list or a file
// holding one. Throws InputError naming the place for an empty input or an id outside the vocabulary.
CalibrationInput calibration_input(const std::string& calibration, const ir::Program& program);

// The program's weights file (quantize_program_weights) with the activation scales a float run of
// `calibration` gives, max calibration, in it.
weights::WeightsFile calibrated_weights_file(const ir::Program& program, const ModelWeights& model_weights,
                                             const ModelSpec& spec, const std::string& calibration);

// The note that the weights file `path` (--weights) stores no activation scales, so the integer run
// calibrates them on `instead`.
Diagnostic unstored_scales_note(const weights::WeightsFile& file, const std::string& path,
                                const std::string& instead);

}  // namespace neurokv::study
