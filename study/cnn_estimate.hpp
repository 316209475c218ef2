#pragma once
// `neurokv estimate --model <cnn>`: a CNN model YAML (`network: cnn`) mapped onto a chip in one of MetaTF's
// mapping modes and costed per frame (simulator/frame_cost.hpp), with the layers' input densities assumed
// (the model's) or measured by executing the program on frames (simulator/functional/cnn_executor.hpp).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/config/model_weights.hpp"
#include "compiler/passes/map_cnn.hpp"
#include "simulator/frame_cost.hpp"
#include "simulator/functional/cnn_executor.hpp"
#include "study/study.hpp"

namespace neurokv::study {

// Frames a measurement executes when no --frames file is given.
inline constexpr int64_t kSyntheticFrames = 8;

// Measured events for a CNN YAML (--events measured): the weights it has none of, and the frames.
struct CnnEventOptions {
  uint64_t synthetic_seed = 0;  // --synthetic-weights SEED: He-normal weights (synthetic_weights.hpp)
  std::string frames_file;      // --frames: raw uint8 HWC frames; empty: kSyntheticFrames synthetic ones
  int threads = 1;
};

// What the flags ask of a CNN YAML's frame: measured events with --events measured, or with
// --synthetic-weights under --events auto (a YAML has no weights of its own, so nothing is measured without
// them); else assumed (nullopt). Throws InputError for --events measured without --synthetic-weights, and for
// --synthetic-weights,
// --frames or --threads where nothing is executed (they would be ignored).
std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& options, const std::string& frames_file);

// Whether --model names a CNN model YAML (a path, or a name in the shipped models/).
bool names_cnn_model(const std::string& model);

// Loads the CNN and the chip the names give, compiles it (compile_cnn) and costs one frame from the program
// (cnn_program.hpp), with the model's densities or, given `events`, measured ones (measured_frame). Throws
// InputError for a bad file and MappingError, naming both files, for a network the chip cannot hold.
FrameReport estimate_cnn(const std::string& model, const std::string& hw, passes::MapMode mode,
                         const std::optional<CnnEventOptions>& events = std::nullopt);

// The program with every layer's input density replaced by the one `execution` measured, except the HRC
// layer's (it processes every input, zero or not: it stays 1).
ir::Program with_measured_densities(const ir::Program& program, const functional::CnnExecution& execution);

// One frame of `program` (`file` names it) costed with the densities its integer execution on `frames` with
// `weights` measures; `weights_origin` says whose weights they are ("synthetic weights (...)", or an imported
// model's) in the report.
FrameReport measured_frame(const ir::Program& program, const std::string& file, const HwConfig& hw,
                           const ModelWeights& weights, const std::string& weights_origin,
                           const functional::CnnFrames& frames, const functional::Workers& workers);

// `neurokv exec --model <cnn>`: the program compiled and executed on the frames, in `numerics` and, for
// integer numerics, in float as well (its top classes are what the integer ones are held to).
struct CnnModelRun {
  ir::Program program;
  std::string weights;  // whose weights: "synthetic weights (He-normal, seed N)"
  std::string frames;   // what the frames are (CnnFrames::source)
  functional::CnnExecution execution, reference;
};
CnnModelRun execute_cnn_model(const std::string& model, const std::string& hw, passes::MapMode mode,
                              const CnnEventOptions& events, functional::Numerics numerics);
// Its JSON (`"schema": "neurokv.cnn_exec/1"`): per layer its events, offered inputs, density and tiles; per
// frame the top class (and float's).
nlohmann::json cnn_run_json(const CnnModelRun& run);

}  // namespace neurokv::study
