#pragma once
// Activation scales between the executor (ActivationScales, indexed by op id) and the weights file
// (weights::ActivationCalibration, keyed by op name): `neurokv compile --calibration` stores them, integer
// execution of the .nkw reads them back.
#include <string>

#include "compiler/ir/program.hpp"
#include "compiler/weights/weights_file.hpp"
#include "simulator/functional/executor.hpp"

namespace neurokv::functional {

// One entry per program op, in program order. `source` says what the scales were calibrated on.
weights::ActivationCalibration to_stored(const ir::Program& program, const ActivationScales& scales,
                                         std::string source);
// Throws InputError naming `file` and the op when the stored scales lack one of the program's ops.
ActivationScales from_stored(const ir::Program& program, const weights::ActivationCalibration& stored,
                             const std::string& file);

}  // namespace neurokv::functional
