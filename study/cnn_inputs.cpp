#include "study/cnn_inputs.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "simulator/functional/synthetic_weights.hpp"

namespace neurokv::study {
namespace {

// The weights an execution would run with: the model's own, or --synthetic-weights' for a YAML.
std::optional<uint64_t> weights_seed(const StudyOptions& o, bool own_weights) {
  if (o.synthetic_seed < 0) return std::nullopt;
  if (own_weights) {
    throw InputError(
        fmt::format("--synthetic-weights: {} carries its own weights (an ONNX CNN), expected "
                    "--synthetic-weights only for a CNN model YAML",
                    o.model));
  }
  return static_cast<uint64_t>(o.synthetic_seed);
}

}  // namespace

std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& o, const std::string& frames_file,
                                                 bool own_weights) {
  const std::optional<uint64_t> seed = weights_seed(o, own_weights);
  const bool weights = own_weights || seed.has_value();
  if (o.events == "measured" && !weights) {
    throw InputError(fmt::format(
        "--events measured: model {} has no weights (a CNN YAML), expected --synthetic-weights SEED",
        o.model));
  }
  // A YAML's synthetic weights ask for execution by themselves; an ONNX CNN's own weights need an input.
  const bool input = seed.has_value() || !frames_file.empty();
  if (o.events == "assumed" || (o.events == "auto" && !(weights && input))) {
    const char* why = o.events == "assumed" ? "--events assumed executes nothing"
                      : own_weights         ? "nothing is executed without --frames FILE or --events measured"
                                            : "nothing is executed without --synthetic-weights SEED";
    if (seed) throw InputError(fmt::format("--synthetic-weights: {}, expected one or the other", why));
    if (!frames_file.empty()) throw InputError(fmt::format("--frames: {}, so it would be ignored", why));
    if (o.threads != 0) throw InputError(fmt::format("--threads: {}, so it would be ignored", why));
    return std::nullopt;
  }
  return CnnEventOptions{seed, frames_file, execution_workers(o).threads()};
}

CnnEventOptions cnn_exec_options(const StudyOptions& o, const std::string& frames_file, bool own_weights) {
  const std::optional<uint64_t> seed = weights_seed(o, own_weights);
  if (!own_weights && !seed) {
    throw InputError(
        fmt::format("--model {}: a CNN YAML has no weights, expected --synthetic-weights SEED", o.model));
  }
  return CnnEventOptions{seed, frames_file, execution_workers(o).threads()};
}

CnnInputs cnn_inputs(const CnnSource& source, const ir::Program& program, const CnnEventOptions& events) {
  CnnInputs inputs;
  if (events.synthetic_seed) {
    inputs.weights =
        std::make_shared<const ModelWeights>(functional::synthetic_weights(program, *events.synthetic_seed));
    inputs.weights_origin = fmt::format("synthetic weights (He-normal, seed {})", *events.synthetic_seed);
  } else {
    inputs.weights = source.weights;
    inputs.weights_origin = fmt::format("the weights of {}", source.spec.file);
  }
  // Synthetic frames draw from the weights' seed (their own stream), or from 0 for a model's own weights.
  inputs.frames = events.frames_file.empty()
                      ? functional::synthetic_frames(source.spec.input, kSyntheticFrames,
                                                     events.synthetic_seed.value_or(0))
                      : functional::read_frames(events.frames_file, source.spec.input);
  return inputs;
}

}  // namespace neurokv::study
