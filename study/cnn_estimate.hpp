#pragma once
// `neurokv estimate --model <cnn>`: a CNN model YAML (`network: cnn`) mapped onto a chip in one of MetaTF's
// mapping modes and costed per frame (simulator/frame_cost.hpp).
#include <string>

#include "compiler/passes/map_cnn.hpp"
#include "simulator/frame_cost.hpp"

namespace neurokv::study {

// Whether --model names a CNN model YAML (a path, or a name in the shipped models/).
bool names_cnn_model(const std::string& model);

// Loads the CNN and the chip the names give, compiles it (compile_cnn) and costs one frame from the program
// (cnn_program.hpp). Throws InputError for a bad file and
// MappingError, naming both files, for a network the chip cannot hold.
FrameReport estimate_cnn(const std::string& model, const std::string& hw, passes::MapMode mode);

}  // namespace neurokv::study
