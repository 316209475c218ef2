#pragma once
// `neurokv estimate --model <cnn>`: a CNN (a model YAML saying `network: cnn`, or an ONNX CNN) mapped onto a
// chip in one of MetaTF's mapping modes and costed per frame (simulator/frame_cost.hpp).
#include <string>

#include "compiler/passes/map_cnn.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/frame_cost.hpp"

namespace neurokv::study {

// Whether --model names a CNN: a CNN model YAML (a path, or a name in the shipped models/) or a .onnx file
// whose graph is a CNN (compiler/driver/cnn_source.hpp).
bool names_cnn_model(const std::string& model);

// Loads the CNN and the chip the names give, compiles it (compile_cnn) and costs one frame from the program
// (cnn_program.hpp); appends to `diagnostics` what loading the CNN assumed (an ONNX CNN's widths). Throws
// InputError for a bad file and MappingError, naming both files, for a network the chip cannot hold.
FrameReport estimate_cnn(const std::string& model, const std::string& hw, passes::MapMode mode,
                         Diagnostics& diagnostics);

}  // namespace neurokv::study
