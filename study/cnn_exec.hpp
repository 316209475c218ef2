#pragma once
// `neurokv exec --model <cnn>`: a CNN (a model YAML or an ONNX CNN) compiled and executed on frames
// (simulator/functional/ cnn_executor.hpp), its events per layer and tile and its top class per frame.
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/ir/program.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "compiler/support/diagnostic.hpp"
#include "simulator/functional/cnn_executor.hpp"
#include "study/cnn_inputs.hpp"

namespace neurokv::study {

// The program compiled and executed on the frames, in `numerics` and, for integer numerics, in float as
// well (its top classes are what the integer ones are held to).
struct CnnModelRun {
  ir::Program program;
  std::string weights;  // whose weights: "synthetic weights (He-normal, seed N)" or the model file's
  std::string frames;   // what the frames are (CnnFrames::source)
  functional::CnnExecution execution, reference;
};
// `options` names the model and chip and, with `frames_file` (--frames), what it executes with
// (cnn_exec_options); `diagnostics` gains what loading the CNN assumed (an ONNX CNN's widths).
CnnModelRun execute_cnn_model(const StudyOptions& options, passes::MapMode mode,
                              const std::string& frames_file, functional::Numerics numerics,
                              Diagnostics& diagnostics);

// Its JSON (`"schema": "neurokv.cnn_exec/1"`): per layer its events, offered inputs, density and tiles; per
// frame the top class (and float's).
nlohmann::json cnn_run_json(const CnnModelRun& run);

}  // namespace neurokv::study
