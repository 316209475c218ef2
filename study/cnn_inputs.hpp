#pragma once
// What a CNN executes with when its events are measured (`estimate`, `exec --model <cnn>`): an ONNX CNN's own
// weights, or, for a model YAML, which has none, synthetic ones (He-normal,
// simulator/functional/synthetic_weights.hpp); and frames from a raw file or synthetic
// (simulator/functional/cnn_frames.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "compiler/config/model_weights.hpp"
#include "compiler/driver/cnn_source.hpp"
#include "compiler/ir/program.hpp"
#include "simulator/functional/cnn_frames.hpp"
#include "study/study.hpp"

namespace neurokv::study {

// Frames a measurement executes when no --frames file is given.
inline constexpr int64_t kSyntheticFrames = 8;

// Measured events for a CNN: the seed of the weights a YAML has none of, and the frames.
struct CnnEventOptions {
  std::optional<uint64_t> synthetic_seed;  // --synthetic-weights SEED; none: the model's own weights (ONNX)
  std::string frames_file;  // --frames: raw uint8 HWC frames; empty: kSyntheticFrames synthetic ones
  int threads = 1;
};

// What the flags ask of a CNN's frame (`own_weights`: an ONNX CNN's). Measured with --events measured; under
// --events auto, measured when the weights and an input exist (a YAML: --synthetic-weights, the frames then
// synthetic unless --frames names some; an ONNX CNN: --frames); else assumed (nullopt). Throws InputError for
// --events measured on a YAML without --synthetic-weights, for --synthetic-weights on a CNN with weights of
// its own, and for --synthetic-weights, --frames or --threads where nothing is executed (they would be
// ignored).
std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& options, const std::string& frames_file,
                                                 bool own_weights);
// The same for `exec`, which always executes.
CnnEventOptions cnn_exec_options(const StudyOptions& options, const std::string& frames_file,
                                 bool own_weights);

// The weights and frames `events` names for `program` (compiled from `source`); `weights_origin` is what
// reports say of the weights. Throws InputError for a frames file that is not whole frames of the input.
struct CnnInputs {
  std::shared_ptr<const ModelWeights> weights;
  std::string weights_origin;
  functional::CnnFrames frames;
};
CnnInputs cnn_inputs(const CnnSource& source, const ir::Program& program, const CnnEventOptions& events);

}  // namespace neurokv::study
