#pragma once
// `neurokv estimate --model <cnn>`: a CNN (a model YAML saying `network: cnn`, or an ONNX CNN) mapped onto a
// chip in one of MetaTF's mapping modes and costed per frame (simulator/frame_cost.hpp), with the layers'
// input densities assumed (the model's) or measured by executing the program on frames
// (simulator/functional/cnn_executor.hpp).
#include <string>

#include "compiler/config/model_weights.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/frame_cost.hpp"
#include "simulator/functional/cnn_executor.hpp"
#include "study/cnn_inputs.hpp"

namespace neurokv::study {

// Whether --model names a CNN: a CNN model YAML (a path, or a name in the shipped models/) or a .onnx file
// whose graph is a CNN (compiler/driver/cnn_source.hpp).
bool names_cnn_model(const std::string& model);

// Loads the CNN (options.model) and the chip (options.hw), compiles it (compile_cnn) and costs one frame
// from the program (cnn_program.hpp), with the model's densities or, when the flags ask for measured events
// (cnn_event_options; `frames_file`: --frames), measured ones (measured_frame). Appends to `diagnostics` what
// loading the CNN assumed (an ONNX CNN's widths). Throws InputError for a bad file or flag and MappingError,
// naming both files, for a network the chip cannot hold.
FrameReport estimate_cnn(const StudyOptions& options, passes::MapMode mode, const std::string& frames_file,
                         Diagnostics& diagnostics);

// The program with every layer's input density replaced by the one `execution` measured, except the HRC
// layer's (it processes every input, zero or not: it stays 1).
ir::Program with_measured_densities(const ir::Program& program, const functional::CnnExecution& execution);

// One frame of `program` (`file` names it) costed with the densities its integer execution on `frames` with
// `weights` measures; `weights_origin` says whose weights they are ("synthetic weights (...)", or an imported
// model's) in the report.
FrameReport measured_frame(const ir::Program& program, const std::string& file, const HwConfig& hw,
                           const ModelWeights& weights, const std::string& weights_origin,
                           const functional::CnnFrames& frames, const functional::Workers& workers);

}  // namespace neurokv::study
