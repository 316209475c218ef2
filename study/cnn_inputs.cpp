#include "study/cnn_inputs.hpp"

#include <fmt/format.h>

#include "compiler/support/error.hpp"
#include "simulator/functional/synthetic_weights.hpp"

namespace neurokv::study {

std::optional<CnnEventOptions> cnn_event_options(const StudyOptions& o, const std::string& frames_file) {
  const bool weights = o.synthetic_seed >= 0;
  if (o.events == "measured" && !weights) {
    throw InputError(fmt::format(
        "--events measured: model {} has no weights (a CNN YAML), expected --synthetic-weights SEED",
        o.model));
  }
  if (o.events == "assumed" || !weights) {
    const char* why = o.events == "assumed" ? "--events assumed executes nothing"
                                            : "nothing is executed without --synthetic-weights SEED";
    if (weights) throw InputError(fmt::format("--synthetic-weights: {}, expected one or the other", why));
    if (!frames_file.empty()) throw InputError(fmt::format("--frames: {}, so it would be ignored", why));
    if (o.threads != 0) throw InputError(fmt::format("--threads: {}, so it would be ignored", why));
    return std::nullopt;
  }
  return CnnEventOptions{static_cast<uint64_t>(o.synthetic_seed), frames_file,
                         execution_workers(o).threads()};
}

CnnInputs cnn_inputs(const CnnSpec& spec, const ir::Program& program, const CnnEventOptions& events) {
  return {functional::synthetic_weights(program, events.synthetic_seed),
          fmt::format("synthetic weights (He-normal, seed {})", events.synthetic_seed),
          events.frames_file.empty()
              ? functional::synthetic_frames(spec.input, kSyntheticFrames, events.synthetic_seed)
              : functional::read_frames(events.frames_file, spec.input)};
}

}  // namespace neurokv::study
