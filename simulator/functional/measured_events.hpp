#pragma once
// Measured events for the estimators: executes a model with real weights in integer numerics on an input and
// returns what every op's tiles received at every position, to replace the assumed densities op by op, layer
// by layer and phase by phase (docs/executor.md, "Measured events in estimate and run").
#include <optional>
#include <string>
#include <vector>

#include "compiler/driver/compile.hpp"
#include "compiler/driver/model_source.hpp"
#include "compiler/weights/weights_file.hpp"
#include "simulator/functional/measured_density.hpp"
#include "simulator/functional/quality.hpp"
#include "simulator/functional/workers.hpp"
#include "simulator/measured_densities.hpp"

namespace neurokv::functional {

// Which positions of the executed input each phase's densities come from.
struct PhasePositions {
  int64_t prefill_begin = 0, prefill_end = 0;  // the prompt's: [0, min(prompt, tokens))
  int64_t decode_begin = 0, decode_end = 0;    // the decode tokens': [min(prompt, tokens − 1), tokens)
};

struct MeasuredEvents {
  SiteCounts sites;  // per site, overall and per layer
  int tokens = 0;
  QualityVsFloat quality;  // of the integer execution that measured them, on the same input
  std::vector<std::vector<SiteCount>> op_counts;  // [position][op id] (op_counts())
  std::vector<double> assumed;                    // [op id]: the program's input_density
  std::vector<bool> last_token_only;              // [op id]: the prefill runs it on the last prompt token

  // The positions of a phase with a `prompt`-token prefill (0: none): the prompt's positions are the
  // prefill's, the positions after it the decode tokens'; an input that ends within the prompt gives the
  // decode tokens its last position.
  PhasePositions positions(int64_t prompt) const;
  // Each op's input density in each phase (positions()): events / offered over the phase's positions (an op
  // the prefill runs on the last prompt token only: that position's), or its assumed density where nothing
  // was offered (a buffer read). Without a prompt the prefill has the decode tokens' densities.
  MeasuredDensities densities(int64_t prompt) const;
};

// A compiled program's weights file (--weights) and its path: its codes run instead of the model's weights
// quantised anew, and its stored activation scales (compile --calibration), if any, instead of scales
// calibrated on the input.
struct StoredWeights {
  weights::WeightsFile file;
  std::string path;
};

// Compiles `variant` of `model` (which must have weights) for `hw`, calibrates activation scales on `ids`
// (a float run) and executes them in integer numerics; with `stored`, its codes and scales (checked against
// the program). Both runs split their ops over `workers`. Throws InputError for a model without weights, bad
// ids or a weights file that is not the program's.
MeasuredEvents measure_events(const ModelSource& model, const LayerVariants& variant, const HwConfig& hw,
                              const CompileOptions& options, const std::vector<int>& ids,
                              const std::string& where, const std::optional<StoredWeights>& stored = {},
                              const Workers& workers = Workers());

}  // namespace neurokv::functional
