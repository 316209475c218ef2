#pragma once
// What a CNN model YAML executes with when its events are measured (`estimate`, `exec --model <cnn>`): a YAML
// has no weights, so synthetic ones (He-normal, simulator/functional/synthetic_weights.hpp), and frames from
// a raw file or synthetic (simulator/functional/cnn_frames.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "compiler/config/cnn_spec.hpp"
#include "compiler/config/model_weights.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/cnn_frames.hpp"
#include "study/study.hpp"

namespace neurokv::study {

// Frames a measurement executes when no --frames file is given.
inline constexpr int64_t kSyntheticFrames = 8;

// Measured events for a CNN YAML: the seed of the weights it has none of, and the frames.
struct CnnEventOptions {
  uint64_t synthetic_seed = 0;  // --synthetic-weights SEED
  std::string frames_file;      // --frames: raw uint8 HWC frames; empty: kSyntheticFrames synthetic ones
  int threads = 1;
};

// What the flags ask of a CNN YAML's frame: measured events with --events measured, or with
// --synthetic-weights under --events auto (a YAML has no weights of its own, so nothing is measured without
// them); else assumed (nullopt). Throws InputError for --events measured without --synthetic-weights, and
// for --synthetic-weights, --frames or --threads where nothing is executed (they would be ignored).
std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& options, const std::string& frames_file);

// The weights and frames `events` names for `program` (compiled from `spec`); `weights_origin` is what
// reports say of the weights. Throws InputError for a frames file that is not whole frames of the input.
struct CnnInputs {
  ModelWeights weights;
  std::string weights_origin;
  functional::CnnFrames frames;
};
CnnInputs cnn_inputs(const CnnSpec& spec, const ir::Program& program, const CnnEventOptions& events);

}  // namespace neurokv::study
